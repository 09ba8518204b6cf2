import { describe, expect, it } from "vitest";
import type { BetaPosterior } from "../../../src/experiments/math/beta-posterior.js";
import { probabilityBest } from "../../../src/experiments/math/probability-best.js";
import { bestArmExact } from "../../../src/experiments/math/probability-best-exact.js";
import { createSeededRandom } from "../../../src/experiments/math/random.js";

/** Enough draws that 0.005 is more than 4 Monte Carlo standard errors (≤ 0.0011). */
const PINNING_DRAWS = 200_000;

const posteriors = (pairs: readonly (readonly [number, number])[]): BetaPosterior[] =>
  pairs.map(([alpha, beta]) => ({ alpha, beta }));

const CASES = [
  {
    name: "two arms, clear leader",
    arms: posteriors([
      [21, 81],
      [31, 71],
    ]),
  },
  {
    name: "two arms, skewed small counts",
    arms: posteriors([
      [3, 9],
      [2, 2],
    ]),
  },
  {
    name: "two arms, Jeffreys-like U shape",
    arms: posteriors([
      [0.5, 0.5],
      [2, 5],
    ]),
  },
  {
    name: "two arms, large counts",
    arms: posteriors([
      [401, 1601],
      [420, 1582],
    ]),
  },
  {
    name: "three arms",
    arms: posteriors([
      [41, 61],
      [51, 51],
      [46, 56],
    ]),
  },
  {
    name: "three close arms",
    arms: posteriors([
      [101, 201],
      [105, 197],
      [99, 203],
    ]),
  },
];

describe("probabilityBest", () => {
  it.each(CASES)("should agree with numerical integration within 0.005 for $name", ({ arms }) => {
    const estimate = probabilityBest(arms, createSeededRandom(20_240_601), PINNING_DRAWS);
    const exact = bestArmExact(arms);
    for (const [k, p] of estimate.pBest.entries()) expect(Math.abs(p - exact.pBest[k]!)).toBeLessThan(0.005);
    for (const [k, loss] of estimate.expectedLoss.entries()) {
      // scaled tolerance: 0.005, or 5% of the loss when that is smaller
      const tolerance = Math.min(0.005, Math.max(0.05 * exact.expectedLoss[k]!, 0.0002));
      expect(Math.abs(loss - exact.expectedLoss[k]!)).toBeLessThan(tolerance);
    }
  });

  it("should give P(best) summing to 1 and losses ≥ 0", () => {
    const estimate = probabilityBest(CASES[4]!.arms, createSeededRandom(3), 5000);
    expect(estimate.pBest.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const loss of estimate.expectedLoss) expect(loss).toBeGreaterThanOrEqual(0);
  });

  it.each([2, 3, 5])("should give about 1/K to each of %d equal posteriors", (k) => {
    const arms = Array.from({ length: k }, () => ({ alpha: 30, beta: 70 }));
    const { pBest } = probabilityBest(arms, createSeededRandom(k), 100_000);
    for (const p of pBest) expect(Math.abs(p - 1 / k)).toBeLessThan(0.006);
  });

  it("should rank arms by mean (higher mean ⇒ higher P(best), lower loss)", () => {
    const { pBest, expectedLoss } = probabilityBest(
      posteriors([
        [10, 90],
        [20, 80],
        [30, 70],
      ]),
      createSeededRandom(5),
    );
    expect(pBest[0]).toBeLessThan(pBest[1]!);
    expect(pBest[1]).toBeLessThan(pBest[2]!);
    expect(expectedLoss[2]).toBeLessThan(expectedLoss[1]!);
    expect(expectedLoss[1]).toBeLessThan(expectedLoss[0]!);
  });

  it("should replay exactly from the same seed", () => {
    const arms = CASES[5]!.arms;
    expect(probabilityBest(arms, createSeededRandom(77))).toEqual(probabilityBest(arms, createSeededRandom(77)));
  });

  it("should handle no arm and a single arm without drawing", () => {
    const rng = { next: () => Number.NaN };
    expect(probabilityBest([], rng)).toEqual({ pBest: [], expectedLoss: [] });
    expect(probabilityBest([{ alpha: 3, beta: 4 }], rng)).toEqual({ pBest: [1], expectedLoss: [0] });
  });

  it.each([0, -5, 1.5])("should refuse %d draws", (draws) => {
    expect(() => probabilityBest(CASES[0]!.arms, createSeededRandom(1), draws)).toThrow(RangeError);
  });
});
