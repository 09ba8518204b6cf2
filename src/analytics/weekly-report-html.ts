/**
 * The weekly report as HTML: an embeddable fragment (the dashboard's overview)
 * or a standalone page (the file the weekly job writes). Every section holds
 * its chart as inline SVG rendered on the server; tables sit in scrolling
 * wrappers so the page itself never overflows, at 1,280 px or on a phone.
 * @module
 */
import { renderChartFigure } from "./chart-render.js";
import {
  armIntervalsSpec,
  customersChartSpec,
  funnelChartSpec,
  salesChartSpec,
  serviceChartSpec,
  weeklyConversionSpec,
} from "./chart-specs.js";
import { escapeHtml as esc } from "./html-escape.js";
import {
  type FigureKind,
  formatMetric,
  formatPeriod,
  formatValue,
  NOT_TRACKED,
  serviceRows,
  verdictText,
} from "./report-format.js";
import type { Metric, WeeklyReport } from "./weekly-report-schema.js";

/** How to render. */
export interface WeeklyReportHtmlOptions {
  /** A whole page with its styles (true) or a fragment inside `<div class="closer-report">` (false). */
  standalone: boolean;
}

/** The report's styles, scoped to `.closer-report`; a page embedding the fragment includes them once. */
export const WEEKLY_REPORT_CSS = `
.closer-report { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; line-height: 1.45; max-width: 60rem; }
.closer-report section { margin: 0 0 2rem; }
.closer-report h2 { font-size: 1.25rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
.closer-report h3 { font-size: 1.05rem; margin: 1.25rem 0 .5rem; }
.closer-report .charts { display: flex; flex-wrap: wrap; gap: 1rem 2rem; }
.closer-report figure { margin: .5rem 0; max-width: 100%; }
.closer-report figure svg { max-width: 100%; height: auto; }
.closer-report figcaption { font-weight: 600; font-size: .95rem; margin-bottom: .25rem; }
.closer-report .table-wrap { max-width: 100%; overflow-x: auto; }
.closer-report table { border-collapse: collapse; margin: .5rem 0; font-size: .95rem; }
.closer-report th, .closer-report td { border-bottom: 1px solid #e3e3e3; padding: 4px 8px; text-align: right; }
.closer-report th:first-child, .closer-report td:first-child { text-align: left; }
.closer-report .delta { color: #666; font-size: .85em; white-space: nowrap; }
.closer-report .untracked { color: #888; font-style: italic; }
.closer-report .actions li { margin: .25rem 0; }
`;

