import { describe, expect, it } from "vitest";
import {
  epsilonGreedyPolicy,
  oraclePolicy,
  ucb1Policy,
  uniformPolicy,
} from "../../../src/experiments/math/baseline-policies.js";
import type { OutcomeCounts } from "../../../src/experiments/math/beta-posterior.js";
import { createSeededRandom } from "../../../src/experiments/math/random.js";

const STATS: OutcomeCounts[] = [
  { successes: 20, failures: 80 },
  { successes: 35, failures: 65 },
  { successes: 25, failures: 75 },
];

function shares(choose: () => number, arms: number, n: number): number[] {
  const counts = new Array<number>(arms).fill(0);
  for (let i = 0; i < n; i++) counts[choose()]! += 1;
  return counts.map((c) => c / n);
}

describe("uniformPolicy", () => {
  it("should spread decisions evenly with propensity 1/K", () => {
    const rng = createSeededRandom(1);
    expect(uniformPolicy.choose(STATS, rng).propensity).toBeCloseTo(1 / 3, 15);
    for (const share of shares(() => uniformPolicy.choose(STATS, rng).index, 3, 60_000)) {
      expect(Math.abs(share - 1 / 3)).toBeLessThan(0.008);
    }
  });
});

describe("epsilonGreedyPolicy", () => {
  it("should play the best observed arm 1 − ε + ε/K of the time and explore the rest evenly", () => {
    const policy = epsilonGreedyPolicy(0.1);
    const rng = createSeededRandom(2);
    const [a, b, c] = shares(() => policy.choose(STATS, rng).index, 3, 100_000) as [number, number, number];
    expect(Math.abs(b - (0.9 + 0.1 / 3))).toBeLessThan(0.004);
    expect(Math.abs(a - 0.1 / 3)).toBeLessThan(0.003);
    expect(Math.abs(c - 0.1 / 3)).toBeLessThan(0.003);
  });

  it("should report the exact propensity of its choice", () => {
    const policy = epsilonGreedyPolicy(0.1);
    const rng = createSeededRandom(3);
    for (let i = 0; i < 1000; i++) {
      const choice = policy.choose(STATS, rng);
      expect(choice.propensity).toBeCloseTo(choice.index === 1 ? 0.9 + 0.1 / 3 : 0.1 / 3, 15);
    }
  });

  it("should split the greedy share between tied arms", () => {
    const policy = epsilonGreedyPolicy(0.1);
    const tied = [
      { successes: 0, failures: 0 },
      { successes: 0, failures: 0 },
    ];
    const choice = policy.choose(tied, createSeededRandom(4));
    expect(choice.propensity).toBeCloseTo(0.05 + 0.45, 15);
  });

  it("should refuse ε outside [0, 1]", () => {
    expect(() => epsilonGreedyPolicy(1.5)).toThrow(RangeError);
  });
});

describe("ucb1Policy", () => {
  it("should play every arm without outcomes before any other", () => {
    const policy = ucb1Policy();
    const rng = createSeededRandom(5);
    const stats = [
      { successes: 9, failures: 1 },
      { successes: 0, failures: 0 },
      { successes: 0, failures: 0 },
    ];
    for (let i = 0; i < 200; i++) {
      const choice = policy.choose(stats, rng);
      expect([1, 2]).toContain(choice.index);
      expect(choice.propensity).toBe(0.5);
    }
  });

  it("should pick the arm with the highest upper confidence bound", () => {
    const policy = ucb1Policy();
    // N = 300: bounds 0.2 + √(2 ln 300 / 100) = 0.538, 0.35 + 0.338 = 0.688, 0.25 + 0.338 = 0.588
    expect(policy.choose(STATS, createSeededRandom(6))).toEqual({ index: 1, propensity: 1 });
    // a rarely played arm gets a wide bound: 0 + √(2 ln 203 / 3) = 1.88
    const rare = [...STATS.slice(0, 2), { successes: 0, failures: 3 }];
    expect(policy.choose(rare, createSeededRandom(6)).index).toBe(2);
  });

  it("should find the best arm when run on its own outcomes", () => {
    const policy = ucb1Policy();
    const rng = createSeededRandom(7);
    const truth = [0.2, 0.35, 0.25];
    const stats = truth.map(() => ({ successes: 0, failures: 0 }));
    for (let t = 0; t < 5000; t++) {
      const { index } = policy.choose(stats, rng);
      const arm = stats[index]!;
      stats[index] =
        rng.next() < truth[index]! ? { ...arm, successes: arm.successes + 1 } : { ...arm, failures: arm.failures + 1 };
    }
    const plays = stats.map((s) => s.successes + s.failures);
    expect(plays[1]).toBeGreaterThan(plays[0]! + plays[2]!);
  });
});

describe("oraclePolicy", () => {
  it("should always pick the truly best arm with propensity 1", () => {
    const policy = oraclePolicy([0.3, 0.22, 0.36, 0.36]);
    const rng = createSeededRandom(8);
    for (let i = 0; i < 100; i++) {
      expect(policy.choose(STATS.concat([STATS[0]!]), rng)).toEqual({ index: 2, propensity: 1 });
    }
  });

  it("should refuse stats for a different number of arms", () => {
    expect(() => oraclePolicy([0.3, 0.2]).choose(STATS, createSeededRandom(9))).toThrow(RangeError);
  });
});

describe("every baseline policy", () => {
  it.each([
    { name: "uniform", policy: uniformPolicy },
    { name: "epsilon-greedy", policy: epsilonGreedyPolicy() },
    { name: "ucb1", policy: ucb1Policy() },
    { name: "oracle", policy: oraclePolicy([0.1]) },
  ])("should name itself and refuse an empty arm list ($name)", ({ name, policy }) => {
    expect(policy.name).toBe(name);
    expect(() => policy.choose([], createSeededRandom(10))).toThrow(RangeError);
  });
});
