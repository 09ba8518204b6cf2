import { describe, expect, it } from "vitest";
import { DEFAULT_PACING, type PacingConfig } from "../../src/engine/pacing.js";
import { SendWindow } from "../../src/engine/send-window.js";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const PACING: PacingConfig = { ...DEFAULT_PACING, maxPerMinute: 2, maxPerHour: 3 };

describe("SendWindow", () => {
  it("counts an admitted send at once, so a concurrent one is held to the next free slot", () => {
    const window = new SendWindow();
    expect(window.admit(T0, PACING)).toEqual({ at: T0 });
    expect(window.admit(T0 + 10, PACING)).toEqual({ at: T0 + 10 });
    expect(window.admit(T0 + 20, PACING)).toEqual({ notBefore: T0 + 60_000 });
  });

  it("gives the place back when a reserved send fails", () => {
    const window = new SendWindow();
    const first = window.admit(T0, PACING);
    window.admit(T0, PACING);
    window.release("at" in first ? first : null);
    expect(window.admit(T0 + 1, PACING)).toEqual({ at: T0 + 1 });
  });

  it("moves a reservation to the time the send really happened", () => {
    const window = new SendWindow();
    const reserved = window.admit(T0, PACING);
    window.record(T0 + 30_000, "at" in reserved ? reserved : null);
    window.admit(T0 + 30_000, PACING);
    // The window is full until a minute after the first real send (T0 + 30 s), not after the reservation.
    expect(window.admit(T0 + 60_001, PACING)).toEqual({ notBefore: T0 + 90_000 });
  });

  it("applies the hourly cap and forgets sends older than an hour", () => {
    const window = new SendWindow();
    for (const at of [T0, T0 + 2 * 60_000, T0 + 4 * 60_000]) window.record(at);
    expect(window.admit(T0 + 10 * 60_000, PACING)).toEqual({ notBefore: T0 + 3_600_000 });
    const later = T0 + 65 * 60_000;
    window.record(later);
    expect(window.admit(later + 1, PACING)).toEqual({ at: later + 1 });
  });
});
