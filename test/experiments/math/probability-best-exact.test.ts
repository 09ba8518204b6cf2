import { describe, expect, it } from "vitest";
import {
  bestArmExact,
  expectedLossExact,
  probabilityBestExact,
} from "../../../src/experiments/math/probability-best-exact.js";
import { probabilityBBeatsA } from "./math-helpers.js";

describe("probabilityBestExact", () => {
  it.each([
    { aA: 21, bA: 81, aB: 31, bB: 71 },
    { aA: 3, bA: 9, aB: 2, bB: 2 },
    { aA: 41, bA: 61, aB: 45, bB: 57 },
    { aA: 401, bA: 1601, aB: 420, bB: 1582 },
  ])("should match the closed form for Beta($aA, $bA) vs Beta($aB, $bB)", ({ aA, bA, aB, bB }) => {
    const [pA, pB] = probabilityBestExact([
      { alpha: aA, beta: bA },
      { alpha: aB, beta: bB },
    ]);
    const closedForm = probabilityBBeatsA(aA, bA, aB, bB);
    expect(Math.abs(pB! - closedForm)).toBeLessThan(2e-5);
    expect(Math.abs(pA! - (1 - closedForm))).toBeLessThan(2e-5);
  });

  it("should match adaptive quadrature for three arms", () => {
    // scipy.integrate.quad of pdf_k · Π cdf_j
    const p = probabilityBestExact([
      { alpha: 41, beta: 61 },
      { alpha: 51, beta: 51 },
      { alpha: 46, beta: 56 },
    ]);
    expect(p[0]).toBeCloseTo(0.04715682758605085, 5);
    expect(p[1]).toBeCloseTo(0.7278672411007832, 5);
    expect(p[2]).toBeCloseTo(0.2249759313131665, 5);
  });

  it("should give 1/K to equal posteriors", () => {
    const p = probabilityBestExact([
      { alpha: 1, beta: 1 },
      { alpha: 1, beta: 1 },
      { alpha: 1, beta: 1 },
    ]);
    for (const value of p) expect(value).toBeCloseTo(1 / 3, 8);
  });
});

describe("expectedLossExact", () => {
  it("should give E[max(U₁, U₂)] − 1/2 = 1/6 for two uniforms, and 1/4 for three", () => {
    const uniform = { alpha: 1, beta: 1 };
    for (const loss of expectedLossExact([uniform, uniform])) expect(loss).toBeCloseTo(1 / 6, 8);
    for (const loss of expectedLossExact([uniform, uniform, uniform])) expect(loss).toBeCloseTo(1 / 4, 8);
  });

  it("should match adaptive quadrature", () => {
    // scipy: ∫(1 − ΠF) − mean_k
    const loss = expectedLossExact([
      { alpha: 21, beta: 81 },
      { alpha: 31, beta: 71 },
    ]);
    expect(loss[0]).toBeCloseTo(0.09938481291064799, 9);
    expect(loss[1]).toBeCloseTo(0.001345597224373496, 9);
    const u = expectedLossExact([
      { alpha: 0.5, beta: 0.5 },
      { alpha: 2, beta: 5 },
    ]);
    expect(u[0]).toBeCloseTo(0.0759626116071428, 6);
    expect(u[1]).toBeCloseTo(0.2902483258928571, 6);
  });

  it("should differ between arms exactly by the difference of their means", () => {
    const loss = expectedLossExact([
      { alpha: 10, beta: 30 },
      { alpha: 12, beta: 28 },
    ]);
    expect(loss[0]! - loss[1]!).toBeCloseTo(12 / 40 - 10 / 40, 12);
  });
});

describe("bestArmExact", () => {
  it("should give P(best) 1 and loss 0 for a single arm, and nothing for no arm", () => {
    expect(bestArmExact([{ alpha: 4, beta: 9 }])).toEqual({ pBest: [1], expectedLoss: [0] });
    expect(bestArmExact([])).toEqual({ pBest: [], expectedLoss: [] });
  });
});
