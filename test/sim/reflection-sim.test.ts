import { describe, expect, it } from "vitest";
import { inRotation } from "../../src/experiments/index.js";
import { MS_PER_DAY } from "../../src/sim/customer-stream.js";
import { MarketState, planMarket } from "../../src/sim/market.js";
import { type CountedArm, zeroCounts } from "../../src/sim/matured-counts.js";
import { SIM_REVIEW_EVERY_MS, SimReflection } from "../../src/sim/reflection-sim.js";
import { parseScenario } from "../../src/sim/scenario-loader.js";
import type { Scenario, ScenarioReflection } from "../../src/sim/scenario-schema.js";
import { REFLECTION_RUN, runSeed, type SimulationOptions, simulationRuns } from "../../src/sim/simulation.js";
import { scenario } from "./sim-fixtures.js";

/** One stage whose best arm is b, and a reflection block (overridable). */
function oneStage(reflection: Partial<ScenarioReflection> = {}): Scenario {
  return scenario({
    name: "one-stage",
    customers: 100,
    stages: [
      {
        stage: "intent",
        window_hours: 24,
        delay_hours: { median: 3 },
        arms: [
          { variant: "a", p: 0.3 },
          { variant: "b", p: 0.4 },
        ],
      },
    ],
    reflection: { every_days: 7, proposals_per_stage: 2, child_p: { mean_delta: 0.05, sd: 0 }, ...reflection },
  });
}

/**
 * Gives arm `k` of stage 0 `successes` and `failures` assigned at `at` (so they
 * mature a window later), in the run's counts and in the reflection's matured cohorts.
 */
function feed(
  reflection: SimReflection,
  arm: CountedArm,
  k: number,
  successes: number,
  failures: number,
  at = 0,
): void {
  arm.successes += successes;
  arm.failures += failures;
  for (let i = 0; i < successes + failures; i++) reflection.assigned(0, k, at, i < successes);
}

describe("simulated reflection (SimReflection)", () => {
  it("should add proposals_per_stage candidates each every_days, children of the arm believed best", () => {
    const s = oneStage();
    const plan = planMarket(s);
    const market = new MarketState(plan);
    const arms = zeroCounts(plan);
    const reflection = new SimReflection(s.reflection!, plan, 1, { draws: 1000 });
    // The matured cohorts say a is best (posterior mean), although b truly is: the parent is a.
    feed(reflection, arms[0]![0]!, 0, 40, 60);
    feed(reflection, arms[0]![1]!, 1, 30, 70);
    expect(reflection.until(7 * MS_PER_DAY - 1, arms, market)).toBe(false);
    expect(arms[0]!.length).toBe(2);

    expect(reflection.until(7 * MS_PER_DAY, arms, market)).toBe(true);
    expect(arms[0]!.map((arm) => [arm.key, arm.status])).toEqual([
      ["a", "active"],
      ["b", "active"],
      ["reflection-1.1", "candidate"],
      ["reflection-1.2", "candidate"],
    ]);
    expect(market.available(0)).toBe(4);
    expect(market.probabilities(0).map((p) => Number(p.toFixed(10)))).toEqual([0.3, 0.4, 0.35, 0.35]);
    expect(reflection.counts).toMatchObject({ proposed: 2, graduated: 0, retired: 0 });
  });

  it("should clip a child's p to [0.01, 0.99]", () => {
    const s = oneStage({ child_p: { mean_delta: -0.9, sd: 0 } });
    const plan = planMarket(s);
    const market = new MarketState(plan);
    const arms = zeroCounts(plan);
    new SimReflection(s.reflection!, plan, 1).until(7 * MS_PER_DAY, arms, market);
    expect(market.p(0, 2)).toBe(0.01);
  });

  it("should graduate and retire candidates with the product's rules at the daily review", () => {
    const s = oneStage({ min_decisions: 100 });
    const plan = planMarket(s);
    const market = new MarketState(plan);
    const arms = zeroCounts(plan);
    const reflection = new SimReflection(s.reflection!, plan, 2, { draws: 2000 });
    reflection.until(7 * MS_PER_DAY, arms, market);
    arms[0]![0]!.status = "champion";
    const at = 7 * MS_PER_DAY - 24 * 3_600_000; // windows of 24 h: matured by the next review
    feed(reflection, arms[0]![0]!, 0, 300, 700, at);
    feed(reflection, arms[0]![2]!, 2, 45, 30, at); // surely beats the champion after 60 decisions
    feed(reflection, arms[0]![3]!, 3, 3, 117, at); // hopeless after min_decisions
    // Resolved but not matured: early successes do not count.
    feed(reflection, arms[0]![3]!, 3, 50, 0, 7 * MS_PER_DAY + 1);
    expect(reflection.until(7 * MS_PER_DAY + SIM_REVIEW_EVERY_MS, arms, market)).toBe(true);
    expect(arms[0]!.map((arm) => arm.status)).toEqual(["champion", "active", "active", "retired"]);
    expect(reflection.counts).toMatchObject({ graduated: 1, retired: 1 });
    // A retired arm no longer sets the best or the mean p.
    expect(market.mean(0)).toBeCloseTo((0.3 + 0.4 + 0.35) / 3, 12);
  });

  it("should never let a stage exceed max_arms: the weakest arm past burn-in goes first", () => {
    const s = oneStage({ max_arms: 2, proposals_per_stage: 2 });
    const plan = planMarket(s);
    const market = new MarketState(plan);
    const arms = zeroCounts(plan);
    const reflection = new SimReflection(s.reflection!, plan, 3, { draws: 2000 });
    feed(reflection, arms[0]![0]!, 0, 20, 180);
    feed(reflection, arms[0]![1]!, 1, 45, 55);
    reflection.until(7 * MS_PER_DAY, arms, market);
    // Room for 2 needs 2 retirements; only a may go (hopeless; b is the last arm in full competition).
    expect(arms[0]!.map((arm) => [arm.key, arm.status])).toEqual([
      ["a", "retired"],
      ["b", "active"],
      ["reflection-1.1", "candidate"],
    ]);
    expect(reflection.counts).toMatchObject({ proposed: 1, retiredForRoom: 1, noRoom: 1 });
    for (let week = 2; week <= 6; week++) {
      reflection.until(week * 7 * MS_PER_DAY, arms, market);
      expect(arms[0]!.filter((arm) => arm.status !== "retired").length).toBeLessThanOrEqual(2);
    }
  });
});

