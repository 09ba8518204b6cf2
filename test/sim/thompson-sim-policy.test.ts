import { describe, expect, it } from "vitest";
import { createSeededRandom, type PolicyArm } from "../../src/experiments/index.js";
import { MS_PER_HOUR } from "../../src/sim/market.js";
import type { SimDecision } from "../../src/sim/sim-policy.js";
import { thompsonSimPolicy } from "../../src/sim/thompson-sim-policy.js";

const ARMS: readonly PolicyArm[] = [
  { key: "a", successes: 0, failures: 0, status: "active" },
  { key: "b", successes: 0, failures: 0, status: "active" },
];

function decision(now: number, arms: readonly PolicyArm[] = ARMS): SimDecision {
  return { now, customer: 0, stage: 0, arms, trueP: arms.map(() => 0.5) };
}

function outcomes(policy: ReturnType<typeof thompsonSimPolicy>, at: number, arm: number, success: boolean, n: number) {
  for (let i = 0; i < n; i++) {
    policy.observe({ customer: i, stage: 0, arm, success, assignedAt: 0, resolvedAt: at });
  }
}

/** Share of `n` decisions in [from, from + 0.5 h) that went to arm 0. */
function shareOfA(policy: ReturnType<typeof thompsonSimPolicy>, from: number, n = 400): number {
  let a = 0;
  for (let i = 0; i < n; i++) if (policy.choose(decision(from + (i / n) * 0.5 * MS_PER_HOUR)) === 0) a++;
  return a / n;
}

describe("ThompsonSimPolicy", () => {
  it("should weigh arms by the counts frozen at the last schedule point, not by later outcomes", () => {
    const policy = thompsonSimPolicy(createSeededRandom(1), 1);
    expect(shareOfA(policy, 0)).toBeGreaterThan(0.4); // burn-in: equal weights
    outcomes(policy, 0.6 * MS_PER_HOUR, 0, true, 25);
    outcomes(policy, 0.6 * MS_PER_HOUR, 0, false, 5);
    outcomes(policy, 0.6 * MS_PER_HOUR, 1, false, 30);
    expect(shareOfA(policy, 0.7 * MS_PER_HOUR, 100)).toBeLessThan(0.7); // same hour: weights unchanged
    // After the hourly point: an avalanche for b arrives, but the weights are those of 1 h.
    outcomes(policy, 1.05 * MS_PER_HOUR, 1, true, 500);
    expect(shareOfA(policy, 1.1 * MS_PER_HOUR)).toBeGreaterThan(0.95);
    // The next hour's weights see it.
    expect(shareOfA(policy, 2.1 * MS_PER_HOUR)).toBeLessThan(0.05);
    expect(policy.recomputations).toEqual([3]);
  });

  it("should keep the floor: the losing arm still gets about 1% of the traffic (the default floor, 0.02 before issue 15)", () => {
    const policy = thompsonSimPolicy(createSeededRandom(2), 1);
    outcomes(policy, 0, 0, true, 200);
    outcomes(policy, 0, 1, false, 200);
    const share = shareOfA(policy, 1.1 * MS_PER_HOUR, 4000);
    expect(1 - share).toBeGreaterThan(0.005);
    expect(1 - share).toBeLessThan(0.015);
  });

  it("should recompute at once when an arm joins, and treat it as needing burn-in", () => {
    const policy = thompsonSimPolicy(createSeededRandom(3), 1);
    outcomes(policy, 0, 0, true, 200);
    outcomes(policy, 0, 1, false, 200);
    policy.choose(decision(1.1 * MS_PER_HOUR));
    expect(policy.recomputations).toEqual([1]);
    const three = [...ARMS, { key: "c", successes: 0, failures: 0, status: "active" as const }];
    const picks = Array.from({ length: 300 }, (_, i) => policy.choose(decision(1.2 * MS_PER_HOUR + i, three)));
    expect(policy.recomputations).toEqual([2]);
    expect(picks.filter((k) => k === 2).length / 300).toBeGreaterThan(0.25); // equal weights until c has 20 outcomes
  });

  it("should skip hours in which the stage makes no decision", () => {
    const policy = thompsonSimPolicy(createSeededRandom(4), 1, { recomputeHours: 1 });
    policy.choose(decision(0));
    policy.choose(decision(10 * MS_PER_HOUR));
    expect(policy.recomputations).toEqual([2]);
  });

  it("should forget an arm's old evidence the moment its true p changes when told of changes (the detector's bound)", () => {
    const window = 48 * MS_PER_HOUR;
    const shareAfterChange = (knownChanges: boolean, knownChangeStages?: number[]): number => {
      const policy = thompsonSimPolicy(createSeededRandom(5), [window], {
        knownChanges,
        ...(knownChangeStages === undefined ? {} : { knownChangeStages }),
      });
      const at = (now: number, trueP: number[]): SimDecision => ({ ...decision(now), trueP });
      policy.choose(at(0, [0.8, 0.5]));
      const resolve = (arm: number, success: boolean, n: number, assignedAt: number, from: number) => {
        for (let i = 0; i < n; i++) {
          policy.observe({ customer: from + i, stage: 0, arm, success, assignedAt, resolvedAt: assignedAt + 1 });
        }
      };
      // Before the change: a 240 of 300, b 150 of 300. At 1 h a's p drops; then a wins 5 of 50.
      resolve(0, true, 240, 0, 1000);
      resolve(0, false, 60, 0, 2000);
      resolve(1, true, 150, 0, 3000);
      resolve(1, false, 150, 0, 4000);
      policy.choose(at(MS_PER_HOUR, [0.1, 0.5]));
      resolve(0, true, 5, 1.5 * MS_PER_HOUR, 5000);
      resolve(0, false, 45, 1.5 * MS_PER_HOUR, 6000);
      let a = 0;
      for (let i = 0; i < 400; i++) if (policy.choose(at(3.1 * MS_PER_HOUR + i, [0.1, 0.5])) === 0) a++;
      return a / 400;
    };
    // Told: a weighs 24 + 5 of 30 + 50 (0.1 × its old evidence), below b; not told: 245 of 350.
    expect(shareAfterChange(true)).toBeLessThan(0.05);
    expect(shareAfterChange(false)).toBeGreaterThan(0.9);
    // Told only of other stages' changes, it keeps a's old evidence, as when not told at all.
    expect(shareAfterChange(true, [1])).toBe(shareAfterChange(false));
    expect(shareAfterChange(true, [0])).toBe(shareAfterChange(true));
  });

  it("should refuse a schedule that is not positive", () => {
    expect(() => thompsonSimPolicy(createSeededRandom(1), 1, { recomputeHours: 0 })).toThrow(RangeError);
  });
});
