/**
 * The `--report` page of `closer simulate`: one self-contained HTML file with the
 * tables and the charts of regret and conversion, per week of arrival and over the
 * customers, one line per policy. The charts are the report's own (Vega-Lite
 * rendered to SVG on the server, src/analytics); the page fits a 1,280 px screen
 * without horizontal scrolling: wide tables are split, any table scrolls inside
 * its own box, and charts scale to the column.
 * @module
 */
import { escapeHtml, type LineSeries, linesChartSpec, renderChartFigure } from "../analytics/index.js";
import type { MeanSe, PolicyCurves, SimulationSummary } from "./summary.js";

/** Line colours per policy; unknown names cycle through the spare ones. */
const POLICY_COLORS: Record<string, string> = {
  thompson: "#1b7f3b",
  uniform: "#888888",
  "epsilon-greedy": "#c77800",
  ucb1: "#2a5db0",
  oracle: "#000000",
};
const SPARE_COLORS = ["#a23b72", "#3bb2c7", "#7a5c2e"];
/** Whole width of each chart, px (two fit side by side in the page's column only on very wide screens). */
const SIM_CHART_WIDTH = 600;

/** What the page says about how it was made. */
export interface ReportMeta {
  /** The command line that reproduces the figures. */
  readonly command: string;
  readonly elapsedMs: number;
  /** Add the table of conversion per simulated week and what reflection did (scenarios with a reflection block); default false. */
  readonly weekly?: boolean;
}

/** Renders the report page (charts are rendered on the server, hence async). */
export async function renderSimulationReport(summary: SimulationSummary, meta: ReportMeta): Promise<string> {
  const names = Object.keys(summary.policies);
  const stages = Object.keys(summary.stages);
  const series = (x: "customers" | "weeks", y: keyof PolicyCurves): LineSeries[] =>
    names.map((name, i) => ({
      name,
      color: POLICY_COLORS[name] ?? SPARE_COLORS[i % SPARE_COLORS.length]!,
      xs: summary.curves[name]![x],
      ys: summary.curves[name]![y],
    }));
  const chart = (title: string, x: string, y: string, lines: LineSeries[], percent = false) =>
    renderChartFigure(linesChartSpec({ title, xTitle: x, yTitle: y, series: lines, percent, width: SIM_CHART_WIDTH }));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Closer simulation: ${escapeHtml(summary.scenario)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 960px; color: #222; padding: 0 1rem; line-height: 1.45; }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; }
td { white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
code { background: #f4f4f4; padding: 1px 4px; overflow-wrap: anywhere; }
figure { margin: 1.5rem 0; max-width: 100%; }
figcaption { font-weight: 600; margin-bottom: .25rem; }
</style>
</head>
<body>
<h1>Simulation: ${escapeHtml(summary.scenario)}</h1>
<p>${summary.customers.toLocaleString("en-US")} customers per run, ${summary.seeds} seeds, the same customer streams
for every policy. Regret is pseudo-regret: Σ over decisions of (p*<sub>stage</sub> − p<sub>chosen</sub>) at the moment
of each decision, counted for the customer it was made for. Reproduce with <code>${escapeHtml(meta.command)}</code>
(${(meta.elapsedMs / 1000).toFixed(1)} s).</p>
<h2>Policies</h2>
${htmlTable(
  ["policy", "regret (mean ± se)", "customers won (mean ± se)", "regret / Lai–Robbins"],
  names.map((name) => {
    const p = summary.policies[name]!;
    const ratio = p.regretOverLaiRobbins === null ? "–" : p.regretOverLaiRobbins.toFixed(2);
    return [name, meanSe(p.regret), meanSe(p.won), ratio];
  }),
)}
${await chart("Cumulative regret by week of arrival", "week", "regret", series("weeks", "weeklyRegret"))}
${await chart("Conversion per week of arrival (share won)", "week", "won", series("weeks", "weeklyConversion"), true)}
${await chart("Cumulative regret over the customers", "customers (arrival order)", "regret", series("customers", "regret"))}
<h2>Best-arm share</h2>
<p>Per stage, the share of its decisions that went to the arm that was best at that moment.</p>
${htmlTable(
  ["stage", ...names],
  stages.map((stage) => [stage, ...names.map((name) => pct(summary.policies[name]!.bestArmShare[stage] ?? 0))]),
)}
${meta.weekly ? weeklySection(summary) : ""}
<h2>Stages</h2>
<p>T·(p* − p̄) is the regret uniform rotation would expect on the same decisions.</p>
${htmlTable(
  ["stage", "policy", "decisions", "regret (mean ± se)", "T·(p* − p̄)"],
  stages.flatMap((stage) =>
    names.map((name) => {
      const s = summary.stages[stage]![name]!;
      return [stage, name, s.decisions.mean.toFixed(0), meanSe(s.regret), s.uniformRegret.mean.toFixed(1)];
    }),
  ),
)}
<h2>Decision quality</h2>
<p>The verdict (issue 4's rules) looked at once a simulated day in every stage. An experiment is one stage in one
seed. The verdict counted ${
    summary.decisionQuality.counts === "matured"
      ? "only assignments whose window had closed"
      : "every resolved outcome, as the product does"
  }.${summary.decisionQuality.aa ? " This is an A/A scenario: every named winner is a false one." : ""}</p>
${htmlTable(
  ["policy", "experiments", "named a winner", "named a wrong winner"],
  names.map((name) => {
    const q = summary.decisionQuality.policies[name]!;
    return [name, String(q.experiments), pct(q.namedWinnerRate), pct(q.wrongWinnerRate)];
  }),
)}
</body>
</html>
`;
}

/**
 * Conversion per simulated week of arrival as a table, per policy (the chart above
 * draws the same figures), and what reflection did.
 */
function weeklySection(summary: SimulationSummary): string {
  const names = Object.keys(summary.weeklyConversion);
  const weeks = Math.max(0, ...names.map((name) => summary.weeklyConversion[name]!.length));
  const rows = Array.from({ length: weeks }, (_, w) => [
    String(w + 1),
    ...names.map((name) => {
      const value = summary.weeklyConversion[name]![w];
      return value === undefined ? "–" : pct(value);
    }),
  ]);
  const notes = Object.entries(summary.reflection)
    .map(
      ([name, r]) =>
        `<p>${escapeHtml(name)}: per run ${r.proposed.toFixed(1)} proposals, ${r.graduated.toFixed(1)} graduated, ` +
        `${r.retired.toFixed(1)} retired automatically, ${r.retiredForRoom.toFixed(1)} retired for max_arms.</p>`,
    )
    .join("\n");
  return `<h2>Conversion per simulated week</h2>\n${htmlTable(["week", ...names], rows)}\n${notes}`;
}

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`).join("\n");
  return `<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

function meanSe(value: MeanSe): string {
  return `${value.mean.toFixed(1)} ± ${value.se.toFixed(1)}`;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
