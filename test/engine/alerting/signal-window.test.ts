import { describe, expect, it } from "vitest";
import {
  bucketBetween,
  percentile,
  pruneBuckets,
  type SignalBucket,
  windowTotals,
  ZERO_COUNTS,
} from "../../../src/engine/alerting/signal-window.js";
import { ManualClock } from "../../../src/engine/clock.js";

const MINUTE = 60_000;
const WINDOW = 15 * MINUTE;

describe("the sliding window of counters", () => {
  it("keeps the difference between two snapshots, stamped with the later time", () => {
    const b = bucketBetween(
      { sendsOk: 10, sendsFailed: 1, requests: 5, serverErrors: 0 },
      { sendsOk: 15, sendsFailed: 3, requests: 9, serverErrors: 1 },
      [1200],
      1_000,
    );
    expect(b).toEqual({ at: 1_000, sendsOk: 5, sendsFailed: 2, requests: 4, serverErrors: 1, latenciesMs: [1200] });
  });

  it("counts from zero when the counters went back (a restart), never negative", () => {
    const b = bucketBetween({ ...ZERO_COUNTS, sendsOk: 50 }, { ...ZERO_COUNTS, sendsOk: 4 }, [], 0);
    expect(b.sendsOk).toBe(4);
  });

  it("sums only what happened in the last 15 minutes at the clock's time", () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const buckets: SignalBucket[] = [];
    const push = (sendsOk: number, sendsFailed: number, latenciesMs: number[] = []) =>
      buckets.push({ at: clock.now(), sendsOk, sendsFailed, requests: 0, serverErrors: 0, latenciesMs });
    push(10, 0, [40_000]);
    clock.advance(10 * MINUTE);
    push(5, 5, [1_000, 2_000]);
    expect(windowTotals(buckets, clock.now(), WINDOW)).toMatchObject({
      sendsOk: 15,
      sendsFailed: 5,
      latenciesMs: [1_000, 2_000, 40_000],
    });
    clock.advance(5 * MINUTE); // the first bucket is now exactly 15 minutes old: out
    expect(windowTotals(buckets, clock.now(), WINDOW)).toMatchObject({ sendsOk: 5, sendsFailed: 5 });
    clock.advance(10 * MINUTE);
    expect(windowTotals(buckets, clock.now(), WINDOW)).toMatchObject({ sendsOk: 0, sendsFailed: 0, latenciesMs: [] });
    expect(pruneBuckets(buckets, clock.now(), WINDOW)).toEqual([]);
  });

  it.each([
    ["empty", [], 0.95, null],
    ["one value", [7], 0.95, 7],
    ["20 values: the 19th", Array.from({ length: 20 }, (_, i) => i + 1), 0.95, 19],
    ["21 values: the 20th", Array.from({ length: 21 }, (_, i) => i + 1), 0.95, 20],
    ["median of 4", [1, 2, 3, 4], 0.5, 2],
  ])("takes the nearest-rank percentile (%s)", (_name, values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});
