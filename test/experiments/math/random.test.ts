import { describe, expect, it } from "vitest";
import { createSeededRandom, deriveSeed, forkRandom } from "../../../src/experiments/math/random.js";
import { drawMany, moments } from "./math-helpers.js";

describe("createSeededRandom", () => {
  it("should replay the same stream for the same seed", () => {
    const first = createSeededRandom(2024);
    const second = createSeededRandom(2024);
    const a = drawMany(1000, () => first.next());
    const b = drawMany(1000, () => second.next());
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it("should give different streams for neighbouring seeds", () => {
    const a = drawMany(100, createSeededRandom(1).next);
    const b = drawMany(100, createSeededRandom(2).next);
    const same = Array.from(a).filter((value, i) => value === b[i]).length;
    expect(same).toBe(0);
  });

  it("should tell apart seeds that differ only above 32 bits and in sign", () => {
    const seeds = [5, 5 + 2 ** 32, -5, 2 ** 40 + 5];
    const firsts = seeds.map((seed) => createSeededRandom(seed).next());
    expect(new Set(firsts).size).toBe(seeds.length);
  });

  it("should stay in [0, 1) with mean 1/2 and variance 1/12 over 100,000 draws", () => {
    const values = drawMany(100_000, createSeededRandom(99).next);
    expect(values.reduce((x, y) => Math.min(x, y))).toBeGreaterThanOrEqual(0);
    expect(values.reduce((x, y) => Math.max(x, y))).toBeLessThan(1);
    const { mean, variance } = moments(values);
    // standard errors: 0.00091 for the mean, 0.00027 for the variance
    expect(mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.004);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.0012);
  });

  it("should fill 20 equal bins evenly (χ² below the 0.999 quantile, 43.8 for 19 df)", () => {
    const rng = createSeededRandom(7);
    const bins = new Array<number>(20).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) bins[Math.floor(rng.next() * 20)]! += 1;
    const expected = n / 20;
    const chi2 = bins.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8);
  });

  it("should show no lag-1 correlation between consecutive draws", () => {
    const values = drawMany(100_000, createSeededRandom(3).next);
    let cov = 0;
    for (let i = 1; i < values.length; i++) cov += (values[i]! - 0.5) * (values[i - 1]! - 0.5);
    const correlation = cov / (values.length - 1) / (1 / 12);
    expect(Math.abs(correlation)).toBeLessThan(0.015);
  });

  it("should refuse a seed that is not a safe integer", () => {
    expect(() => createSeededRandom(1.5)).toThrow(RangeError);
    expect(() => createSeededRandom(Number.NaN)).toThrow(RangeError);
  });
});

describe("deriveSeed", () => {
  it("should be a pure function of seed and label", () => {
    expect(deriveSeed(42, "customers")).toBe(deriveSeed(42, "customers"));
    expect(deriveSeed(42, 3)).toBe(deriveSeed(42, 3));
  });

  it("should give distinct unsigned 32-bit seeds for distinct labels and seeds", () => {
    const seeds = [
      deriveSeed(42, "customers"),
      deriveSeed(42, "policy:thompson"),
      deriveSeed(43, "customers"),
      deriveSeed(42, 1),
      deriveSeed(42, "1"),
      deriveSeed(42, 2),
    ];
    expect(new Set(seeds).size).toBe(seeds.length);
    for (const seed of seeds) {
      expect(Number.isInteger(seed) && seed >= 0 && seed < 2 ** 32).toBe(true);
    }
  });
});

describe("forkRandom", () => {
  it("should advance the parent by exactly one draw and be reproducible", () => {
    const parent = createSeededRandom(11);
    const child = forkRandom(parent, "weights");
    const reference = createSeededRandom(11);
    reference.next();
    expect(parent.next()).toBe(reference.next());

    const again = forkRandom(createSeededRandom(11), "weights");
    expect(again.next()).toBe(child.next());
  });

  it("should give different children for different labels", () => {
    const a = forkRandom(createSeededRandom(11), "a").next();
    const b = forkRandom(createSeededRandom(11), "b").next();
    expect(a).not.toBe(b);
  });
});