/** Renders the report; charts are rendered to SVG here (hence async). */
export async function renderWeeklyReportHtml(report: WeeklyReport, options: WeeklyReportHtmlOptions): Promise<string> {
  const body = [
    summarySection(report),
    await funnelSection(report),
    await salesSection(report),
    await experimentsSection(report),
    await customersSection(report),
    await serviceSection(report),
    followUpsSection(report),
    alertsSection(report),
  ].join("\n");
  const fragment = `<div class="closer-report">\n${body}\n</div>`;
  if (!options.standalone) return fragment;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Closer weekly report ${esc(formatPeriod(report.period))}</title>
<style>body { margin: 1.5rem auto; padding: 0 1rem; max-width: 62rem; }${WEEKLY_REPORT_CSS}</style>
</head>
<body>
<h1>Weekly sales report</h1>
${fragment}
</body>
</html>
`;
}

function summarySection(report: WeeklyReport): string {
  const n = report.narrative;
  const narrative =
    n.status === "written" && n.text !== null
      ? `<p class="narrative">${esc(n.text)}</p>`
      : n.status === "not_configured"
        ? ""
        : `<p class="untracked">No written summary this week (${esc(n.reason ?? n.status)}).</p>`;
  const actions =
    report.nextActions.length === 0
      ? "<p>Nothing needs your attention this week.</p>"
      : `<ol class="actions">${report.nextActions.map((a) => `<li>${esc(a.text)}</li>`).join("")}</ol>`;
  return `<section id="report-summary">
<p>${esc(formatPeriod(report.period))}, compared with the ${days(report)} before.</p>
${narrative}
<h2>What to do next</h2>
${actions}
</section>`;
}

async function funnelSection(report: WeeklyReport): Promise<string> {
  const f = report.funnel;
  const rows = f.stages.map((s) => [
    esc(s.stage),
    cell(s.entered, "count"),
    cell(s.movedOn, "count"),
    cell(s.conversion, "rate"),
    String(s.pending),
    cell(s.medianHoursInStage, "hours"),
  ]);
  return `<section id="report-funnel">
<h2>Funnel</h2>
<p>New customers ${cell(f.newCustomers, "count")} · won ${cell(f.won, "count")} · lost ${cell(f.lost, "count")} · went quiet ${cell(f.wentQuiet, "count")}</p>
<div class="charts">${await renderChartFigure(funnelChartSpec(f))}${await renderChartFigure(weeklyConversionSpec(f.weekly))}</div>
${table(["stage", "entered", "moved on", "conversion", "undecided", "median time to move on"], rows)}
</section>`;
}

async function salesSection(report: WeeklyReport): Promise<string> {
  const s = report.sales;
  const revenue =
    s.revenue.length === 0
      ? "<p>No order values were recorded in either period.</p>"
      : table(
          ["currency", "revenue", "orders", "average order"],
          s.revenue.map((r) => [
            esc(r.currency ?? "(none)"),
            cell(r.revenue, "money"),
            cell(r.orders, "count"),
            cell(r.averageOrderValue, "money"),
          ]),
        );
  return `<section id="report-sales">
<h2>Sales</h2>
<p>Won customers ${cell(s.wonCustomers, "count")}</p>
<div class="charts">${await renderChartFigure(salesChartSpec(s))}</div>
${revenue}
</section>`;
}

async function experimentsSection(report: WeeklyReport): Promise<string> {
  const e = report.experiments;
  const stages: string[] = [];
  for (const stage of e.stages) {
    const srm = stage.srm.alarm ? " · traffic split alarm (SRM): weights frozen" : "";
    stages.push(`<h3>${esc(stage.stage)}: ${esc(verdictText(stage))}${esc(srm)}</h3>
<div class="charts">${await renderChartFigure(armIntervalsSpec(stage))}</div>
${table(
  ["strategy", "status", "rate (95% interval)", "chance it is best", "weight", "early wins", "new this period"],
  stage.arms.map((a) => [
    `<span title="arm">${esc(a.arm)}</span>`,
    esc(a.status),
    `${formatValue(a.rate, "rate")} (${formatValue(a.lower, "rate")}–${formatValue(a.upper, "rate")})`,
    a.pBest === null ? "–" : formatValue(a.pBest, "rate"),
    formatValue(a.weight, "rate"),
    String(a.earlyWins),
    String(a.assignedInPeriod),
  ]),
)}`);
  }
  const changes =
    e.changes.length === 0
      ? "<p>No promotions, retirements or new strategies in this period.</p>"
      : `<ul>${e.changes.map((c) => `<li>${esc(`${c.at.slice(0, 10)} ${c.stage}: ${c.kind}${c.arm ? ` ${c.arm}` : ""}${c.reason ? ` (${c.reason})` : ""} by ${c.actor}`)}</li>`).join("")}</ul>`;
  const proposals =
    e.reflectionProposals.length === 0
      ? "<p>Reflection proposed no new strategies in this period.</p>"
      : `<ul>${e.reflectionProposals.map((p) => `<li>${esc(`${p.stage}: ${p.arm} (${p.status})`)}</li>`).join("")}</ul>`;
  return `<section id="report-experiments">
<h2>Experiments</h2>
${stages.join("\n")}
<h3>Changes</h3>
${changes}
${proposals}
</section>`;
}

async function customersSection(report: WeeklyReport): Promise<string> {
  const c = report.customers;
  const list = (items: { name: string; count: number }[]) =>
    items.length === 0 ? "none" : items.map((t) => `${esc(t.name)} (${t.count})`).join(", ");
  const sources = c.sources === null ? `<span class="untracked">${NOT_TRACKED}</span>` : list(c.sources);
  return `<section id="report-customers">
<h2>Customers</h2>
<div class="charts">${await renderChartFigure(customersChartSpec(c))}</div>
<ul>
<li>Won: ${c.won.customers} customers, ${c.won.objections} objections raised; concerns: ${list(c.won.concerns)}</li>
<li>Lost: ${c.lost.customers} customers, ${c.lost.objections} objections raised; concerns: ${list(c.lost.concerns)}</li>
<li>Lost reasons: ${list(c.lostReasons)}</li>
<li>Languages: ${list(c.languages)}</li>
<li>Sources (ad referrals): ${sources}</li>
</ul>
</section>`;
}

async function serviceSection(report: WeeklyReport): Promise<string> {
  const rows = serviceRows(report.service).map(([label, m, kind, target]) => [
    esc(label),
    m === null ? `<span class="untracked">${NOT_TRACKED}</span>` : cell(m, kind),
    esc(target),
  ]);
  return `<section id="report-service">
<h2>Service</h2>
<div class="charts">${await renderChartFigure(serviceChartSpec(report.service))}</div>
${table(["figure", "this period (change)", "target"], rows)}
</section>`;
}

function followUpsSection(report: WeeklyReport): string {
  const rows = report.followUps ?? [];
  const body =
    report.followUps === undefined
      ? `<p class="untracked">Follow-ups: ${NOT_TRACKED}.</p>`
      : rows.length === 0
        ? "<p>No follow-ups in this period.</p>"
        : table(
            ["stage", "arm", "sent", "answered within 24 h", "opt-outs after", "opt-out rate", "skipped"],
            rows.map((f) => [
              esc(f.stage),
              esc(f.arm),
              String(f.sent),
              String(f.answered),
              String(f.optOuts),
              f.optOutRate === null ? "—" : `${(f.optOutRate * 100).toFixed(1)}%`,
              String(f.skipped),
            ]),
          );
  return `<section id="report-follow-ups">
<h2>Follow-ups</h2>
${body}
</section>`;
}

function alertsSection(report: WeeklyReport): string {
  const body =
    report.alerts === null
      ? `<p class="untracked">Alerts: ${NOT_TRACKED}.</p>`
      : report.alerts.length === 0
        ? "<p>No alerts in this period.</p>"
        : `<ul>${report.alerts.map((a) => `<li>${esc(a.kind)}: ${a.count}</li>`).join("")}</ul>`;
  return `<section id="report-alerts">\n<h2>Alerts</h2>\n${body}\n</section>`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const head = header.map((h) => `<th>${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join("")}</tr>`).join("\n");
  return `<div class="table-wrap"><table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

/** A metric as a table cell: the value, then the change in a smaller span. */
function cell(m: Metric, kind: FigureKind): string {
  const text = formatMetric(m, kind);
  const open = text.indexOf(" (");
  return open < 0 ? esc(text) : `${esc(text.slice(0, open))} <span class="delta">${esc(text.slice(open + 1))}</span>`;
}

function days(report: WeeklyReport): string {
  const n = Math.round((Date.parse(report.period.to) - Date.parse(report.period.from)) / 86_400_000);
  return n === 7 ? "week" : `${n} days`;
}
