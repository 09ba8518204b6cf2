import { describe, expect, it } from "vitest";
import { arrivalTimes, customersSeed, MS_PER_DAY, stageDraws } from "../../src/sim/customer-stream.js";
import { MS_PER_HOUR } from "../../src/sim/market.js";

const SHAPE = { delayMu: Math.log(6), delaySigma: 1, windowMs: 48 * MS_PER_HOUR };

function draws(arms: number) {
  return { u: new Float64Array(arms), delayMs: new Float64Array(arms) };
}

describe("arrivalTimes", () => {
  it("should arrive in order at the given mean rate", () => {
    const times = arrivalTimes(7, 20_000, 500);
    expect(times.every((t, i) => i === 0 || t > times[i - 1]!)).toBe(true);
    const days = times[times.length - 1]! / MS_PER_DAY;
    expect(days).toBeGreaterThan(39);
    expect(days).toBeLessThan(41);
  });

  it("should replay from its seed", () => {
    expect(arrivalTimes(3, 100, 500)).toEqual(arrivalTimes(3, 100, 500));
    expect(arrivalTimes(3, 100, 500)).not.toEqual(arrivalTimes(4, 100, 500));
  });
});

describe("stageDraws", () => {
  it("should give arm k the same draws however many arms are drawn", () => {
    const root = customersSeed(11);
    const two = stageDraws(root, 42, 1, 2, SHAPE, draws(2));
    const four = stageDraws(root, 42, 1, 4, SHAPE, draws(4));
    expect(Array.from(four.u.subarray(0, 2))).toEqual(Array.from(two.u));
    expect(Array.from(four.delayMs.subarray(0, 2))).toEqual(Array.from(two.delayMs));
  });

  it("should draw independently per customer and per stage", () => {
    const root = customersSeed(11);
    const a = stageDraws(root, 1, 0, 1, SHAPE, draws(1)).u[0];
    expect(stageDraws(root, 2, 0, 1, SHAPE, draws(1)).u[0]).not.toBe(a);
    expect(stageDraws(root, 1, 1, 1, SHAPE, draws(1)).u[0]).not.toBe(a);
  });

  it("should keep delays inside the window, with the lognormal's median when the window cuts little", () => {
    const root = customersSeed(5);
    const delays: number[] = [];
    for (let c = 0; c < 4000; c++) delays.push(stageDraws(root, c, 0, 1, SHAPE, draws(1)).delayMs[0]! / MS_PER_HOUR);
    expect(Math.max(...delays)).toBeLessThanOrEqual(48);
    delays.sort((x, y) => x - y);
    // Truncating at 48 h removes 1.9% of the upper tail, so the median moves just below 6 h.
    expect(delays[2000]!).toBeGreaterThan(5.4);
    expect(delays[2000]!).toBeLessThan(6.2);
    const u = Array.from({ length: 4000 }, (_, c) => stageDraws(root, c, 0, 1, SHAPE, draws(1)).u[0]!);
    expect(u.filter((x) => x < 0.3).length / 4000).toBeCloseTo(0.3, 1);
  });
});
