/**
 * The benchmark results: the targets from issue 5, how a result meets them,
 * and the table printed at the end of `npm run bench`.
 * @module
 */

/** One target: a dotted key of the results, a bound, and which side of it passes. */
export interface Target {
  key: string;
  bound: number;
  /** `min`: the value must be at least `bound`; `max`: strictly below it. */
  kind: "min" | "max";
  unit: string;
}

/** The targets of issue 5, reported (never asserted). */
export const TARGETS: readonly Target[] = [
  { key: "pipeline.messagesPerSecond", bound: 1500, kind: "min", unit: "msg/s" },
  { key: "pipeline.ratioToBaseline", bound: 0.2, kind: "min", unit: "×" },
  { key: "pipeline.halfPeak.ackLatencyMs.p99", bound: 20, kind: "max", unit: "ms" },
  { key: "bandit.assignMicros.p50", bound: 50, kind: "max", unit: "µs" },
  { key: "experiments.millisFor1MAssignments", bound: 3000, kind: "max", unit: "ms" },
  { key: "experiments.peakRssMb", bound: 300, kind: "max", unit: "MB" },
];

/** A target with the measured value. */
export interface TargetCheck extends Target {
  value: number | null;
  met: boolean | null;
}

/** Reads a dotted key from nested objects; null when absent or not a number. */
export function valueAt(results: unknown, key: string): number | null {
  let at: unknown = results;
  for (const part of key.split(".")) {
    if (at === null || typeof at !== "object") return null;
    at = (at as Record<string, unknown>)[part];
  }
  return typeof at === "number" && Number.isFinite(at) ? at : null;
}

/** Checks every target against `results` (null where the benchmark did not run). */
export function checkTargets(results: unknown): TargetCheck[] {
  return TARGETS.map((target) => {
    const value = valueAt(results, target.key);
    const met = value === null ? null : target.kind === "min" ? value >= target.bound : value < target.bound;
    return { ...target, value, met };
  });
}

/** The keys issue 5 asks for, in the order the table shows them. */
export const REQUIRED_KEYS = [
  "pipeline.messagesPerSecond",
  "pipeline.ratioToBaseline",
  "pipeline.ackLatencyMs.p50",
  "pipeline.ackLatencyMs.p99",
  "baseline.requestsPerSecond",
  "bandit.assignMicros.p50",
  "bandit.weightUpdateMillis",
  "experiments.millisFor1MAssignments",
  "experiments.peakRssMb",
  "memory.rssMbAt100kCustomers",
] as const;

/** Further figures the table shows when present. */
const EXTRA_KEYS = [
  "pipeline.halfPeak.ratePerSecond",
  "pipeline.halfPeak.ackLatencyMs.p50",
  "pipeline.halfPeak.ackLatencyMs.p99",
  "pipeline.halfPeak.replyLatencyMs.p99",
  "pipeline.serverCpuMsPerMessage",
  "pipeline.generatorCpuMsPerMessage",
  "pipeline.floor.messagesPerSecond",
  "pipeline.floor.ratioToBaseline",
  "pipeline.floor.serverCpuMsPerMessage",
  "pipeline.floor.commitsPerMessage",
  "bandit.assignDbMicros.p50",
  "bandit.assignDbMicros.p99",
  "meta.fsyncCommitsPerSecondAtStart",
] as const;

/** The results as a text table: key, value, target and whether it is met. */
export function formatTable(results: unknown): string {
  const checks = new Map(checkTargets(results).map((c) => [c.key, c]));
  const rows: string[][] = [["key", "value", "target", "met"]];
  for (const key of [...REQUIRED_KEYS, ...EXTRA_KEYS]) {
    const value = valueAt(results, key);
    const check = checks.get(key);
    rows.push([
      key,
      value === null ? "—" : String(value),
      check ? `${check.kind === "min" ? "≥" : "<"} ${check.bound} ${check.unit}` : "",
      check?.met === true ? "yes" : check?.met === false ? "NO" : "",
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}
