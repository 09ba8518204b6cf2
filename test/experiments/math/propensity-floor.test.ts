import { describe, expect, it } from "vitest";
import { applyFloor, capCandidates } from "../../../src/experiments/math/propensity-floor.js";

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe("applyFloor", () => {
  it("should compute p_k = f + (1 − K·f)·w_k", () => {
    const { propensities, saturated } = applyFloor([0.9, 0.1, 0], 0.02);
    expect(saturated).toBe(false);
    expect(propensities[0]).toBeCloseTo(0.02 + 0.94 * 0.9, 15);
    expect(propensities[1]).toBeCloseTo(0.02 + 0.94 * 0.1, 15);
    expect(propensities[2]).toBeCloseTo(0.02, 15);
  });

  it.each([
    { name: "a certain winner", weights: [1, 0, 0, 0, 0], floor: 0.02 },
    { name: "spread weights", weights: [0.5, 0.3, 0.15, 0.05], floor: 0.05 },
    { name: "a zero floor", weights: [0.7, 0.3], floor: 0 },
    { name: "unnormalised weights", weights: [3, 1], floor: 0.1 },
  ])("should keep every p ≥ f and Σp = 1 with $name", ({ weights, floor }) => {
    const { propensities } = applyFloor(weights, floor);
    expect(sum(propensities)).toBeCloseTo(1, 14);
    for (const p of propensities) expect(p).toBeGreaterThanOrEqual(floor - 1e-15);
  });

  it("should fall back to uniform and say so when K·f ≥ 1", () => {
    const { propensities, saturated } = applyFloor([0.9, 0.05, 0.05], 0.4);
    expect(saturated).toBe(true);
    expect(propensities).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });

  it("should refuse a floor outside [0, 1] and weights that are all zero", () => {
    expect(() => applyFloor([1, 0], -0.1)).toThrow(RangeError);
    expect(() => applyFloor([1, 0], 1.5)).toThrow(RangeError);
    expect(() => applyFloor([0, 0], 0.1)).toThrow(RangeError);
  });
});

describe("capCandidates", () => {
  it("should leave propensities alone when candidates are within the cap", () => {
    const result = capCandidates([0.6, 0.35, 0.05], [false, false, true], 0.1);
    expect(result).toEqual({ propensities: [0.6, 0.35, 0.05], capped: false, uncappable: false });
  });

  it("should scale candidates down to the cap and give the rest to the others in proportion", () => {
    const result = capCandidates([0.3, 0.1, 0.4, 0.2], [false, false, true, true], 0.1);
    expect(result.capped).toBe(true);
    const [champion, active, candidateA, candidateB] = result.propensities as [number, number, number, number];
    expect(candidateA + candidateB).toBeCloseTo(0.1, 15);
    expect(candidateA / candidateB).toBeCloseTo(2, 12);
    expect(champion / active).toBeCloseTo(3, 12);
    expect(champion + active).toBeCloseTo(0.9, 15);
    expect(sum(result.propensities)).toBeCloseTo(1, 15);
  });

  it("should share the freed traffic equally when the other arms all sit at 0", () => {
    const result = capCandidates([0, 0, 1], [false, false, true], 0.1);
    expect(result.propensities[0]).toBeCloseTo(0.45, 15);
    expect(result.propensities[1]).toBeCloseTo(0.45, 15);
    expect(result.propensities[2]).toBeCloseTo(0.1, 15);
  });

  it("should change nothing and say so when every arm is a candidate", () => {
    const result = capCandidates([0.5, 0.5], [true, true], 0.1);
    expect(result).toEqual({ propensities: [0.5, 0.5], capped: false, uncappable: true });
  });

  it("should refuse a cap outside [0, 1] and mismatched lists", () => {
    expect(() => capCandidates([1], [true], 2)).toThrow(RangeError);
    expect(() => capCandidates([0.5, 0.5], [true], 0.1)).toThrow(RangeError);
  });
});
