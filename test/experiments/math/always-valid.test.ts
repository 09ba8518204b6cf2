import { describe, expect, it } from "vitest";
import {
  alwaysValidAgrees,
  alwaysValidPValue,
  type BinomialCounts,
} from "../../../src/experiments/math/always-valid.js";
import { createSeededRandom, deriveSeed, type Random } from "../../../src/experiments/math/random.js";

const ALPHA = 0.05;
const LOOK_EVERY = 50;

interface Counts {
  successes: number;
  failures: number;
}

/**
 * Runs `experiments` seeded experiments in which each customer goes to A with
 * probability `shareA`, converts with pA or pB, and the test is looked at every
 * `LOOK_EVERY` customers until `horizon`. Returns the share of experiments where any
 * look rejected.
 */
function rejectionRate(options: {
  pA: number;
  pB: number;
  shareA: number;
  horizon: number;
  experiments: number;
  seed: number;
  rejects: (a: BinomialCounts, b: BinomialCounts) => boolean;
}): number {
  let rejected = 0;
  for (let e = 0; e < options.experiments; e++) {
    const rng: Random = createSeededRandom(deriveSeed(options.seed, e));
    const a: Counts = { successes: 0, failures: 0 };
    const b: Counts = { successes: 0, failures: 0 };
    for (let i = 1; i <= options.horizon; i++) {
      const toA = rng.next() < options.shareA;
      const arm = toA ? a : b;
      if (rng.next() < (toA ? options.pA : options.pB)) arm.successes += 1;
      else arm.failures += 1;
      if (i % LOOK_EVERY === 0 && options.rejects(a, b)) {
        rejected += 1;
        break;
      }
    }
  }
  return rejected / options.experiments;
}

/** The naive fixed-horizon two-proportion z-test at level α, wrongly peeked at. */
function naiveZTest(a: BinomialCounts, b: BinomialCounts): boolean {
  const nA = a.successes + a.failures;
  const nB = b.successes + b.failures;
  if (nA === 0 || nB === 0) return false;
  const pooled = (a.successes + b.successes) / (nA + nB);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nA + 1 / nB));
  return se > 0 && Math.abs(b.successes / nB - a.successes / nA) / se > 1.959964;
}

describe("alwaysValidPValue", () => {
  it("should compute the normal-mixture likelihood ratio", () => {
    // n = 1000 per arm, 300 vs 360 successes, τ = 0.05
    const a = { successes: 300, failures: 700 };
    const b = { successes: 360, failures: 640 };
    const variance = 0.33 * 0.67 * (2 / 1000);
    const tau2 = 0.0025;
    const ratio =
      Math.sqrt(variance / (variance + tau2)) * Math.exp((tau2 * 0.06 ** 2) / (2 * variance * (variance + tau2)));
    const result = alwaysValidPValue(a, b, { tau: 0.05 });
    expect(result.likelihoodRatio).toBeCloseTo(ratio, 10);
    expect(result.pValue).toBeCloseTo(1 / ratio, 12);
    expect(result.difference).toBeCloseTo(0.06, 15);
    // z = 2.85 would pass a fixed-horizon test; paying for free looks, this one waits
    expect(result.pValue).toBeCloseTo(0.0813, 3);
    expect(result.rejects).toBe(false);
  });

  it("should give p-value 1 for identical arms", () => {
    const counts = { successes: 120, failures: 280 };
    expect(alwaysValidPValue(counts, counts)).toMatchObject({ pValue: 1, rejects: false });
  });

  it.each([
    { name: "an arm without outcomes", a: { successes: 0, failures: 0 }, b: { successes: 5, failures: 5 } },
    { name: "no variation at all", a: { successes: 0, failures: 40 }, b: { successes: 0, failures: 60 } },
  ])("should say there is no evidence for $name", ({ a, b }) => {
    const result = alwaysValidPValue(a, b);
    expect(result).toMatchObject({ pValue: 1, rejects: false });
    expect(result.message).toBeDefined();
  });

  it("should not be fooled by a single outcome per arm", () => {
    expect(alwaysValidPValue({ successes: 0, failures: 1 }, { successes: 1, failures: 0 }).rejects).toBe(false);
  });

  it("should keep the false-positive rate ≤ α on identical arms looked at every 50 samples", () => {
    const settings = {
      horizon: 4000,
      experiments: 400,
      rejects: (a: BinomialCounts, b: BinomialCounts) => alwaysValidAgrees(a, b),
    };
    expect(rejectionRate({ ...settings, pA: 0.3, pB: 0.3, shareA: 0.5, seed: 1 })).toBeLessThanOrEqual(ALPHA);
    expect(rejectionRate({ ...settings, pA: 0.08, pB: 0.08, shareA: 0.5, seed: 2 })).toBeLessThanOrEqual(ALPHA);
    expect(rejectionRate({ ...settings, pA: 0.3, pB: 0.3, shareA: 0.15, seed: 3 })).toBeLessThanOrEqual(ALPHA);
  });

  it("should be needed: the same peeking inflates a fixed-horizon z-test far above α", () => {
    const rate = rejectionRate({
      pA: 0.3,
      pB: 0.3,
      shareA: 0.5,
      horizon: 4000,
      experiments: 400,
      seed: 1,
      rejects: naiveZTest,
    });
    expect(rate).toBeGreaterThan(2 * ALPHA);
  });

  it("should reject on clearly different arms", () => {
    const power = rejectionRate({
      pA: 0.2,
      pB: 0.3,
      shareA: 0.5,
      horizon: 4000,
      experiments: 100,
      seed: 4,
      rejects: (a, b) => alwaysValidAgrees(a, b),
    });
    expect(power).toBeGreaterThan(0.95);
    expect(alwaysValidAgrees({ successes: 100, failures: 400 }, { successes: 200, failures: 300 })).toBe(true);
  });

  it("should refuse bad options and counts", () => {
    const counts = { successes: 1, failures: 1 };
    expect(() => alwaysValidPValue(counts, counts, { alpha: 0 })).toThrow(RangeError);
    expect(() => alwaysValidPValue(counts, counts, { tau: 0 })).toThrow(RangeError);
    expect(() => alwaysValidPValue({ successes: -1, failures: 1 }, counts)).toThrow(RangeError);
  });
});
