/**
 * Plain-text tables of the experiment report and of an off-policy evaluation,
 * for people at a terminal (`closer experiments`).
 * @module
 */

import type { RateEstimate } from "../experiments/index.js";
import type { ExperimentReport, StageReport } from "./experiment-report-schema.js";
import type { StagePolicyEvaluation } from "./policy-evaluation.js";

const COLUMNS = [
  "arm",
  "status",
  "decisions",
  "successes",
  "failures",
  "pending",
  "mean",
  "95% CI",
  "P(best)",
  "exp. loss",
  "weight",
] as const;

/**
 * Formats the report: per stage a header with the verdict and the SRM check,
 * one row per arm, then the notes (verdict reasons and remarks) when given.
 */
export function formatExperimentReport(
  report: ExperimentReport,
  notes: Readonly<Record<string, readonly string[]>> = {},
): string {
  if (report.stages.length === 0) return "No stages in the funnel.";
  return report.stages.map((stage) => formatStage(stage, notes[stage.stage] ?? [])).join("\n\n");
}

/** Formats an off-policy evaluation in a few lines. */
export function formatPolicyEvaluation(e: StagePolicyEvaluation): string {
  const target = Object.entries(e.target)
    .map(([key, p]) => `${key} ${fixed(p, 3)}`)
    .join(", ");
  const lines = [
    `${e.stage}: policy ${e.policy} (${target || "no arm"})`,
    `  logged decisions ${e.n}, matching the policy ${e.matched}, effective sample size ${fixed(e.effectiveSampleSize, 1)}`,
  ];
  if (e.ips === null || e.snips === null) {
    lines.push(`  no estimate: ${e.message ?? "nothing to evaluate"}`);
  } else {
    lines.push(`  IPS   ${formatRate(e.ips)}`);
    if (e.ips.estimate > 1) {
      lines.push(
        "        (above 1: IPS divides each success by the chance it had of being logged and is not bounded by 1;",
        "         a success rate cannot exceed 1, so read the interval, or SNIPS)",
      );
    }
    lines.push(`  SNIPS ${formatRate(e.snips)} (self-normalised, always within [0, 1])`);
  }
  return lines.join("\n");
}

function formatRate(rate: RateEstimate): string {
  const [low, high] = rate.interval;
  return (
    `success rate ${fixed(rate.estimate, 4)} ± ${fixed(rate.standardError, 4)} (standard error), ` +
    `95 % interval [${fixed(low, 4)}, ${fixed(high, 4)}]`
  );
}

function formatStage(stage: StageReport, notes: readonly string[]): string {
  const verdict =
    stage.verdict === "winner"
      ? `winner ${stage.winner}`
      : stage.verdict === "collecting"
        ? "collecting"
        : "no winner yet";
  const srm = `SRM p-value ${fixed(stage.srm.pValue, 4)}${stage.srm.alarm ? " ALARM (reweighting frozen)" : ", no alarm"}`;
  const rows = stage.arms.map((a) => [
    `${a.variant}@${a.version}`,
    a.status,
    String(a.decisions),
    String(a.successes),
    String(a.failures),
    String(a.pending),
    fixed(a.posteriorMean, 3),
    `[${fixed(a.credibleInterval[0], 3)}, ${fixed(a.credibleInterval[1], 3)}]`,
    a.pBest === null ? "-" : fixed(a.pBest, 3),
    a.expectedLoss === null ? "-" : fixed(a.expectedLoss, 4),
    fixed(a.weight, 3),
  ]);
  const table = rows.length > 0 ? alignTable([[...COLUMNS], ...rows]) : ["  (no arms)"];
  return [`${stage.stage}: ${verdict}; ${srm}`, ...table, ...notes.map((n) => `  - ${n}`)].join("\n");
}

/** Pads columns: the first two left-aligned, numbers right-aligned. */
function alignTable(rows: readonly (readonly string[])[]): string[] {
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
  return rows.map(
    (row) =>
      "  " +
      row
        .map((cell, c) => (c < 2 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0)))
        .join("  ")
        .trimEnd(),
  );
}

function fixed(x: number, digits: number): string {
  return x.toFixed(digits);
}
