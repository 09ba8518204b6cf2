import { describe, expect, it } from "vitest";
import { klBernoulli, laiRobbinsBound, laiRobbinsConstant } from "../../../src/experiments/math/lai-robbins.js";

describe("klBernoulli", () => {
  it.each([
    { p: 0.4, q: 0.5, expected: 0.020135513550688863 },
    { p: 0.1, q: 0.2, expected: 0.036690014034750584 },
    { p: 0.5, q: 0.9, expected: 0.5108256237659907 },
    { p: 0.3, q: 0.3, expected: 0 },
  ])("should give KL($p, $q) = $expected", ({ p, q, expected }) => {
    expect(klBernoulli(p, q)).toBeCloseTo(expected, 15);
  });

  it("should use 0·ln 0 = 0 and be infinite where q has no mass", () => {
    expect(klBernoulli(0, 0.5)).toBeCloseTo(Math.log(2), 15);
    expect(klBernoulli(1, 0.25)).toBeCloseTo(Math.log(4), 15);
    expect(klBernoulli(0.5, 1)).toBe(Number.POSITIVE_INFINITY);
    expect(klBernoulli(0, 0)).toBe(0);
  });

  it("should refuse probabilities outside [0, 1]", () => {
    expect(() => klBernoulli(-0.1, 0.5)).toThrow(RangeError);
    expect(() => klBernoulli(0.5, 1.1)).toThrow(RangeError);
  });
});

describe("laiRobbinsConstant", () => {
  it("should give C([0.5, 0.4]) = 0.1 / KL(0.4, 0.5) = 4.96634961…", () => {
    expect(laiRobbinsConstant([0.5, 0.4])).toBeCloseTo(4.9663496164754575, 12);
    expect(laiRobbinsConstant([0.4, 0.5])).toBeCloseTo(4.9663496164754575, 12);
  });

  it("should sum over every worse arm: C([0.30, 0.22, 0.26]) = 15.1625510…", () => {
    expect(laiRobbinsConstant([0.3, 0.22, 0.26])).toBeCloseTo(15.162551032457014, 11);
  });

  it("should ignore arms tied with the best, and be 0 with nothing to tell apart", () => {
    expect(laiRobbinsConstant([0.5, 0.5, 0.4])).toBeCloseTo(4.9663496164754575, 12);
    expect(laiRobbinsConstant([0.3, 0.3])).toBe(0);
    expect(laiRobbinsConstant([0.3])).toBe(0);
    expect(laiRobbinsConstant([])).toBe(0);
  });

  it("should let arms against a certain best contribute nothing (KL is infinite)", () => {
    expect(laiRobbinsConstant([1, 0.5])).toBe(0);
  });
});

describe("laiRobbinsBound", () => {
  it("should be C·ln n", () => {
    expect(laiRobbinsBound([0.3, 0.22, 0.26], 10_000)).toBeCloseTo(139.652255916388, 9);
    expect(laiRobbinsBound([0.5, 0.4], Math.E)).toBeCloseTo(4.9663496164754575, 12);
  });

  it("should be 0 for n ≤ 1 and refuse negative n", () => {
    expect(laiRobbinsBound([0.5, 0.4], 1)).toBe(0);
    expect(laiRobbinsBound([0.5, 0.4], 0)).toBe(0);
    expect(() => laiRobbinsBound([0.5, 0.4], -1)).toThrow(RangeError);
  });
});
