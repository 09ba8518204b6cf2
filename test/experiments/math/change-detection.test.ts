import { describe, expect, it } from "vitest";
import { cusum, cusumThreshold, downweightBeforeChange } from "../../../src/experiments/math/change-detection.js";
import { createSeededRandom, deriveSeed } from "../../../src/experiments/math/random.js";
import { logBeta } from "../../../src/experiments/math/special-functions.js";

/** Bernoulli outcomes: rate p for `before` outcomes, then rate q for `after`. */
function shifted(seed: number, p: number, before: number, q: number, after: number): boolean[] {
  const rng = createSeededRandom(seed);
  const out: boolean[] = [];
  for (let i = 0; i < before + after; i++) out.push(rng.next() < (i < before ? p : q));
  return out;
}

/**
 * P(an alarm within n outcomes) exactly, when the arm's rate is drawn from the prior
 * Beta(a, b) and never changes: every one of the 2^n sequences weighted by its
 * Beta-binomial probability B(a + s, b + f) / B(a, b).
 */
function exactAlarmProbability(n: number, a: number, b: number, threshold: number, oddsRatio: number): number {
  let total = 0;
  for (let bits = 0; bits < 2 ** n; bits++) {
    const outcomes = Array.from({ length: n }, (_, i) => ((bits >> i) & 1) === 1);
    const s = outcomes.filter(Boolean).length;
    if (cusum(outcomes, { prior: { alpha: a, beta: b }, threshold, oddsRatio }).alarmIndex !== undefined) {
      total += Math.exp(logBeta(a + s, b + n - s) - logBeta(a, b));
    }
  }
  return total;
}

describe("cusumThreshold", () => {
  it.each([
    { n: 1000, alpha: 0.01, h: Math.log(200_000) },
    { n: 30, alpha: 0.01, h: Math.log(6000) },
    { n: 500, alpha: 0.05, h: Math.log(20_000) },
  ])("should be ln(2N/α) = $h for N = $n outcomes a month and α = $alpha", ({ n, alpha, h }) => {
    expect(cusumThreshold(n, alpha)).toBeCloseTo(h, 14);
  });

  it("should reject a false-alarm rate of 0", () => {
    expect(() => cusumThreshold(100, 0)).toThrow(/falseAlarmRate/);
  });
});

describe("cusum", () => {
  it("should follow the odds-ratio log-likelihood ratios against the posterior predictive", () => {
    // Beta(1, 1), R = 2: predictive 1/2, 2/3, 3/4. Up: ln(4/3), + ln(6/5), then below 0.
    // Down: 0, 0, then −ln(1/4 + 3/8) = ln(8/5).
    const result = cusum([true, true, false], { prior: { alpha: 1, beta: 1 }, threshold: 100 });
    expect(result.alarmIndex).toBeUndefined();
    expect(result.up).toBe(0);
    expect(result.down).toBeCloseTo(Math.log(8 / 5), 15);
    expect(cusum([true, true], { prior: { alpha: 1, beta: 1 }, threshold: 100 }).up).toBeCloseTo(Math.log(8 / 5), 15);
  });

  it.each([
    { n: 14, a: 1, b: 1, oddsRatio: 4, bound: 0.5 },
    { n: 14, a: 2, b: 8, oddsRatio: 4, bound: 0.5 },
    { n: 14, a: 20, b: 80, oddsRatio: 4, bound: 0.5 },
    { n: 14, a: 2, b: 8, oddsRatio: 2, bound: 0.5 },
  ])(
    "should keep P(false alarm within $n) ≤ 2N·e^−h exactly on a stable Beta($a, $b) arm, R = $oddsRatio",
    ({ n, a, b, oddsRatio, bound }) => {
      // the union bound is conservative: the exact probabilities are 0.0001 to 0.02
      const h = Math.log((2 * n) / bound);
      const p = exactAlarmProbability(n, a, b, h, oddsRatio);
      expect(p).toBeLessThanOrEqual(bound);
      expect(p).toBeGreaterThan(0);
    },
  );

  it("should stay silent on a stable arm for a month at the 1% threshold", () => {
    const h = cusumThreshold(1000, 0.01);
    let alarms = 0;
    for (let arm = 0; arm < 100; arm++) {
      const outcomes = shifted(deriveSeed(7, arm), 0.2, 1000, 0.2, 0);
      if (cusum(outcomes, { prior: { alpha: 20, beta: 80 }, threshold: h }).alarmIndex !== undefined) alarms += 1;
    }
    expect(alarms).toBe(0);
  });

  it.each([
    { p: 0.2, q: 0.4, direction: "up" },
    { p: 0.3, q: 0.12, direction: "down" },
  ])(
    "should alarm when the rate moves from $p to $q and place the change near where it happened",
    ({ p, q, direction }) => {
      const h = cusumThreshold(1000, 0.01);
      const outcomes = shifted(11, p, 1500, q, 1500);
      const result = cusum(outcomes, { prior: { alpha: 1, beta: 1 }, threshold: h });
      expect(result.direction).toBe(direction);
      expect(result.alarmIndex).toBeGreaterThan(1500);
      expect(result.alarmIndex).toBeLessThan(1500 + 600);
      expect(Math.abs(result.changeIndex! - 1500)).toBeLessThan(200);
    },
  );
});

describe("downweightBeforeChange", () => {
  it.each([
    { weight: 0.1, successes: 0.1 * 2 + 1, failures: 0.1 * 1 + 2 },
    { weight: 0, successes: 1, failures: 2 },
    { weight: 1, successes: 3, failures: 3 },
  ])("should weigh outcomes before the change by $weight", ({ weight, successes, failures }) => {
    const counts = downweightBeforeChange([true, false, true, false, true, false], 3, weight);
    expect(counts.successes).toBeCloseTo(successes, 15);
    expect(counts.failures).toBeCloseTo(failures, 15);
  });

  it("should reject a change point past the end", () => {
    expect(() => downweightBeforeChange([true], 2)).toThrow(/changeIndex/);
  });
});
