import { describe, expect, it } from "vitest";
import {
  DEFAULT_PACING,
  jittered,
  nextSendSlot,
  type PacingConfig,
  quietHoursEnd,
  retryDelayMs,
  seenDelayMs,
  typingDelayMs,
} from "../../src/engine/pacing.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** `u` that leaves a delay unjittered. */
const MID = 0.5;
/** The largest `u` below 1. */
const TOP = 1 - Number.EPSILON;

describe("typingDelayMs", () => {
  it("should be the base plus the per-character time before jitter", () => {
    expect(typingDelayMs(0, DEFAULT_PACING, MID)).toBe(1_200);
    expect(typingDelayMs(100, DEFAULT_PACING, MID)).toBe(1_200 + 100 * 35);
  });

  it("should grow with the length of the reply", () => {
    const delays = [0, 20, 80, 160].map((length) => typingDelayMs(length, DEFAULT_PACING, MID));
    expect(delays).toEqual([...delays].sort((a, b) => a - b));
    expect(new Set(delays).size).toBe(delays.length);
  });

  it("should be capped for a long reply", () => {
    expect(typingDelayMs(1_000, DEFAULT_PACING, MID)).toBe(DEFAULT_PACING.typingMaxMs);
    expect(typingDelayMs(10_000, DEFAULT_PACING, MID)).toBe(DEFAULT_PACING.typingMaxMs);
  });

  it("should stay within the jitter band around the unjittered delay", () => {
    const base = 1_200 + 100 * 35;
    expect(typingDelayMs(100, DEFAULT_PACING, 0)).toBe(Math.round(base * 0.75));
    expect(typingDelayMs(100, DEFAULT_PACING, TOP)).toBeLessThanOrEqual(Math.round(base * 1.25));
    expect(typingDelayMs(100, DEFAULT_PACING, TOP)).toBeGreaterThan(base);
    for (let u = 0; u < 1; u += 0.05) {
      const delay = typingDelayMs(100, DEFAULT_PACING, u);
      expect(delay).toBeGreaterThanOrEqual(Math.round(base * 0.75));
      expect(delay).toBeLessThanOrEqual(Math.round(base * 1.25));
    }
  });
});

describe("seenDelayMs", () => {
  it("should jitter the seen pause by the configured spread", () => {
    expect(seenDelayMs(DEFAULT_PACING, MID)).toBe(800);
    expect(seenDelayMs(DEFAULT_PACING, 0)).toBe(600);
    expect(seenDelayMs({ ...DEFAULT_PACING, jitter: 0 }, TOP)).toBe(800);
  });
});

describe("jittered", () => {
  it.each([
    { name: "the low end at u = 0", u: 0, value: 75 },
    { name: "the value itself at u = 0.5", u: 0.5, value: 100 },
    { name: "close to the high end as u nears 1", u: 0.999, value: 124.95 },
  ])("should give $name", ({ u, value }) => {
    expect(jittered(100, 0.25, u)).toBeCloseTo(value, 6);
  });
});

describe("nextSendSlot", () => {
  const config: PacingConfig = { ...DEFAULT_PACING, maxPerMinute: 3, maxPerHour: 5 };
  const now = 10 * HOUR;

  it("should allow sending now under both caps", () => {
    expect(nextSendSlot([], now, config)).toBe(now);
    expect(nextSendSlot([now - 1_000, now - 2_000], now, config)).toBe(now);
  });

  it("should wait until the oldest send of a full minute leaves the minute", () => {
    const sends = [now - 5_000, now - 40_000, now - 20_000];
    expect(nextSendSlot(sends, now, config)).toBe(now - 40_000 + MINUTE);
  });

  it("should allow sending again once that moment has come", () => {
    const sends = [now - 5_000, now - 40_000, now - 20_000];
    const slot = nextSendSlot(sends, now, config);
    expect(nextSendSlot(sends, slot, config)).toBe(slot);
  });

  it("should ignore sends older than a minute for the minute cap", () => {
    expect(nextSendSlot([now - MINUTE, now - 2 * MINUTE, now - 1_000], now, config)).toBe(now);
  });

  it("should wait until the oldest send of a full hour leaves the hour", () => {
    const sends = [now - 50 * MINUTE, now - 40 * MINUTE, now - 30 * MINUTE, now - 20 * MINUTE, now - 10 * MINUTE];
    expect(nextSendSlot(sends, now, config)).toBe(now - 50 * MINUTE + HOUR);
  });

  it("should take the later of the two caps when both are full", () => {
    const sends = [now - 50 * MINUTE, now - 40 * MINUTE, now - 3_000, now - 2_000, now - 1_000];
    expect(nextSendSlot(sends, now, config)).toBe(now - 50 * MINUTE + HOUR);
  });
});

