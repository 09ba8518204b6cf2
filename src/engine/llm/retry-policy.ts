/**
 * When to try an LLM call again: 429, 5xx and network errors are retried with
 * capped exponential backoff, or after the time the server asks for
 * (`Retry-After`, `retry-after-ms`), but only while the reply deadline leaves
 * room for one more answer. Pure.
 * @module
 */

/** First backoff delay, ms; doubled for each further retry. */
export const RETRY_INITIAL_DELAY_MS = 100;
/** Longest backoff delay, ms. */
export const RETRY_MAX_DELAY_MS = 4_000;
/** Least time an attempt needs before the deadline to be worth making, ms. */
export const MIN_ATTEMPT_MS = 50;

/** What `nextRetryDelay` looks at. */
export interface RetryInput {
  /** Retries made so far (0 before the first retry). */
  retries: number;
  maxRetries: number;
  /** The wait the server asked for, ms, when it said. */
  retryAfterMs: number | null;
  /** Time left before the deadline, ms. */
  remainingMs: number;
  /** First backoff delay, ms. Default {@link RETRY_INITIAL_DELAY_MS}. */
  initialDelayMs?: number;
}

/** The wait before the next attempt, ms, or null when no retry fits (too many, or past the deadline). */
export function nextRetryDelay({
  retries,
  maxRetries,
  retryAfterMs,
  remainingMs,
  initialDelayMs = RETRY_INITIAL_DELAY_MS,
}: RetryInput): number | null {
  if (retries >= maxRetries) return null;
  const backoff = Math.min(RETRY_MAX_DELAY_MS, initialDelayMs * 2 ** retries);
  const delay = retryAfterMs ?? backoff;
  return delay + MIN_ATTEMPT_MS <= remainingMs ? delay : null;
}

/**
 * The wait a response asks for, ms: `retry-after-ms`, else `Retry-After` in
 * seconds or as an HTTP date (relative to `now`); null when absent or unreadable.
 */
export function retryAfterMs(headers: { get(name: string): string | null }, now: number): number | null {
  const ms = Number(headers.get("retry-after-ms") ?? Number.NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
