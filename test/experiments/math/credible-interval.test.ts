import { describe, expect, it } from "vitest";
import { betaCdf } from "../../../src/experiments/math/beta-distribution.js";
import { credibleInterval } from "../../../src/experiments/math/credible-interval.js";

describe("credibleInterval", () => {
  it("should be [0.025, 0.975] for Beta(1, 1)", () => {
    const [lower, upper] = credibleInterval({ alpha: 1, beta: 1 });
    expect(lower).toBeCloseTo(0.025, 12);
    expect(upper).toBeCloseTo(0.975, 12);
  });

  it("should give the known 95% quantiles of Beta(41, 61)", () => {
    // scipy.stats.beta.ppf([0.025, 0.975], 41, 61)
    const [lower, upper] = credibleInterval({ alpha: 41, beta: 61 });
    expect(lower).toBeCloseTo(0.30930852, 8);
    expect(upper).toBeCloseTo(0.49825592, 8);
  });

  it("should hold the requested mass with equal tails", () => {
    const post = { alpha: 7, beta: 300 };
    const [lower, upper] = credibleInterval(post, 0.9);
    expect(betaCdf(lower, 7, 300)).toBeCloseTo(0.05, 10);
    expect(1 - betaCdf(upper, 7, 300)).toBeCloseTo(0.05, 10);
  });

  it("should narrow as evidence grows", () => {
    const [a, b] = credibleInterval({ alpha: 5, beta: 5 });
    const [c, d] = credibleInterval({ alpha: 500, beta: 500 });
    expect(d - c).toBeLessThan((b - a) / 5);
  });

  it.each([0, 1, 1.5, Number.NaN])("should refuse level %d", (level) => {
    expect(() => credibleInterval({ alpha: 1, beta: 1 }, level)).toThrow(RangeError);
  });
});