describe("quietHoursEnd", () => {
  /** Epoch ms of a wall-clock time in UTC. */
  const utc = (iso: string) => Date.parse(`${iso}Z`);

  it("should end quiet hours at the next 08:00 local when it is 23:00 in New York", () => {
    // January: New York is UTC−5, so 23:00 local is 04:00Z and 08:00 local is 13:00Z.
    expect(quietHoursEnd(utc("2026-01-16T04:00:00"), "America/New_York", DEFAULT_PACING)).toBe(
      utc("2026-01-16T13:00:00"),
    );
  });

  it("should be null at noon local", () => {
    expect(quietHoursEnd(utc("2026-01-15T17:00:00"), "America/New_York", DEFAULT_PACING)).toBeNull();
  });

  it.each([
    { name: "at 21:00, the start of quiet hours", at: "2026-01-16T02:00:00", end: "2026-01-16T13:00:00" },
    { name: "at 07:59 in the morning", at: "2026-01-16T12:59:00", end: "2026-01-16T13:00:00" },
    { name: "at 02:30 after midnight", at: "2026-01-16T07:30:00", end: "2026-01-16T13:00:00" },
  ])("should end at 08:00 local $name", ({ at, end }) => {
    expect(quietHoursEnd(utc(at), "America/New_York", DEFAULT_PACING)).toBe(utc(end));
  });

  it.each([
    { name: "at 08:00 exactly", at: "2026-01-16T13:00:00" },
    { name: "at 20:59", at: "2026-01-16T01:59:00" },
  ])("should be null $name", ({ at }) => {
    expect(quietHoursEnd(utc(at), "America/New_York", DEFAULT_PACING)).toBeNull();
  });

  it("should end exactly on the hour when now has seconds and milliseconds", () => {
    expect(quietHoursEnd(utc("2026-01-16T04:00:30.250"), "America/New_York", DEFAULT_PACING)).toBe(
      utc("2026-01-16T13:00:00"),
    );
  });

  it("should end at 08:00 local in a zone with a half-hour offset", () => {
    // Kolkata is UTC+5:30: 23:00 local is 17:30Z and 08:00 local the next day is 02:30Z.
    expect(quietHoursEnd(utc("2026-01-15T17:30:00"), "Asia/Kolkata", DEFAULT_PACING)).toBe(utc("2026-01-16T02:30:00"));
  });

  it("should end at 08:00 local on the night the clocks go forward", () => {
    // 2026-03-08 02:00 New York jumps to 03:00: 23:00 EST is 04:00Z, 08:00 EDT is 12:00Z.
    expect(quietHoursEnd(utc("2026-03-08T04:00:00"), "America/New_York", DEFAULT_PACING)).toBe(
      utc("2026-03-08T12:00:00"),
    );
  });

  it("should end at 08:00 local on the night the clocks go back", () => {
    // 2026-11-01 02:00 New York falls back to 01:00: 23:00 EDT is 03:00Z, 08:00 EST is 13:00Z.
    expect(quietHoursEnd(utc("2026-11-01T03:00:00"), "America/New_York", DEFAULT_PACING)).toBe(
      utc("2026-11-01T13:00:00"),
    );
  });

  it("should support quiet hours that do not wrap midnight", () => {
    const config = { ...DEFAULT_PACING, quietHours: { start: 1, end: 6 } };
    expect(quietHoursEnd(utc("2026-01-15T03:15:00"), "UTC", config)).toBe(utc("2026-01-15T06:00:00"));
    expect(quietHoursEnd(utc("2026-01-15T23:15:00"), "UTC", config)).toBeNull();
  });

  it.each([
    { name: "an unknown time zone", zone: "Mars/Olympus_Mons" },
    { name: "no time zone", zone: null },
  ])("should have no quiet hours for $name", ({ zone }) => {
    expect(quietHoursEnd(utc("2026-01-16T04:00:00"), zone, DEFAULT_PACING)).toBeNull();
  });
});

describe("retryDelayMs", () => {
  it("should grow with the attempt number", () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => retryDelayMs(attempt, MID));
    expect(delays).toEqual([1_500, 3_000, 6_000, 12_000, 24_000]);
  });

  it("should stay between half the cap and the cap", () => {
    expect(retryDelayMs(3, 0)).toBe(4_000);
    expect(retryDelayMs(3, TOP)).toBe(8_000);
  });

  it("should be capped at the maximum delay", () => {
    expect(retryDelayMs(20, TOP)).toBe(5 * MINUTE);
    expect(retryDelayMs(100, TOP, { baseMs: 1_000, maxMs: 10_000 })).toBe(10_000);
  });

  it("should treat an attempt below 1 as the first", () => {
    expect(retryDelayMs(0, MID)).toBe(retryDelayMs(1, MID));
  });
});
