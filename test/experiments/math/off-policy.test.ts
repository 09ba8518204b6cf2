import { describe, expect, it } from "vitest";
import {
  championTarget,
  evaluatePolicy,
  kishEffectiveSampleSize,
  type LoggedDecision,
  uniformTarget,
  Z_95,
} from "../../../src/experiments/math/off-policy.js";
import { createSeededRandom } from "../../../src/experiments/math/random.js";

const ARMS = ["a@1", "b@1", "c@1"];
const TRUE_RATE: Record<string, number> = { "a@1": 0.2, "b@1": 0.35, "c@1": 0.25 };

/** Decisions logged by a fixed stochastic policy with the given propensities. */
function logDecisions(n: number, propensities: readonly number[], seed: number): LoggedDecision[] {
  const rng = createSeededRandom(seed);
  return Array.from({ length: n }, () => {
    let u = rng.next();
    let k = 0;
    while (k < propensities.length - 1 && u >= propensities[k]!) u -= propensities[k++]!;
    const arm = ARMS[k]!;
    return { arm, propensity: propensities[k]!, reward: rng.next() < TRUE_RATE[arm]! ? 1 : 0 };
  });
}

describe("evaluatePolicy", () => {
  it("should return the empirical mean when the target is the uniform logging policy", () => {
    const log = logDecisions(3000, [1 / 3, 1 / 3, 1 / 3], 1);
    const mean = log.reduce((sum, d) => sum + d.reward, 0) / log.length;
    const result = evaluatePolicy(log, uniformTarget(ARMS));
    expect(result.n).toBe(3000);
    expect(result.matched).toBe(3000);
    expect(result.ips!.estimate).toBeCloseTo(mean, 12);
    expect(result.snips!.estimate).toBeCloseTo(mean, 12);
    expect(result.effectiveSampleSize).toBeCloseTo(3000, 8);
    // on-policy, the standard error is that of a sample mean
    const sd = Math.sqrt((mean * (1 - mean) * 3000) / 2999);
    expect(result.ips!.standardError).toBeCloseTo(sd / Math.sqrt(3000), 10);
  });

  it("should recover a champion's true rate from a Thompson-like log", () => {
    const log = logDecisions(40_000, [0.2, 0.5, 0.3], 2);
    const result = evaluatePolicy(log, championTarget("b@1"));
    expect(Math.abs(result.snips!.estimate - 0.35)).toBeLessThan(3 * result.snips!.standardError);
    expect(Math.abs(result.ips!.estimate - 0.35)).toBeLessThan(3 * result.ips!.standardError);
    expect(result.matched).toBe(log.filter((d) => d.arm === "b@1").length);
    // with w = 1/0.5 on matched rows and 0 elsewhere, ESS is the matched count
    expect(result.effectiveSampleSize).toBeCloseTo(result.matched, 8);
  });

  it("should compute IPS and SNIPS by their formulas on a small log", () => {
    const log: LoggedDecision[] = [
      { arm: "a@1", propensity: 0.5, reward: 1 },
      { arm: "a@1", propensity: 0.25, reward: 0 },
      { arm: "b@1", propensity: 0.5, reward: 1 },
      { arm: "a@1", propensity: 0.8, reward: 1 },
    ];
    const result = evaluatePolicy(log, { "a@1": 0.5, "b@1": 0.5 });
    const w = [1, 2, 1, 0.625];
    const r = [1, 0, 1, 1];
    const ips = w.reduce((s, wi, i) => s + wi * r[i]!, 0) / 4;
    const snips = w.reduce((s, wi, i) => s + wi * r[i]!, 0) / w.reduce((s, wi) => s + wi, 0);
    expect(result.ips!.estimate).toBeCloseTo(ips, 14);
    expect(result.snips!.estimate).toBeCloseTo(snips, 14);
    const snipsSe =
      Math.sqrt(w.reduce((s, wi, i) => s + wi * wi * (r[i]! - snips) ** 2, 0)) / w.reduce((s, wi) => s + wi, 0);
    expect(result.snips!.standardError).toBeCloseTo(snipsSe, 14);
    expect(result.effectiveSampleSize).toBeCloseTo(kishEffectiveSampleSize(w), 14);
  });

  it("should report no estimate, with a message, when no logged decision matches", () => {
    const log = logDecisions(100, [0.5, 0.5, 0], 3);
    const result = evaluatePolicy(log, championTarget("c@1"));
    expect(result).toMatchObject({ n: 100, matched: 0, ips: null, snips: null, effectiveSampleSize: 0 });
    expect(result.message).toContain("no logged decision matches");
  });

  it("should report no estimate for an empty log", () => {
    expect(evaluatePolicy([], championTarget("a@1"))).toMatchObject({
      n: 0,
      ips: null,
      message: "no logged decisions",
    });
  });

  it("should not read inherited properties of the target as probabilities", () => {
    const log: LoggedDecision[] = [{ arm: "constructor", propensity: 1, reward: 1 }];
    expect(evaluatePolicy(log, championTarget("a@1")).matched).toBe(0);
  });

  it.each([
    { name: "a zero propensity", decision: { arm: "a@1", propensity: 0, reward: 1 } },
    { name: "a propensity above 1", decision: { arm: "a@1", propensity: 1.2, reward: 1 } },
    { name: "a reward that is not 0 or 1", decision: { arm: "a@1", propensity: 0.5, reward: 0.5 } },
  ])("should refuse a log with $name", ({ decision }) => {
    expect(() => evaluatePolicy([decision], championTarget("a@1"))).toThrow(RangeError);
  });
});

