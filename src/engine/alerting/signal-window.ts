/**
 * Sliding windows over the engine's counters, pure: the alert service takes a
 * snapshot of the cumulative counters on every evaluation and keeps the
 * difference since the previous one as a bucket stamped with the evaluation
 * time; a window's totals are the sum of the buckets inside it. No clock, no
 * I/O: `now` comes in.
 * @module
 */

/** What happened between two evaluations, stamped with the later one's time (epoch ms). */
export interface SignalBucket {
  readonly at: number;
  readonly sendsOk: number;
  readonly sendsFailed: number;
  readonly requests: number;
  readonly serverErrors: number;
  /** Reply latencies recorded in the interval, ms. */
  readonly latenciesMs: readonly number[];
}

/** Cumulative counts since start (a counter snapshot). */
export interface SignalCounts {
  readonly sendsOk: number;
  readonly sendsFailed: number;
  readonly requests: number;
  readonly serverErrors: number;
}

/** The sums of the buckets inside one window. */
export interface WindowTotals extends SignalCounts {
  /** Every reply latency inside the window, ms, ascending. */
  readonly latenciesMs: readonly number[];
}

/** The counts that did not exist yet: the zero snapshot of a fresh start. */
export const ZERO_COUNTS: SignalCounts = Object.freeze({ sendsOk: 0, sendsFailed: 0, requests: 0, serverErrors: 0 });

/**
 * The bucket between two snapshots. A counter that went down (the process
 * restarted its counters) counts from zero instead of going negative.
 */
export function bucketBetween(
  before: SignalCounts,
  after: SignalCounts,
  latenciesMs: readonly number[],
  at: number,
): SignalBucket {
  const delta = (k: keyof SignalCounts) => (after[k] >= before[k] ? after[k] - before[k] : after[k]);
  return {
    at,
    sendsOk: delta("sendsOk"),
    sendsFailed: delta("sendsFailed"),
    requests: delta("requests"),
    serverErrors: delta("serverErrors"),
    latenciesMs: [...latenciesMs],
  };
}

/** The buckets still inside the longest window, `(now - keepMs, now]`. Returns a new array. */
export function pruneBuckets(buckets: readonly SignalBucket[], now: number, keepMs: number): SignalBucket[] {
  return buckets.filter((b) => b.at > now - keepMs);
}

/** Sums the buckets stamped in `(now - windowMs, now]`. */
export function windowTotals(buckets: readonly SignalBucket[], now: number, windowMs: number): WindowTotals {
  let sendsOk = 0;
  let sendsFailed = 0;
  let requests = 0;
  let serverErrors = 0;
  const latenciesMs: number[] = [];
  for (const b of buckets) {
    if (b.at <= now - windowMs || b.at > now) continue;
    sendsOk += b.sendsOk;
    sendsFailed += b.sendsFailed;
    requests += b.requests;
    serverErrors += b.serverErrors;
    latenciesMs.push(...b.latenciesMs);
  }
  latenciesMs.sort((a, b) => a - b);
  return { sendsOk, sendsFailed, requests, serverErrors, latenciesMs };
}

/**
 * The nearest-rank percentile `p` (0–1] of ascending `sorted` values: the
 * smallest value with at least `p` of the values at or below it; null when empty.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? null;
}
