/**
 * The `--report` page of `closer simulate`: one self-contained HTML file with the
 * tables and inline SVG charts of cumulative regret and conversion per policy.
 * @module
 */

import type { MeanSe, SimulationSummary } from "./summary.js";
import { type ChartSeries, escapeHtml, lineChart } from "./svg-chart.js";

/** Line colours per policy; unknown names cycle through the spare ones. */
const POLICY_COLORS: Record<string, string> = {
  thompson: "#1b7f3b",
  uniform: "#888888",
  "epsilon-greedy": "#c77800",
  ucb1: "#2a5db0",
  oracle: "#000000",
};
const SPARE_COLORS = ["#a23b72", "#3bb2c7", "#7a5c2e"];

/** What the page says about how it was made. */
export interface ReportMeta {
  /** The command line that reproduces the figures. */
  readonly command: string;
  readonly elapsedMs: number;
  /** Add conversion per simulated week (scenarios with a reflection block); default false. */
  readonly weekly?: boolean;
}

/** Renders the report page. */
export function renderSimulationReport(summary: SimulationSummary, meta: ReportMeta): string {
  const names = Object.keys(summary.policies);
  const color = (name: string, i: number) => POLICY_COLORS[name] ?? SPARE_COLORS[i % SPARE_COLORS.length]!;
  const series = (pick: "regret" | "conversion"): ChartSeries[] =>
    names.map((name, i) => {
      const curves = summary.curves[name]!;
      return { name, color: color(name, i), xs: curves.customers, ys: curves[pick] };
    });
  const stages = Object.keys(summary.stages);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Closer simulation: ${escapeHtml(summary.scenario)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 960px; color: #222; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border-bottom: 1px solid #ddd; padding: 4px 10px; text-align: right; white-space: nowrap; }
th:first-child, td:first-child { text-align: left; }
code { background: #f4f4f4; padding: 1px 4px; }
figure { margin: 1.5rem 0; }
</style>
</head>
<body>
<h1>Simulation: ${escapeHtml(summary.scenario)}</h1>
<p>${summary.customers.toLocaleString("en-US")} customers per run, ${summary.seeds} seeds, the same customer streams
for every policy. Regret is pseudo-regret: Σ over decisions of (p*<sub>stage</sub> − p<sub>chosen</sub>) at the moment
of each decision. Reproduce with <code>${escapeHtml(meta.command)}</code> (${(meta.elapsedMs / 1000).toFixed(1)} s).</p>
<h2>Policies</h2>
${htmlTable(
  [
    "policy",
    "regret (mean ± se)",
    "customers won (mean ± se)",
    ...stages.map((s) => `best-arm share ${s}`),
    "regret / Lai–Robbins",
  ],
  names.map((name) => {
    const p = summary.policies[name]!;
    return [
      name,
      meanSe(p.regret),
      meanSe(p.won),
      ...stages.map((s) => `${((p.bestArmShare[s] ?? 0) * 100).toFixed(1)}%`),
      p.regretOverLaiRobbins === null ? "–" : p.regretOverLaiRobbins.toFixed(2),
    ];
  }),
)}
<figure>${lineChart({ title: "Cumulative regret", xLabel: "customers (arrival order)", yLabel: "regret", series: series("regret") })}</figure>
<figure>${lineChart({
    title: "Conversion (share of each slice of customers who were won)",
    xLabel: "customers (arrival order)",
    yLabel: "won",
    series: series("conversion"),
    formatY: (v) => `${(v * 100).toFixed(1)}%`,
  })}</figure>
${meta.weekly ? weeklySection(summary, color) : ""}
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

/** Conversion per simulated week of arrival: a chart and a table, per policy, and what reflection did. */
function weeklySection(summary: SimulationSummary, color: (name: string, i: number) => string): string {
  const names = Object.keys(summary.weeklyConversion);
  const weeks = Math.max(0, ...names.map((name) => summary.weeklyConversion[name]!.length));
  const xs = Array.from({ length: weeks }, (_, w) => w + 1);
  const chart = lineChart({
    title: "Conversion per simulated week (share of that week's arrivals who were won)",
    xLabel: "week",
    yLabel: "won",
    series: names.map((name, i) => ({ name, color: color(name, i), xs, ys: summary.weeklyConversion[name]! })),
    formatY: (v) => `${(v * 100).toFixed(1)}%`,
  });
  const rows = xs.map((week) => [
    String(week),
    ...names.map((name) => {
      const value = summary.weeklyConversion[name]![week - 1];
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
  return `<h2>Week by week</h2>\n<figure>${chart}</figure>\n${htmlTable(["week", ...names], rows)}\n${notes}`;
}

function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((cell) => `<th>${escapeHtml(cell)}</th>`).join("");
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join("")}</tr>`).join("\n");
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table>`;
}

function meanSe(value: MeanSe): string {
  return `${value.mean.toFixed(1)} ± ${value.se.toFixed(1)}`;
}

function pct(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}
