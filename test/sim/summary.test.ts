import { describe, expect, it } from "vitest";
import type { RunResult } from "../../src/sim/run-recorder.js";
import { meanSe, summarise } from "../../src/sim/summary.js";
import { scenario } from "./sim-fixtures.js";

const S = scenario({
  name: "two",
  customers: 10,
  stages: [
    {
      stage: "first_contact",
      window_hours: 24,
      delay_hours: { median: 3 },
      arms: [
        { variant: "a", p: 0.4 },
        { variant: "b", p: 0.2 },
      ],
    },
  ],
});

function run(seed: number, regret: number, won: number, laiRobbins: number, named: boolean, wrong: boolean): RunResult {
  return {
    policy: "thompson",
    seed,
    customers: 10,
    won,
    followUps: { sent: seed * 10, revived: seed, optOuts: seed - 1 },
    regret,
    stages: [{ decisions: 10, regret, bestArmDecisions: 8, successes: 4, uniformRegret: 1 }],
    laiRobbins,
    endMs: 1,
    regretCurve: [regret / 2, regret],
    conversionCurve: [0.2, 0.4],
    // Two weeks of arrivals; seed 3's customers all came in week 1.
    weeklyRegret: seed === 3 ? [regret] : [regret / 4, (3 * regret) / 4],
    weeklyArrivals: seed === 3 ? [10] : [6, 4],
    weeklyWon: seed === 3 ? [won] : [3, won - 3],
    looks: [{ looks: 3, winnerLooks: named ? 1 : 0, namedWinner: named, wrongWinner: wrong, firstCorrectDay: null }],
  };
}

describe("meanSe", () => {
  it("should give the mean and the standard error of the mean", () => {
    expect(meanSe([2, 4, 6, 8])).toEqual({ mean: 5, se: Math.sqrt(20 / 3 / 4) });
  });

  it("should give se 0 for one value and zeros for none", () => {
    expect(meanSe([3])).toEqual({ mean: 3, se: 0 });
    expect(meanSe([])).toEqual({ mean: 0, se: 0 });
  });
});

describe("summarise", () => {
  const summary = summarise({ scenario: S, policies: ["thompson"] }, [
    run(1, 2, 3, 4, true, false),
    run(2, 4, 5, 4, true, true),
    run(3, 6, 7, 4, false, false),
  ]);

  it("should average regret, won, best-arm share and regret over the Lai–Robbins term per policy", () => {
    expect(summary.seeds).toBe(3);
    expect(summary.policies["thompson"]).toEqual({
      regret: meanSe([2, 4, 6]),
      won: meanSe([3, 5, 7]),
      followUps: { sent: meanSe([10, 20, 30]), revived: meanSe([1, 2, 3]), optOuts: meanSe([0, 1, 2]) },
      bestArmShare: { first_contact: expect.closeTo(0.8, 12) },
      regretOverLaiRobbins: 1,
    });
  });

  it("should rate named and wrong winners over (seed, stage) experiments", () => {
    const q = summary.decisionQuality.policies["thompson"]!;
    expect(q.experiments).toBe(3);
    expect(q.namedWinnerRate).toBeCloseTo(2 / 3, 12);
    expect(q.wrongWinnerRate).toBeCloseTo(1 / 3, 12);
    expect(summary.decisionQuality.aa).toBe(false);
  });

  it("should average the curves point by point, and per week of arrival over the runs that reached the week", () => {
    expect(summary.curves["thompson"]).toEqual({
      customers: [5, 10],
      regret: [2, 4],
      conversion: [expect.closeTo(0.2, 12), expect.closeTo(0.4, 12)],
      weeks: [1, 2],
      // cumulative regret by week's end: seeds 1 and 2 reach 2 and 4 after week 2; seed 3 had all 6 in week 1
      weeklyRegret: [expect.closeTo((0.5 + 1 + 6) / 3, 12), expect.closeTo((2 + 4 + 6) / 3, 12)],
      // week 1: 3/6, 3/6, 7/10; week 2 only seeds 1 and 2: 0/4 and 2/4
      weeklyConversion: [expect.closeTo((0.5 + 0.5 + 0.7) / 3, 12), expect.closeTo(0.25, 12)],
    });
    // The JSON's conversion per week is the same figure, not a second computation.
    expect(summary.weeklyConversion["thompson"]).toEqual(summary.curves["thompson"]!.weeklyConversion);
  });

  it("should leave regret over Lai–Robbins null when the bound is 0, as in an A/A test", () => {
    const aa = summarise({ scenario: S, policies: ["thompson"] }, [run(1, 2, 3, 0, false, false)]);
    expect(aa.policies["thompson"]!.regretOverLaiRobbins).toBeNull();
  });
});
