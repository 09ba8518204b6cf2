import { describe, expect, it } from "vitest";
import { chiSquarePValue, SRM_ALARM_P_VALUE, srmTest } from "../../../src/experiments/math/srm-test.js";

describe("chiSquarePValue", () => {
  it.each([
    { statistic: 3.841, df: 1, pValue: 0.050013683763956804 },
    { statistic: 5.991, df: 2, pValue: 0.05001161502657909 },
    { statistic: 18.307, df: 10, pValue: 0.05000058909139812 },
    { statistic: 10.828, df: 1, pValue: 0.0009997657195830916 },
    { statistic: 0.5, df: 4, pValue: 0.9735009788392561 },
  ])("should give P(χ²($df) ≥ $statistic) = $pValue", ({ statistic, df, pValue }) => {
    expect(chiSquarePValue(statistic, df)).toBeCloseTo(pValue, 12);
  });

  it("should match the table value 0.05 at 3.841 with one degree of freedom", () => {
    expect(chiSquarePValue(3.841, 1)).toBeCloseTo(0.05, 4);
  });

  it("should refuse zero degrees of freedom", () => {
    expect(() => chiSquarePValue(1, 0)).toThrow(RangeError);
  });
});

describe("srmTest", () => {
  it("should raise no alarm for balanced counts", () => {
    const result = srmTest([5030, 4970], [5000, 5000]);
    expect(result.statistic).toBeCloseTo(0.36, 12);
    expect(result.degreesOfFreedom).toBe(1);
    expect(result.pValue).toBeCloseTo(0.5485062355001471, 10);
    expect(result.alarm).toBe(false);
  });

  it("should raise an alarm for 5000 vs 4500 against 4750/4750", () => {
    const result = srmTest([5000, 4500], [4750, 4750]);
    expect(result.statistic).toBeCloseTo(26.31578947368421, 10);
    expect(result.pValue).toBeCloseTo(2.899088282877562e-7, 16);
    expect(result.pValue).toBeLessThan(SRM_ALARM_P_VALUE);
    expect(result.alarm).toBe(true);
  });

  it("should test against uneven propensities, rescaling expected counts to the observed total", () => {
    const result = srmTest([1000, 2000, 3100], [1000, 2000, 3000]);
    expect(result.statistic).toBeCloseTo(1.6393442622950782, 10);
    expect(result.degreesOfFreedom).toBe(2);
    expect(result.pValue).toBeCloseTo(0.44057608200249465, 10);
    expect(result.alarm).toBe(false);
  });

  it("should leave out arms that had no chance and got nothing", () => {
    const result = srmTest([5030, 4970, 0], [5000, 5000, 0]);
    expect(result.degreesOfFreedom).toBe(1);
    expect(result.alarm).toBe(false);
  });

  it("should alarm on an arm assigned although it had no chance", () => {
    const result = srmTest([10, 5], [15, 0]);
    expect(result).toMatchObject({ pValue: 0, alarm: true, statistic: Number.POSITIVE_INFINITY });
    expect(result.message).toContain("arm 1");
  });

  it.each([
    { name: "no assignments", observed: [0, 0], expected: [0, 0] },
    { name: "a single arm", observed: [100], expected: [100] },
    { name: "only one arm with a chance", observed: [100, 0], expected: [100, 0] },
    { name: "no arms", observed: [], expected: [] },
  ])("should return p-value 1, no alarm and a message for $name", ({ observed, expected }) => {
    const result = srmTest(observed, expected);
    expect(result).toMatchObject({ pValue: 1, alarm: false, degreesOfFreedom: 0 });
    expect(result.message).toBeDefined();
  });

  it("should refuse mismatched lists and negative counts", () => {
    expect(() => srmTest([1, 2], [1])).toThrow(RangeError);
    expect(() => srmTest([1, -2], [1, 2])).toThrow(RangeError);
  });
});
