import { describe, expect, it } from "vitest";
import { betaCdf, betaPdf, betaQuantile } from "../../../src/experiments/math/beta-distribution.js";

describe("betaCdf", () => {
  it("should give Beta(2, 3) cdf(0.4) = 0.5248", () => {
    expect(betaCdf(0.4, 2, 3)).toBeCloseTo(0.5248, 13);
  });

  it.each([0, 0.13, 0.5, 0.77, 1])("should be the identity for Beta(1, 1) at %d", (x) => {
    expect(betaCdf(x, 1, 1)).toBeCloseTo(x, 14);
  });

  it.each([
    { a: 2, b: 2 },
    { a: 0.5, b: 0.5 },
    { a: 30, b: 30 },
  ])("should give 1/2 at the centre of the symmetric Beta($a, $b) and mirror around it", ({ a, b }) => {
    expect(betaCdf(0.5, a, b)).toBeCloseTo(0.5, 13);
    expect(betaCdf(0.3, a, b) + betaCdf(0.7, a, b)).toBeCloseTo(1, 13);
  });

  it("should follow I_x(a, b) = 1 − I_{1−x}(b, a)", () => {
    expect(betaCdf(0.25, 41, 61)).toBeCloseTo(1 - betaCdf(0.75, 61, 41), 13);
  });
});

describe("betaPdf", () => {
  it("should match known densities", () => {
    expect(betaPdf(0.4, 2, 3)).toBeCloseTo(1.728, 13); // 12·0.4·0.6²
    expect(betaPdf(0.25, 41, 61)).toBeCloseTo(0.03662530595620637, 12); // scipy
    expect(betaPdf(0.3, 1, 1)).toBeCloseTo(1, 13);
  });

  it("should handle the endpoints for every shape", () => {
    expect(betaPdf(0, 0.5, 2)).toBe(Number.POSITIVE_INFINITY);
    expect(betaPdf(0, 1, 3)).toBeCloseTo(3, 13);
    expect(betaPdf(0, 2, 3)).toBe(0);
    expect(betaPdf(1, 3, 1)).toBeCloseTo(3, 13);
    expect(betaPdf(-0.1, 2, 3)).toBe(0);
    expect(betaPdf(1.1, 2, 3)).toBe(0);
  });

  it("should integrate to 1", () => {
    const n = 10_000;
    let total = 0;
    for (let i = 0; i < n; i++) total += betaPdf((i + 0.5) / n, 41, 61) / n;
    expect(total).toBeCloseTo(1, 8);
  });
});

describe("betaQuantile", () => {
  it.each([
    { p: 0.025, a: 41, b: 61, expected: 0.30930851569005424 },
    { p: 0.975, a: 41, b: 61, expected: 0.49825592150743453 },
    { p: 0.025, a: 2, b: 3, expected: 0.06758599 },
    { p: 0.975, a: 2, b: 3, expected: 0.80587955 },
    { p: 0.3, a: 1, b: 1, expected: 0.3 },
  ])("should give the $p-quantile of Beta($a, $b) as $expected", ({ p, a, b, expected }) => {
    expect(betaQuantile(p, a, b)).toBeCloseTo(expected, 8);
  });

  it.each([
    { name: "a far left tail", p: 1e-12, a: 1000, b: 1000 },
    { name: "a U-shaped density", p: 1e-12, a: 0.5, b: 0.5 },
    { name: "a huge posterior", p: 0.5, a: 100_000, b: 200_000 },
    { name: "tiny shapes", p: 0.3, a: 0.01, b: 0.01 },
    { name: "a skewed posterior", p: 0.9, a: 3, b: 400 },
  ])("should invert the CDF for $name", ({ p, a, b }) => {
    const x = betaQuantile(p, a, b);
    expect(betaCdf(x, a, b) / p).toBeCloseTo(1, 9);
  });

  it("should give 0 and 1 at the ends", () => {
    expect(betaQuantile(0, 2, 3)).toBe(0);
    expect(betaQuantile(1, 2, 3)).toBe(1);
  });

  it("should refuse NaN and bad shapes", () => {
    expect(() => betaQuantile(Number.NaN, 2, 3)).toThrow(RangeError);
    expect(() => betaQuantile(0.5, -2, 3)).toThrow(RangeError);
  });
});