/** Two stages, reflection every 3 days, small thresholds: seeded and fast. */
function twoStages(meanDelta: number): Scenario {
  const text = `name: small-reflection
customers: 4000
arrivals_per_day: 300
stages:
  - stage: first_contact
    window_hours: 24
    delay_hours: { median: 3 }
    arms:
      - { variant: a, p: 0.35 }
      - { variant: b, p: 0.25 }
  - stage: closing
    window_hours: 24
    delay_hours: { median: 3 }
    arms:
      - { variant: x, p: 0.30 }
      - { variant: y, p: 0.20 }
reflection:
  every_days: 3
  proposals_per_stage: 2
  child_p: { mean_delta: ${meanDelta}, sd: 0.03 }
  max_arms: 5
  min_decisions: 60
`;
  const result = parseScenario(text, "small.yaml");
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join("; "));
  return result.scenario;
}

function wonBy(options: SimulationOptions, seeds: readonly number[]): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const seed of seeds) {
    for (const run of runSeed(options, seed)) totals[run.policy] = (totals[run.policy] ?? 0) + run.won;
  }
  return totals;
}

describe("closer simulate with a reflection block", () => {
  const settings = { thompson: { draws: 1000 } };
  const seeds = [1, 2, 3, 4];

  it("should run the product's policy with and without reflection, and the baselines without", () => {
    const s = twoStages(0.05);
    expect(simulationRuns({ scenario: s }).map((run) => run.name)).toEqual([REFLECTION_RUN, "thompson"]);
    expect(simulationRuns({ scenario: s, policies: ["uniform", "thompson"] }).map((run) => run.name)).toEqual([
      "uniform",
      REFLECTION_RUN,
      "thompson",
    ]);
    // --no-reflection: the scenario as if it had no block, every policy by default.
    expect(simulationRuns({ scenario: s, reflection: false }).map((run) => run.name)).toEqual([
      "thompson",
      "thompson-basic",
      "thompson-sliding",
      "uniform",
      "epsilon-greedy",
      "ucb1",
      "oracle",
    ]);
  });

  it("should run --no-reflection on the same customer streams as the run beside reflection", () => {
    const s = twoStages(0.05);
    const both = runSeed({ scenario: s, policySettings: settings, looks: false }, 5);
    const [without] = runSeed(
      { scenario: s, policies: ["thompson"], policySettings: settings, looks: false, reflection: false },
      5,
    );
    expect(both.map((run) => run.policy)).toEqual([REFLECTION_RUN, "thompson"]);
    expect(without).toEqual(both[1]);
    expect(both[0]!.reflection?.proposed).toBeGreaterThan(0);
    expect(both[0]!.weeklyArrivals.length).toBe(2);
  });

  it("should win more customers with a helpful model (mean_delta > 0)", () => {
    // Measured: about +10 % here since graduation needs 60 decisions and P(beats the champion) ≥ 0.9
    // (it was over +20 % with the coin-flip bar, which let harmful children through as well).
    const won = wonBy({ scenario: twoStages(0.05), policySettings: settings, looks: false }, seeds);
    expect(won[REFLECTION_RUN]).toBeGreaterThan(won["thompson"]! * 1.05);
  });

  it("should bound what a harmful model (mean_delta < 0) costs", () => {
    // Measured: about −10 % here, with a proposal round every 3 days; see the README for why and for the weekly figures.
    const won = wonBy({ scenario: twoStages(-0.08), policySettings: settings, looks: false }, seeds);
    expect(won[REFLECTION_RUN]).toBeLessThan(won["thompson"]!);
    expect(won[REFLECTION_RUN]).toBeGreaterThan(won["thompson"]! * 0.85);
  });

  it("should keep every proposal out of rotation once retired and within max_arms", () => {
    const [run] = runSeed({ scenario: twoStages(-0.08), policySettings: settings, looks: false }, 6);
    const r = run!.reflection!;
    expect(r.proposed).toBeGreaterThan(0);
    expect(r.retired + r.retiredForRoom).toBeGreaterThan(0);
    expect(inRotation({ status: "retired" })).toBe(false);
  });
});
