import { describe, expect, it } from "vitest";
import { newcomerPrior } from "../../../src/experiments/math/empirical-bayes-prior.js";
import { createSeededRandom } from "../../../src/experiments/math/random.js";
import { beta } from "../../../src/experiments/math/random-variates.js";

const SPREAD_ARMS = [
  { successes: 20, failures: 80 },
  { successes: 30, failures: 70 },
  { successes: 40, failures: 60 },
];

describe("newcomerPrior", () => {
  it.each([
    // rates 0.2, 0.3, 0.4: m = (0.9 + 0.5)/4 = 0.35, V = 0.01, noise = 0.35·0.65·0.01, τ² = 0.007725
    { cap: 4, strength: 4 },
    { cap: 100, strength: (0.35 * 0.65) / 0.007725 - 1 },
  ])("should fit mean 0.35 and strength $strength to arms at 20%, 30%, 40% (cap $cap)", ({ cap, strength }) => {
    const prior = newcomerPrior(SPREAD_ARMS, { maxStrength: cap });
    expect(prior.alpha / (prior.alpha + prior.beta)).toBeCloseTo(0.35, 14);
    expect(prior.alpha + prior.beta).toBeCloseTo(strength, 12);
  });

  it("should use the full cap when the arms differ no more than sampling noise", () => {
    const same = [1, 2, 3].map(() => ({ successes: 50, failures: 200 }));
    const prior = newcomerPrior(same);
    expect(prior.alpha).toBeCloseTo(((0.6 + 0.5) / 4) * 4, 14);
    expect(prior.beta).toBeCloseTo((1 - (0.6 + 0.5) / 4) * 4, 14);
  });

  it.each([
    { name: "no arms", arms: [] },
    { name: "one arm", arms: [{ successes: 30, failures: 70 }] },
    {
      name: "one arm with enough outcomes",
      arms: [
        { successes: 30, failures: 70 },
        { successes: 2, failures: 10 },
      ],
    },
  ])("should fall back to Beta(1, 1) with $name", ({ arms }) => {
    expect(newcomerPrior(arms)).toEqual({ alpha: 1, beta: 1 });
  });

  it("should recover the population Beta(6, 24) from 200 arms when not weakened", () => {
    const rng = createSeededRandom(2024);
    const arms = Array.from({ length: 200 }, () => {
      const theta = beta(rng, 6, 24);
      let successes = 0;
      for (let i = 0; i < 2000; i++) if (rng.next() < theta) successes += 1;
      return { successes, failures: 2000 - successes };
    });
    const prior = newcomerPrior(arms, { maxStrength: 1e6 });
    expect(prior.alpha / (prior.alpha + prior.beta)).toBeCloseTo(0.2, 2);
    expect(Math.abs(prior.alpha + prior.beta - 30) / 30).toBeLessThan(0.25);
  });

  it("should never be worth more outcomes than the cap", () => {
    const tight = [
      { successes: 200, failures: 800 },
      { successes: 205, failures: 795 },
      { successes: 210, failures: 790 },
    ];
    const prior = newcomerPrior(tight, { maxStrength: 6 });
    expect(prior.alpha + prior.beta).toBeCloseTo(6, 12);
  });
});
