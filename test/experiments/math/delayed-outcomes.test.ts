import { describe, expect, it } from "vitest";
import { posteriorMean } from "../../../src/experiments/math/beta-posterior.js";
import {
  delayAdjustedPosterior,
  delayCdf,
  pendingFailureWeight,
  truncatedExponentialCdf,
} from "../../../src/experiments/math/delayed-outcomes.js";

const HOUR = 3_600_000;
const WINDOW = 48 * HOUR;

/** log of the exact posterior density (unnormalised): Beta(α, β) · Π(1 − p F_i). */
function exactLogPosterior(p: number, alpha: number, beta: number, pendingCdf: readonly number[]): number {
  let total = (alpha - 1) * Math.log(p) + (beta - 1) * Math.log1p(-p);
  for (const f of pendingCdf) total += Math.log1p(-p * f);
  return total;
}

/** The exact posterior's mode by golden-section search on (0, 1). */
function exactMode(alpha: number, beta: number, pendingCdf: readonly number[]): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let lo = 1e-12;
  let hi = 1 - 1e-12;
  for (let i = 0; i < 200; i++) {
    const a = hi - g * (hi - lo);
    const b = lo + g * (hi - lo);
    if (exactLogPosterior(a, alpha, beta, pendingCdf) < exactLogPosterior(b, alpha, beta, pendingCdf)) lo = a;
    else hi = b;
  }
  return (lo + hi) / 2;
}

/** The exact posterior mean by the midpoint rule on 200,000 cells. */
function exactMean(alpha: number, beta: number, pendingCdf: readonly number[]): number {
  const cells = 200_000;
  const peak = exactLogPosterior(exactMode(alpha, beta, pendingCdf), alpha, beta, pendingCdf);
  let mass = 0;
  let first = 0;
  for (let i = 0; i < cells; i++) {
    const p = (i + 0.5) / cells;
    const density = Math.exp(exactLogPosterior(p, alpha, beta, pendingCdf) - peak);
    mass += density;
    first += p * density;
  }
  return first / mass;
}

describe("truncatedExponentialCdf", () => {
  it("should give (1 − e^−2)/(1 − e^−4) = 1/(1 + e^−2) halfway through a window four means long", () => {
    expect(truncatedExponentialCdf(WINDOW / 2, WINDOW / 4, WINDOW)).toBeCloseTo(1 / (1 + Math.exp(-2)), 14);
  });

  it.each([
    { age: -HOUR, expected: 0 },
    { age: 0, expected: 0 },
    { age: WINDOW, expected: 1 },
    { age: 2 * WINDOW, expected: 1 },
  ])("should be $expected at age $age ms", ({ age, expected }) => {
    expect(truncatedExponentialCdf(age, WINDOW / 4, WINDOW)).toBe(expected);
  });
});

describe("delayCdf", () => {
  it("should be the prior when no success has been seen yet", () => {
    const cdf = delayCdf({ windowMs: WINDOW, delaysMs: [] });
    for (const age of [HOUR, 6 * HOUR, 24 * HOUR, 47 * HOUR]) {
      expect(cdf(age)).toBeCloseTo(truncatedExponentialCdf(age, WINDOW / 4, WINDOW), 15);
    }
  });

  it.each([
    // m = 10 pseudo-delays from the prior (μ = 12 h, W = 48 h) and 5 observed delays
    { age: 12 * HOUR, observed: 3 },
    { age: 1 * HOUR, observed: 1 },
    { age: 30 * HOUR, observed: 4 },
    { age: 47.9 * HOUR, observed: 5 },
  ])("should blend prior and data by pseudo-counts at $age ms ($observed of 5 delays seen)", ({ age, observed }) => {
    const delays = [0.5, 2, 10, 20, 40].map((h) => h * HOUR);
    const cdf = delayCdf({ windowMs: WINDOW, delaysMs: delays, priorStrength: 10 });
    const prior = (1 - Math.exp(-age / (12 * HOUR))) / (1 - Math.exp(-4));
    expect(cdf(age)).toBeCloseTo((10 * prior + observed) / 15, 14);
  });

  it("should approach the empirical CDF as delays pile up", () => {
    const delays = Array.from({ length: 10_000 }, (_, i) => ((i + 0.5) / 10_000) * 6 * HOUR);
    const cdf = delayCdf({ windowMs: WINDOW, delaysMs: delays });
    expect(cdf(3 * HOUR)).toBeCloseTo(0.5, 2);
    expect(cdf(6 * HOUR)).toBeGreaterThan(0.999);
  });

  it("should reject a delay longer than the window", () => {
    expect(() => delayCdf({ windowMs: WINDOW, delaysMs: [WINDOW + 1] })).toThrow(/delay must be in/);
  });
});

