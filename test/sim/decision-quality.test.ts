import { describe, expect, it } from "vitest";
import { runSimulation, type SimulationOptions } from "../../src/sim/simulation.js";
import { summarise } from "../../src/sim/summary.js";
import { scenario } from "./sim-fixtures.js";

/** One stage, two equal arms, three weeks of customers: every named winner is a false one. */
const AA = scenario({
  name: "aa-small",
  customers: 6000,
  arrivals_per_day: 300,
  stages: [
    {
      stage: "first_contact",
      window_hours: 48,
      delay_hours: { median: 6 },
      arms: [
        { variant: "a", p: 0.3 },
        { variant: "b", p: 0.3 },
      ],
    },
  ],
});

/** Same funnel, one arm clearly better. */
const AB = scenario({
  ...AA,
  name: "ab-small",
  stages: [{ ...AA.stages[0]!, arms: [AA.stages[0]!.arms[0]!, { variant: "b", p: 0.4 }] }],
});

const FAST: Partial<SimulationOptions> = {
  seeds: 30,
  verdictDraws: 1000,
  policySettings: { thompson: { draws: 500 } },
};

function quality(options: SimulationOptions) {
  return summarise(options, runSimulation(options)).decisionQuality;
}

describe("decision quality under daily looks", () => {
  it("should name a winner in at most 5% of A/A experiments under uniform rotation", () => {
    const dq = quality({ scenario: AA, policies: ["uniform"], ...FAST });
    expect(dq.aa).toBe(true);
    expect(dq.policies["uniform"]!.experiments).toBe(30);
    expect(dq.policies["uniform"]!.namedWinnerRate).toBeLessThanOrEqual(0.05);
  });

  it("should name a winner in at most 5% of A/A experiments under Thompson, counting matured assignments as the product does", () => {
    const dq = quality({ scenario: AA, policies: ["thompson"], ...FAST });
    expect(dq.counts).toBe("matured");
    expect(dq.policies["thompson"]!.namedWinnerRate).toBeLessThanOrEqual(0.05);
  });

  // Why the product counts matured cohorts: successes resolve hours after assignment but failures
  // only when the window closes, so under adaptive allocation the arm whose traffic is rising looks
  // better than it is, and a verdict on resolved counts confirms whichever arm got ahead by chance.
  it("should show the bias a verdict on every resolved outcome would have in an A/A test", () => {
    const dq = quality({ scenario: AA, policies: ["thompson"], verdictCounts: "resolved", ...FAST });
    expect(dq.policies["thompson"]!.namedWinnerRate).toBeGreaterThan(0.05);
  });

  // Thompson's floor (1 % since issue 15) starves the worse arm sooner than rotation does: lower regret,
  // but fewer matured failures of the worse arm to judge by, so in three weeks it names the better arm
  // in about a third of these experiments where rotation names it in most.
  it("should name the better arm, and never the worse, when one arm is clearly better", () => {
    const dq = quality({ scenario: AB, policies: ["uniform", "thompson"], verdictCounts: "matured", ...FAST });
    const named = { uniform: 0.5, thompson: 0.3 };
    for (const name of ["uniform", "thompson"] as const) {
      expect(dq.policies[name]!.namedWinnerRate, name).toBeGreaterThan(named[name]);
      expect(dq.policies[name]!.wrongWinnerRate, name).toBe(0);
      expect(dq.policies[name]!.stages["first_contact"]!.meanFirstCorrectDay, name).toBeGreaterThanOrEqual(14);
    }
  });

  it("should name no winner on the oracle's data, which never leave one arm", () => {
    const dq = quality({ scenario: AB, policies: ["oracle"], ...FAST, seeds: 3 });
    expect(dq.policies["oracle"]!.namedWinnerRate).toBe(0);
  });
});
