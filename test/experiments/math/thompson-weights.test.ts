import { describe, expect, it } from "vitest";
import { createSeededRandom, type Random } from "../../../src/experiments/math/random.js";
import { chooseArm, type PolicyArm, thompsonWeights } from "../../../src/experiments/math/thompson-weights.js";

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** A Random that fails the test if the policy draws from it. */
const noDraws: Random = {
  next: () => {
    throw new Error("no draw expected");
  },
};

const arm = (key: string, successes: number, failures: number, status: PolicyArm["status"] = "active"): PolicyArm => ({
  key,
  successes,
  failures,
  status,
});

describe("thompsonWeights", () => {
  it("should weigh arms by P(best) once every arm is past burn-in", () => {
    const result = thompsonWeights({
      arms: [arm("a", 30, 70, "champion"), arm("b", 45, 55), arm("c", 20, 80)],
      rng: createSeededRandom(1),
    });
    expect(result.reason).toBe("thompson");
    expect(result.message).toBeUndefined();
    expect(sum(result.weights)).toBeCloseTo(1, 12);
    expect(result.weights[1]).toBeGreaterThan(0.95);
    expect(result.expectedLoss).toHaveLength(3);
  });

  it("should keep every propensity ≥ f, sum to 1 and follow p = f + (1 − K·f)·w", () => {
    const floor = 0.05;
    const result = thompsonWeights({
      arms: [arm("a", 10, 90), arm("b", 60, 40), arm("c", 12, 88), arm("d", 11, 89)],
      floor,
      rng: createSeededRandom(2),
    });
    expect(sum(result.propensities)).toBeCloseTo(1, 14);
    for (const [k, p] of result.propensities.entries()) {
      expect(p).toBeGreaterThanOrEqual(floor);
      expect(p).toBeCloseTo(floor + (1 - 4 * floor) * result.weights[k]!, 14);
    }
    expect(result.propensities[0]).toBeCloseTo(floor, 3); // a hopeless arm keeps exactly the floor
  });

  it("should give equal weights during burn-in, without drawing, and say which arm is short", () => {
    const result = thompsonWeights({
      arms: [arm("a", 50, 50), arm("b", 3, 10), arm("c", 40, 40)],
      burnIn: 20,
      rng: noDraws,
    });
    expect(result.reason).toBe("burn_in");
    expect(result.weights).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(result.propensities.map((p) => Number(p.toFixed(12)))).toEqual(Array(3).fill(Number((1 / 3).toFixed(12))));
    expect(result.message).toContain("b has 13");
    expect(result.expectedLoss).toBeUndefined();
  });

  it("should leave burn-in exactly when the last arm reaches the minimum", () => {
    const options = { burnIn: 20, rng: createSeededRandom(3) };
    expect(thompsonWeights({ ...options, arms: [arm("a", 5, 14), arm("b", 9, 11)] }).reason).toBe("burn_in");
    expect(thompsonWeights({ ...options, arms: [arm("a", 5, 15), arm("b", 9, 11)] }).reason).toBe("thompson");
  });

  it("should give a single arm everything and no arms nothing", () => {
    const single = thompsonWeights({ arms: [arm("a", 0, 0)], rng: noDraws });
    expect(single).toMatchObject({ reason: "single_arm", weights: [1], propensities: [1] });
    const none = thompsonWeights({ arms: [], rng: noDraws });
    expect(none).toMatchObject({ reason: "no_arms", weights: [], propensities: [] });
    expect(none.message).toBeDefined();
  });

  it("should give retired arms nothing and leave them out of K", () => {
    const result = thompsonWeights({
      arms: [arm("old", 500, 10, "retired"), arm("a", 0, 0), arm("b", 0, 0)],
      rng: noDraws,
    });
    expect(result.reason).toBe("burn_in");
    expect(result.weights).toEqual([0, 0.5, 0.5]);
    expect(result.propensities).toEqual([0, 0.5, 0.5]);
    const onlyOne = thompsonWeights({ arms: [arm("old", 1, 1, "retired"), arm("a", 0, 0)], rng: noDraws });
    expect(onlyOne).toMatchObject({ reason: "single_arm", propensities: [0, 1] });
  });

  it("should fall back to uniform when K·f ≥ 1 and say so", () => {
    const result = thompsonWeights({
      arms: [arm("a", 90, 10), arm("b", 10, 90), arm("c", 10, 90), arm("d", 10, 90)],
      floor: 0.3,
      rng: createSeededRandom(4),
    });
    expect(result.propensities).toEqual([0.25, 0.25, 0.25, 0.25]);
    expect(result.message).toContain("uniform");
  });

  it("should cap candidates' total propensity and give the rest to the others", () => {
    const result = thompsonWeights({
      arms: [arm("champ", 0, 0, "champion"), arm("new1", 0, 0, "candidate"), arm("new2", 0, 0, "candidate")],
      candidateCap: 0.1,
      rng: noDraws,
    });
    expect(result.reason).toBe("burn_in");
    expect(result.propensities[0]).toBeCloseTo(0.9, 14);
    expect(result.propensities[1]).toBeCloseTo(0.05, 14);
    expect(result.propensities[2]).toBeCloseTo(0.05, 14);
    expect(sum(result.propensities)).toBeCloseTo(1, 14);
    expect(result.message).toContain("capped");
  });

  it("should let a candidate that is truly best grow only up to the cap", () => {
    const result = thompsonWeights({
      arms: [arm("champ", 20, 80, "champion"), arm("new", 60, 40, "candidate")],
      candidateCap: 0.1,
      rng: createSeededRandom(5),
    });
    expect(result.weights[1]).toBeGreaterThan(0.99);
    expect(result.propensities[1]).toBeCloseTo(0.1, 14);
    expect(result.propensities[0]).toBeCloseTo(0.9, 14);
  });

  it("should replay exactly from the same seed", () => {
    const arms = [arm("a", 30, 70), arm("b", 33, 67)];
    expect(thompsonWeights({ arms, rng: createSeededRandom(9) })).toEqual(
      thompsonWeights({ arms, rng: createSeededRandom(9) }),
    );
  });
});

describe("chooseArm", () => {
  it("should draw arms in proportion to their propensities and report the exact propensity", () => {
    const propensities = [0.02, 0.9, 0.08];
    const rng = createSeededRandom(6);
    const counts = [0, 0, 0];
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const choice = chooseArm(propensities, rng);
      expect(choice.propensity).toBe(propensities[choice.index]);
      counts[choice.index]! += 1;
    }
    for (const [k, p] of propensities.entries()) expect(Math.abs(counts[k]! / n - p)).toBeLessThan(0.004);
  });

  it("should never choose an arm with propensity 0", () => {
    const rng = createSeededRandom(7);
    for (let i = 0; i < 10_000; i++) expect(chooseArm([0, 1, 0], rng).index).toBe(1);
  });
});
