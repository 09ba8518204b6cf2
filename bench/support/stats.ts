/**
 * Small statistics for benchmark samples: percentiles, medians, rounding.
 * @module
 */

/** The `q`-quantile (0…1) of `values` by linear interpolation; NaN when empty. Does not modify `values`. */
export function quantile(values: readonly number[], q: number): number {
  return sortedQuantile(Float64Array.from(values).sort(), q);
}

/** The median of `values`; NaN when empty. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Percentiles of a latency sample, in the sample's unit, rounded to 3 decimals. */
export interface LatencySummary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Summarises latencies (any unit; the caller names it). */
export function summarize(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  return {
    count: sorted.length,
    p50: round(sortedQuantile(sorted, 0.5)),
    p90: round(sortedQuantile(sorted, 0.9)),
    p99: round(sortedQuantile(sorted, 0.99)),
    max: round(sorted.length === 0 ? Number.NaN : (sorted[sorted.length - 1] ?? Number.NaN)),
  };
}

/** Rounds to `digits` decimals (default 3); NaN stays NaN. */
export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function sortedQuantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const position = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const low = Math.floor(position);
  const high = Math.ceil(position);
  const a = sorted[low] ?? Number.NaN;
  const b = sorted[high] ?? Number.NaN;
  return a + (b - a) * (position - low);
}

/** Events per second: `count` over `ms` milliseconds (0 for an empty window). */
export function perSecond(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : 0;
}

/** CPU milliseconds (user + system) of a `process.cpuUsage()` reading. */
export function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

/** CPU milliseconds (user + system) spent between two `process.cpuUsage()` readings. */
export function cpuMsBetween(before: NodeJS.CpuUsage, after: NodeJS.CpuUsage): number {
  return cpuMs(after) - cpuMs(before);
}
