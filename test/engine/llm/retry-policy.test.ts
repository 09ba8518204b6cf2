import { describe, expect, it } from "vitest";
import { MIN_ATTEMPT_MS, nextRetryDelay, retryAfterMs } from "../../../src/engine/llm/retry-policy.js";

const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });

describe("nextRetryDelay", () => {
  it.each([
    { name: "backs off exponentially", retries: 2, retryAfter: null, remaining: 10_000, expected: 400 },
    { name: "waits what the server asked for", retries: 0, retryAfter: 1_500, remaining: 10_000, expected: 1_500 },
    { name: "gives up after maxRetries", retries: 3, retryAfter: null, remaining: 10_000, expected: null },
    {
      name: "gives up when the wait passes the deadline",
      retries: 0,
      retryAfter: 30_000,
      remaining: 10_000,
      expected: null,
    },
    {
      name: "gives up when no time is left for an answer after the wait",
      retries: 0,
      retryAfter: 100,
      remaining: 100 + MIN_ATTEMPT_MS - 1,
      expected: null,
    },
  ])("$name", ({ retries, retryAfter, remaining, expected }) => {
    expect(nextRetryDelay({ retries, maxRetries: 3, retryAfterMs: retryAfter, remainingMs: remaining })).toBe(expected);
  });
});

describe("retryAfterMs", () => {
  const now = Date.UTC(2026, 11, 2, 12);
  it("reads seconds, an HTTP date, and OpenAI's retry-after-ms", () => {
    expect(retryAfterMs(headers({ "retry-after": "2" }), now)).toBe(2_000);
    expect(retryAfterMs(headers({ "retry-after": new Date(now + 3_000).toUTCString() }), now)).toBe(3_000);
    expect(retryAfterMs(headers({ "retry-after-ms": "250", "retry-after": "1" }), now)).toBe(250);
  });
  it("is null when absent or unreadable", () => {
    expect(retryAfterMs(headers({}), now)).toBeNull();
    expect(retryAfterMs(headers({ "retry-after": "soon" }), now)).toBeNull();
  });
});
