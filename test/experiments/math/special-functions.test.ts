import { describe, expect, it } from "vitest";
import {
  logBeta,
  logGamma,
  regularizedIncompleteBeta,
  regularizedLowerGamma,
  regularizedUpperGamma,
} from "../../../src/experiments/math/special-functions.js";
import { integerBetaCdf } from "./math-helpers.js";

describe("logGamma", () => {
  it.each([
    { x: 0.1, expected: 2.2527126517342055 },
    { x: 0.5, expected: 0.5 * Math.log(Math.PI) },
    { x: 1, expected: 0 },
    { x: 2, expected: 0 },
    { x: 3.5, expected: 1.2009736023470738 },
    { x: 10, expected: Math.log(362_880) },
    { x: 100, expected: 359.1342053695754 },
    { x: 1e5, expected: 1051287.7089736566 },
  ])("should give ln Γ($x) = $expected", ({ x, expected }) => {
    expect(logGamma(x)).toBeCloseTo(expected, 12 - Math.max(0, Math.round(Math.log10(Math.abs(expected) + 1))));
  });

  it("should be +∞ at a pole", () => {
    expect(logGamma(0)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("logBeta", () => {
  it("should equal ln(Γ(a)Γ(b)/Γ(a+b)) for integers", () => {
    // B(3, 4) = 2!·3!/6! = 12/720
    expect(logBeta(3, 4)).toBeCloseTo(Math.log(12 / 720), 13);
  });
});

describe("regularizedIncompleteBeta", () => {
  it.each([
    { x: 0.4, a: 2, b: 3 },
    { x: 0.1, a: 1, b: 30 },
    { x: 0.35, a: 41, b: 61 },
    { x: 0.45, a: 41, b: 61 },
    { x: 0.9, a: 7, b: 2 },
    { x: 0.31, a: 300, b: 700 },
  ])("should match the binomial sum at x=$x for a=$a, b=$b", ({ x, a, b }) => {
    expect(regularizedIncompleteBeta(x, a, b)).toBeCloseTo(integerBetaCdf(x, a, b), 11);
  });

  it("should match reference values for non-integer shapes", () => {
    // scipy.stats.beta.cdf
    expect(regularizedIncompleteBeta(0.3, 0.5, 0.5)).toBeCloseTo(0.36901011956554536, 12);
    expect(regularizedIncompleteBeta(0.001, 0.2, 5)).toBeCloseTo(0.3711099209733869, 12);
  });

  it("should be 0 below the support and 1 above it", () => {
    expect(regularizedIncompleteBeta(-1, 2, 2)).toBe(0);
    expect(regularizedIncompleteBeta(0, 2, 2)).toBe(0);
    expect(regularizedIncompleteBeta(1, 2, 2)).toBe(1);
    expect(regularizedIncompleteBeta(2, 2, 2)).toBe(1);
  });

  it("should refuse a non-positive shape", () => {
    expect(() => regularizedIncompleteBeta(0.5, 0, 1)).toThrow(RangeError);
  });
});

describe("regularized incomplete gamma", () => {
  it.each([
    { name: "series branch", a: 2.5, x: 1, lower: 0.15085496391539038 },
    { name: "continued-fraction branch", a: 2.5, x: 10, lower: 1 - 0.0012497305630313773 },
    { name: "small x, small a", a: 0.5, x: 0.001, lower: 1 - 0.9643294082703201 },
    { name: "a = 1 is the exponential CDF", a: 1, x: 2, lower: 1 - Math.exp(-2) },
  ])("should match reference values ($name)", ({ a, x, lower }) => {
    expect(regularizedLowerGamma(a, x)).toBeCloseTo(lower, 12);
    expect(regularizedUpperGamma(a, x)).toBeCloseTo(1 - lower, 12);
  });

  it("should keep relative precision deep in the upper tail", () => {
    // χ²(3) survival at 50 = Q(1.5, 25), scipy 7.989179244951495e-11
    expect(regularizedUpperGamma(1.5, 25) / 7.989179244951495e-11).toBeCloseTo(1, 10);
  });

  it("should handle the edges of the support", () => {
    expect(regularizedLowerGamma(2, 0)).toBe(0);
    expect(regularizedUpperGamma(2, 0)).toBe(1);
    expect(regularizedUpperGamma(2, Number.POSITIVE_INFINITY)).toBe(0);
  });
});
