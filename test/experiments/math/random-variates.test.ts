import { describe, expect, it } from "vitest";
import { createSeededRandom, type Random } from "../../../src/experiments/math/random.js";
import {
  beta,
  gamma,
  lognormal,
  normal,
  randomIndex,
  sampleIndex,
} from "../../../src/experiments/math/random-variates.js";
import { drawMany, moments } from "./math-helpers.js";

const N = 200_000;

/** A Random that replays a fixed list of uniforms. */
function scripted(values: readonly number[]): Random {
  let i = 0;
  return { next: () => values[i++ % values.length]! };
}

describe("normal", () => {
  it("should have mean 0 and variance 1", () => {
    const rng = createSeededRandom(1);
    const { mean, variance } = moments(drawMany(N, () => normal(rng)));
    expect(Math.abs(mean)).toBeLessThan(0.01);
    expect(Math.abs(variance - 1)).toBeLessThan(0.015);
  });

  it("should put 95% of the mass within ±1.96", () => {
    const rng = createSeededRandom(2);
    const inside = drawMany(N, () => normal(rng)).filter((x) => Math.abs(x) < 1.959964).length;
    expect(Math.abs(inside / N - 0.95)).toBeLessThan(0.003);
  });

  it("should stay finite when the generator returns 0", () => {
    expect(Number.isFinite(normal(scripted([0, 0.25])))).toBe(true);
  });
});

describe("lognormal", () => {
  it("should have median exp(mu) and mean exp(mu + sigma²/2)", () => {
    const rng = createSeededRandom(3);
    const values = drawMany(N, () => lognormal(rng, Math.log(6), 0.5));
    const sorted = Float64Array.from(values).sort();
    expect(Math.abs(sorted[N / 2]! - 6) / 6).toBeLessThan(0.01);
    expect(Math.abs(moments(values).mean - 6 * Math.exp(0.125)) / 6).toBeLessThan(0.01);
  });
});

describe("gamma", () => {
  it.each([
    { name: "shape 0.3 (boosted branch)", shape: 0.3 },
    { name: "shape 1 (exponential)", shape: 1 },
    { name: "shape 2.5", shape: 2.5 },
    { name: "shape 40", shape: 40 },
  ])("should match mean = variance = shape for $name", ({ shape }) => {
    const rng = createSeededRandom(4);
    const { mean, variance } = moments(drawMany(N, () => gamma(rng, shape)));
    // 4 standard errors of the sample mean and variance
    expect(Math.abs(mean - shape)).toBeLessThan(4 * Math.sqrt(shape / N));
    expect(Math.abs(variance - shape) / shape).toBeLessThan(0.03);
  });

  it("should refuse a shape that is not positive", () => {
    const rng = createSeededRandom(5);
    expect(() => gamma(rng, 0)).toThrow(RangeError);
    expect(() => gamma(rng, -1)).toThrow(RangeError);
    expect(() => gamma(rng, Number.NaN)).toThrow(RangeError);
  });
});

describe("beta", () => {
  it.each([
    { name: "Beta(1, 1)", a: 1, b: 1 },
    { name: "Beta(2, 3)", a: 2, b: 3 },
    { name: "Beta(0.5, 0.5)", a: 0.5, b: 0.5 },
    { name: "Beta(41, 61)", a: 41, b: 61 },
    { name: "Beta(400, 1600)", a: 400, b: 1600 },
  ])("should match the mean and variance of $name", ({ a, b }) => {
    const rng = createSeededRandom(6);
    const values = drawMany(N, () => beta(rng, a, b));
    const { mean, variance } = moments(values);
    const trueMean = a / (a + b);
    const trueVariance = (a * b) / ((a + b) ** 2 * (a + b + 1));
    expect(Math.abs(mean - trueMean)).toBeLessThan(4 * Math.sqrt(trueVariance / N));
    expect(Math.abs(variance - trueVariance) / trueVariance).toBeLessThan(0.02);
    expect(values.reduce((x, y) => Math.min(x, y))).toBeGreaterThanOrEqual(0);
    expect(values.reduce((x, y) => Math.max(x, y))).toBeLessThanOrEqual(1);
  });
});

describe("sampleIndex", () => {
  it("should draw each index in proportion to its weight", () => {
    const rng = createSeededRandom(8);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < N; i++) counts[sampleIndex(rng, [0.1, 0.2, 0, 0.7])]! += 1;
    expect(counts[2]).toBe(0);
    expect(Math.abs(counts[0]! / N - 0.1)).toBeLessThan(0.003);
    expect(Math.abs(counts[1]! / N - 0.2)).toBeLessThan(0.004);
    expect(Math.abs(counts[3]! / N - 0.7)).toBeLessThan(0.004);
  });

  it("should map the uniform draw onto cumulative weights", () => {
    expect(sampleIndex(scripted([0]), [0.5, 0.5])).toBe(0);
    expect(sampleIndex(scripted([0.49]), [0.5, 0.5])).toBe(0);
    expect(sampleIndex(scripted([0.5]), [0.5, 0.5])).toBe(1);
    expect(sampleIndex(scripted([0.999]), [0.5, 0.5, 0])).toBe(1);
  });

  it("should accept weights that do not sum to 1", () => {
    expect(sampleIndex(scripted([0.6]), [1, 1])).toBe(1);
  });

  it.each([
    { name: "an empty list", weights: [] },
    { name: "all zeros", weights: [0, 0] },
    { name: "a negative weight", weights: [0.5, -0.1] },
    { name: "NaN", weights: [Number.NaN, 1] },
  ])("should refuse $name", ({ weights }) => {
    expect(() => sampleIndex(createSeededRandom(1), weights)).toThrow(RangeError);
  });
});

describe("randomIndex", () => {
  it("should cover [0, n) and never reach n", () => {
    expect(randomIndex(scripted([0.999999999]), 3)).toBe(2);
    expect(randomIndex(scripted([0]), 3)).toBe(0);
    expect(() => randomIndex(scripted([0]), 0)).toThrow(RangeError);
  });
});