describe("kishEffectiveSampleSize", () => {
  it("should give (Σw)²/Σw²", () => {
    expect(kishEffectiveSampleSize([1, 1, 1, 1])).toBe(4);
    expect(kishEffectiveSampleSize([4, 0, 0, 0])).toBe(1);
    expect(kishEffectiveSampleSize([1, 2, 3])).toBeCloseTo(36 / 14, 15);
    expect(kishEffectiveSampleSize([])).toBe(0);
  });
});

describe("evaluatePolicy with grouped decisions", () => {
  it("should treat an entry with a count as that many identical decisions", () => {
    const log = logDecisions(2000, [0.2, 0.5, 0.3], 4);
    const groups = new Map<string, LoggedDecision & { count: number }>();
    for (const d of log) {
      const key = `${d.arm}|${d.propensity}|${d.reward}`;
      const group = groups.get(key) ?? { ...d, count: 0 };
      group.count += 1;
      groups.set(key, group);
    }
    const target = { "a@1": 0.1, "b@1": 0.6, "c@1": 0.3 };
    const expanded = evaluatePolicy(log, target);
    const grouped = evaluatePolicy([...groups.values()], target);
    expect(grouped.n).toBe(expanded.n);
    expect(grouped.matched).toBe(expanded.matched);
    expect(grouped.ips!.estimate).toBeCloseTo(expanded.ips!.estimate, 12);
    expect(grouped.ips!.standardError).toBeCloseTo(expanded.ips!.standardError, 12);
    expect(grouped.snips!.estimate).toBeCloseTo(expanded.snips!.estimate, 12);
    expect(grouped.snips!.standardError).toBeCloseTo(expanded.snips!.standardError, 12);
    expect(grouped.effectiveSampleSize).toBeCloseTo(expanded.effectiveSampleSize, 8);
  });

  it.each([-1, 1.5, Number.NaN])("should reject a count of %s", (count) => {
    expect(() => evaluatePolicy([{ arm: "a@1", propensity: 0.5, reward: 1, count }], { "a@1": 1 })).toThrow(RangeError);
  });

  it("should report IPS above 1 as computed, with a 95 % interval clipped to [0, 1]; SNIPS stays inside", () => {
    // 5 of 20 logged decisions chose a@1 (propensity 0.2) and all succeeded: IPS = 5·5/20 = 1.25.
    const log: LoggedDecision[] = [
      { arm: "a@1", propensity: 0.2, reward: 1, count: 5 },
      { arm: "b@1", propensity: 0.8, reward: 0, count: 15 },
    ];
    const result = evaluatePolicy(log, championTarget("a@1"));
    const se = Math.sqrt((5 * 25 - 20 * 1.25 ** 2) / 19 / 20);
    expect(result.ips!.estimate).toBe(1.25);
    expect(result.ips!.standardError).toBeCloseTo(se, 12);
    expect(result.ips!.interval[0]).toBeCloseTo(1.25 - Z_95 * se, 12);
    expect(result.ips!.interval[1]).toBe(1);
    expect(result.snips).toEqual({ estimate: 1, standardError: 0, interval: [1, 1] });
  });

  it("should give the interval estimate ± 1.96 standard errors when it fits inside [0, 1]", () => {
    const result = evaluatePolicy(logDecisions(3000, [1 / 3, 1 / 3, 1 / 3], 3), uniformTarget(ARMS));
    for (const rate of [result.ips!, result.snips!]) {
      expect(rate.interval[0]).toBeCloseTo(rate.estimate - Z_95 * rate.standardError, 12);
      expect(rate.interval[1]).toBeCloseTo(rate.estimate + Z_95 * rate.standardError, 12);
    }
  });
});
