import { describe, expect, it } from "vitest";
import {
  discountedCounts,
  MS_PER_WEEK,
  posterior,
  posteriorMean,
  posteriorVariance,
  UNIFORM_PRIOR,
} from "../../../src/experiments/math/beta-posterior.js";

const NOW = Date.UTC(2025, 0, 15);

describe("posterior", () => {
  it("should add successes to alpha and failures to beta", () => {
    expect(posterior(UNIFORM_PRIOR, 40, 60)).toEqual({ alpha: 41, beta: 61 });
    expect(posterior({ alpha: 2, beta: 5 }, 0, 0)).toEqual({ alpha: 2, beta: 5 });
  });

  it("should return a new value and leave the prior untouched", () => {
    const prior = { alpha: 1, beta: 1 };
    const result = posterior(prior, 3, 4);
    expect(result).not.toBe(prior);
    expect(prior).toEqual({ alpha: 1, beta: 1 });
    expect(Object.isFrozen(UNIFORM_PRIOR)).toBe(true);
  });

  it("should accept fractional (discounted) counts", () => {
    expect(posterior(UNIFORM_PRIOR, 2.5, 0.25)).toEqual({ alpha: 3.5, beta: 1.25 });
  });

  it.each([
    { name: "negative successes", s: -1, f: 0 },
    { name: "NaN failures", s: 0, f: Number.NaN },
    { name: "infinite successes", s: Number.POSITIVE_INFINITY, f: 0 },
  ])("should refuse $name", ({ s, f }) => {
    expect(() => posterior(UNIFORM_PRIOR, s, f)).toThrow(RangeError);
  });

  it("should refuse an invalid prior", () => {
    expect(() => posterior({ alpha: 0, beta: 1 }, 1, 1)).toThrow(RangeError);
  });
});

describe("posteriorMean and posteriorVariance", () => {
  it("should give α/(α+β) and αβ/((α+β)²(α+β+1))", () => {
    expect(posteriorMean({ alpha: 41, beta: 61 })).toBeCloseTo(41 / 102, 15);
    expect(posteriorVariance({ alpha: 41, beta: 61 })).toBeCloseTo((41 * 61) / (102 * 102 * 103), 15);
    expect(posteriorVariance(UNIFORM_PRIOR)).toBeCloseTo(1 / 12, 15);
  });
});

describe("discountedCounts", () => {
  const outcomes = [
    { success: true, resolvedAt: NOW },
    { success: true, resolvedAt: NOW - MS_PER_WEEK },
    { success: false, resolvedAt: NOW - 2 * MS_PER_WEEK },
    { success: false, resolvedAt: NOW - MS_PER_WEEK / 2 },
  ];

  it("should count every outcome fully by default (discounting off)", () => {
    expect(discountedCounts(outcomes, { now: NOW })).toEqual({ successes: 2, failures: 2 });
  });

  it("should weigh each outcome γ^(age in weeks)", () => {
    const counts = discountedCounts(outcomes, { now: NOW, discountPerWeek: 0.5 });
    expect(counts.successes).toBeCloseTo(1 + 0.5, 14);
    expect(counts.failures).toBeCloseTo(0.25 + Math.SQRT1_2, 14);
  });

  it("should not inflate outcomes that resolved after `now`", () => {
    const counts = discountedCounts([{ success: true, resolvedAt: NOW + MS_PER_WEEK }], {
      now: NOW,
      discountPerWeek: 0.5,
    });
    expect(counts.successes).toBe(1);
  });

  it.each([0, -0.1, 1.1, Number.NaN])("should refuse γ = %d", (discountPerWeek) => {
    expect(() => discountedCounts(outcomes, { now: NOW, discountPerWeek })).toThrow(RangeError);
  });
});
