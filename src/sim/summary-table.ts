/**
 * The plain-text tables `closer simulate` prints.
 * @module
 */
import type { MeanSe, SimulationSummary } from "./summary.js";

/** The main table: per policy regret, customers won, best-arm share per stage, regret / Lai–Robbins. */
export function formatSummaryTable(summary: SimulationSummary): string {
  const stages = Object.keys(summary.stages);
  const header = ["policy", "regret (mean ± se)", "won (mean ± se)", ...stages.map((s) => `best ${s}`), "regret/LR"];
  const rows = Object.entries(summary.policies).map(([name, p]) => [
    name,
    formatMeanSe(p.regret, 1),
    formatMeanSe(p.won, 1),
    ...stages.map((stage) => percent(p.bestArmShare[stage] ?? 0)),
    p.regretOverLaiRobbins === null ? "–" : p.regretOverLaiRobbins.toFixed(2),
  ]);
  return table(header, rows, 1);
}

/** Follow-ups per policy (means ± se over seeds), or null when no run sent any. */
export function formatFollowUpTable(summary: SimulationSummary): string | null {
  const policies = Object.entries(summary.policies);
  if (policies.every(([, p]) => p.followUps.sent.mean === 0)) return null;
  const header = ["policy", "follow-ups sent", "revived", "opt-outs", "opt-out rate"];
  const rows = policies.map(([name, p]) => [
    name,
    formatMeanSe(p.followUps.sent, 1),
    formatMeanSe(p.followUps.revived, 1),
    formatMeanSe(p.followUps.optOuts, 1),
    p.followUps.sent.mean === 0 ? "–" : percent(p.followUps.optOuts.mean / p.followUps.sent.mean),
  ]);
  return table(header, rows, 1);
}

/** Per stage and policy: decisions, regret, and uniform rotation's expected regret T·(p* − p̄) on those decisions. */
export function formatStageTable(summary: SimulationSummary): string {
  const header = ["stage", "policy", "decisions", "regret", "T·(p*−p̄)"];
  const rows = Object.entries(summary.stages).flatMap(([stage, policies]) =>
    Object.entries(policies).map(([name, s]) => [
      stage,
      name,
      s.decisions.mean.toFixed(0),
      formatMeanSe(s.regret, 1),
      s.uniformRegret.mean.toFixed(1),
    ]),
  );
  return table(header, rows, 2);
}

/** Decision quality under daily looks: how often the verdict named a winner, and a wrong one. */
export function formatDecisionTable(summary: SimulationSummary): string {
  const { decisionQuality } = summary;
  const header = ["policy", "experiments", "named a winner", "named a wrong winner"];
  const rows = Object.entries(decisionQuality.policies).map(([name, q]) => [
    name,
    String(q.experiments),
    percent(q.namedWinnerRate),
    percent(q.wrongWinnerRate),
  ]);
  const counted =
    decisionQuality.counts === "matured"
      ? "The verdict counted only assignments whose window had closed (--verdict-counts matured)."
      : "The verdict counted every resolved outcome, as the product does.";
  const note = decisionQuality.aa
    ? "A/A scenario: every arm is equal, so every named winner is a false one (target ≤ 5%)."
    : "An experiment is one stage in one seed; a winner counts once however many daily looks named it.";
  return `${table(header, rows, 1)}\n${note}\n${counted}`;
}

/**
 * Conversion per simulated week of arrival, one column per policy; with both
 * `thompson+reflection` and `thompson`, a last column with their difference in
 * percentage points. Then, per run with reflection, what it did (means over seeds).
 */
export function formatWeeklyTable(summary: SimulationSummary): string {
  const names = Object.keys(summary.weeklyConversion);
  const weeks = Math.max(0, ...names.map((name) => summary.weeklyConversion[name]!.length));
  const paired = "thompson+reflection" in summary.weeklyConversion && "thompson" in summary.weeklyConversion;
  const header = ["week", ...names, ...(paired ? ["reflection − none"] : [])];
  const rows = Array.from({ length: weeks }, (_, w) => {
    const cell = (name: string) => summary.weeklyConversion[name]?.[w];
    const withReflection = cell("thompson+reflection");
    const without = cell("thompson");
    return [
      String(w + 1),
      ...names.map((name) => (cell(name) === undefined ? "–" : percent(cell(name)!))),
      ...(paired
        ? [withReflection === undefined || without === undefined ? "–" : points(withReflection - without)]
        : []),
    ];
  });
  const notes = Object.entries(summary.reflection).map(
    ([name, r]) =>
      `${name}: per run ${r.proposed.toFixed(1)} proposals, ${r.graduated.toFixed(1)} graduated, ` +
      `${r.retired.toFixed(1)} retired automatically, ${r.retiredForRoom.toFixed(1)} retired for max_arms, ` +
      `${r.noRoom.toFixed(1)} not added for lack of room.`,
  );
  return [table(header, rows, 1), "Won share of the customers who arrived in each simulated week.", ...notes].join(
    "\n",
  );
}

/** `+1.2 pp`. */
function points(difference: number): string {
  return `${difference >= 0 ? "+" : "−"}${Math.abs(difference * 100).toFixed(2)} pp`;
}

/** `12.3 ± 0.4`. */
export function formatMeanSe(value: MeanSe, digits: number): string {
  return `${value.mean.toFixed(digits)} ± ${value.se.toFixed(digits)}`;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** A table whose first `leftColumns` columns are left-aligned and the rest right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], leftColumns: number): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i < leftColumns ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** One line per policy with change detection: alarms, false alarms per arm-month, detection delay. */
export function formatChangeDetection(summary: SimulationSummary): string {
  return Object.entries(summary.changeDetection)
    .map(([name, c]) => {
      const rate = `${c.falseAlarms} false alarms in ${c.armMonths.toFixed(1)} arm-months (${(100 * c.falseAlarmsPerArmMonth).toFixed(2)}% per arm-month)`;
      const delay =
        c.changes === 0
          ? "no true changes"
          : `${c.detected} of ${c.changes} true changes detected` +
            (c.detectionDelayDays === null ? "" : `, after ${formatMeanSe(c.detectionDelayDays, 1)} days`);
      return `${name}: ${formatMeanSe(c.alarms, 1)} alarms per run; ${rate}; ${delay}`;
    })
    .join("\n");
}