describe("pendingFailureWeight", () => {
  it.each([
    { f: 0, p: 0.3, w: 0 },
    { f: 1, p: 0.3, w: 1 },
    { f: 0.5, p: 0.2, w: 0.4 / 0.9 },
    { f: 0.25, p: 0.5, w: 0.125 / 0.875 },
    { f: 0.8, p: 0, w: 0.8 },
  ])("should count F = $f, p = $p as $w of a failure", ({ f, p, w }) => {
    expect(pendingFailureWeight(f, p)).toBeCloseTo(w, 15);
  });

  it.each([
    { f: 0.3, p: 0.1 },
    { f: 0.7, p: 0.25 },
    { f: 0.95, p: 0.6 },
  ])("should match the score of the exact likelihood 1 − pF at p (F = $f, p = $p)", ({ f, p }) => {
    const h = 1e-6;
    const exactScore = (Math.log1p(-(p + h) * f) - Math.log1p(-(p - h) * f)) / (2 * h);
    const w = pendingFailureWeight(f, p);
    const fractionalScore = (w * (Math.log1p(-(p + h)) - Math.log1p(-(p - h)))) / (2 * h);
    expect(fractionalScore).toBeCloseTo(exactScore, 8);
  });

  it("should never count more than the share of successes already visible", () => {
    for (const f of [0.1, 0.4, 0.9]) {
      for (const p of [0.05, 0.3, 0.7]) expect(pendingFailureWeight(f, p)).toBeLessThanOrEqual(f);
    }
  });
});

describe("delayAdjustedPosterior", () => {
  it.each([
    { s: 12, m: 40, pending: [0.1, 0.3, 0.5, 0.9, 0.95] },
    { s: 3, m: 5, pending: Array.from({ length: 30 }, (_, i) => i / 30) },
    { s: 60, m: 140, pending: Array.from({ length: 80 }, (_, i) => (i % 10) / 10) },
  ])("should put the mode exactly where the exact posterior's is ($s successes, $m failures)", ({ s, m, pending }) => {
    const post = delayAdjustedPosterior({
      prior: { alpha: 1, beta: 1 },
      counts: { successes: s, failures: m },
      pendingCdf: pending,
    });
    expect(post.alpha).toBe(1 + s);
    const mode = (post.alpha - 1) / (post.alpha + post.beta - 2);
    // golden section finds the exact mode to ~√ε; the exact score vanishes at the mode
    expect(mode).toBeCloseTo(exactMode(1 + s, 1 + m, pending), 7);
    let score = s / mode - m / (1 - mode);
    for (const f of pending) score -= f / (1 - mode * f);
    expect(Math.abs(score)).toBeLessThan(1e-9);
  });

  it("should estimate the rate closer to the exact posterior than ignoring pending or counting them as failures", () => {
    const s = 20;
    const m = 60;
    const pending = Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);
    const exact = exactMean(1 + s, 1 + m, pending);
    const adjusted = posteriorMean(
      delayAdjustedPosterior({
        prior: { alpha: 1, beta: 1 },
        counts: { successes: s, failures: m },
        pendingCdf: pending,
      }),
    );
    const ignored = (1 + s) / (2 + s + m);
    const allFailures = (1 + s) / (2 + s + m + pending.length);
    expect(Math.abs(adjusted - exact)).toBeLessThan(0.002);
    expect(Math.abs(adjusted - exact)).toBeLessThan(Math.abs(ignored - exact) / 5);
    expect(Math.abs(adjusted - exact)).toBeLessThan(Math.abs(allFailures - exact) / 5);
  });

  it("should equal the resolved-only posterior when nothing is pending", () => {
    const post = delayAdjustedPosterior({
      prior: { alpha: 2, beta: 3 },
      counts: { successes: 4, failures: 7 },
      pendingCdf: [],
    });
    expect(post).toEqual({ alpha: 6, beta: 10 });
  });
});
