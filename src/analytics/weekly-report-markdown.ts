/**
 * The weekly report as Markdown (for a chat, an e-mail or a wiki): the same
 * sections and figures as the HTML, as tables and lists, without charts.
 * @module
 */
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

/** Renders the report as Markdown. */
export function renderWeeklyReportMarkdown(report: WeeklyReport): string {
  const out: string[] = [`# Weekly sales report`, "", `${formatPeriod(report.period)}`, ""];
  if (report.narrative.status === "written" && report.narrative.text !== null) out.push(report.narrative.text, "");
  out.push("## What to do next", "");
  if (report.nextActions.length === 0) out.push("Nothing needs your attention this week.");
  for (const [i, a] of report.nextActions.entries()) out.push(`${i + 1}. ${md(a.text)}`);

  const f = report.funnel;
  out.push("", "## Funnel", "");
  out.push(
    `New customers ${m(f.newCustomers, "count")} · won ${m(f.won, "count")} · lost ${m(f.lost, "count")} · went quiet ${m(f.wentQuiet, "count")}`,
    "",
  );
  out.push(
    ...table(
      ["stage", "entered", "moved on", "conversion", "undecided", "median time to move on"],
      f.stages.map((s) => [
        s.stage,
        m(s.entered, "count"),
        m(s.movedOn, "count"),
        m(s.conversion, "rate"),
        String(s.pending),
        m(s.medianHoursInStage, "hours"),
      ]),
    ),
  );
  out.push(
    "",
    "Conversion per week of arrival: " +
      f.weekly
        .map((w) => `${w.weekStart.slice(0, 10)} ${formatValue(w.conversion, "rate")} of ${w.entered}`)
        .join("; "),
  );

  const s = report.sales;
  out.push("", "## Sales", "", `Won customers ${m(s.wonCustomers, "count")}`, "");
  if (s.revenue.length === 0) out.push("No order values were recorded in either period.");
  else
    out.push(
      ...table(
        ["currency", "revenue", "orders", "average order"],
        s.revenue.map((r) => [
          r.currency ?? "(none)",
          m(r.revenue, "money"),
          m(r.orders, "count"),
          m(r.averageOrderValue, "money"),
        ]),
      ),
    );
  if (s.revenueByArm.length > 0) out.push("", "Revenue by strategy on the won customers' path:", "");
  for (const r of s.revenueByArm) {
    out.push(
      `- ${r.stage} · ${r.arm}: ${formatValue(r.revenue, "money")} ${r.currency ?? ""} from ${r.customers} customers`,
    );
  }

  out.push("", "## Experiments");
  for (const stage of report.experiments.stages) {
    out.push(
      "",
      `### ${stage.stage}: ${verdictText(stage)}${stage.srm.alarm ? " (SRM alarm: weights frozen)" : ""}`,
      "",
    );
    out.push(
      ...table(
        ["strategy", "status", "rate (95% interval)", "chance it is best", "weight", "early wins", "new this period"],
        stage.arms.map((a) => [
          a.arm,
          a.status,
          `${formatValue(a.rate, "rate")} (${formatValue(a.lower, "rate")}–${formatValue(a.upper, "rate")})`,
          a.pBest === null ? "–" : formatValue(a.pBest, "rate"),
          formatValue(a.weight, "rate"),
          String(a.earlyWins),
          String(a.assignedInPeriod),
        ]),
      ),
    );
  }
  out.push("");
  for (const c of report.experiments.changes) {
    out.push(
      `- ${c.at.slice(0, 10)} ${c.stage}: ${c.kind}${c.arm ? ` ${c.arm}` : ""}${c.reason ? ` (${md(c.reason)})` : ""}`,
    );
  }
  for (const p of report.experiments.reflectionProposals)
    out.push(`- proposed by reflection: ${p.stage} ${p.arm} (${p.status})`);

  const c = report.customers;
  const list = (items: { name: string; count: number }[] | null) =>
    items === null
      ? NOT_TRACKED
      : items.length === 0
        ? "none"
        : items.map((t) => `${md(t.name)} (${t.count})`).join(", ");
  out.push("", "## Customers", "");
  out.push(
    `- Won: ${c.won.customers}; interests: ${list(c.won.interests)}; concerns: ${list(c.won.concerns)}; objections ${c.won.objections}`,
  );
  out.push(
    `- Lost: ${c.lost.customers}; interests: ${list(c.lost.interests)}; concerns: ${list(c.lost.concerns)}; objections ${c.lost.objections}`,
  );
  out.push(
    `- Lost reasons: ${list(c.lostReasons)}`,
    `- Languages: ${list(c.languages)}`,
    `- Sources (ad referrals): ${list(c.sources)}`,
  );

  out.push("", "## Service", "");
  out.push(
    ...table(
      ["figure", "this period (change)", "target"],
      serviceRows(report.service).map(([label, metric, kind, target]) => [
        label,
        metric === null ? NOT_TRACKED : m(metric, kind),
        target,
      ]),
    ),
  );

  out.push("", "## Follow-ups", "");
  if (report.followUps === undefined) out.push(`Follow-ups: ${NOT_TRACKED}.`);
  else if (report.followUps.length === 0) out.push("No follow-ups in this period.");
  else
    out.push(
      ...table(
        ["stage", "arm", "sent", "answered within 24 h", "opt-outs after", "opt-out rate", "skipped"],
        report.followUps.map((f) => [
          f.stage,
          f.arm,
          String(f.sent),
          String(f.answered),
          String(f.optOuts),
          f.optOutRate === null ? "—" : `${(f.optOutRate * 100).toFixed(1)}%`,
          String(f.skipped),
        ]),
      ),
    );

  out.push("", "## Alerts", "");
  if (report.alerts === null) out.push(`Alerts: ${NOT_TRACKED}.`);
  else if (report.alerts.length === 0) out.push("No alerts in this period.");
  else for (const a of report.alerts) out.push(`- ${a.kind}: ${a.count}`);
  return `${out.join("\n")}\n`;
}

function m(metric: Metric, kind: FigureKind): string {
  return formatMetric(metric, kind);
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `| ${header.map(() => "---").join(" | ")} |`,
    ...rows.map((r) => `| ${r.map(md).join(" | ")} |`),
  ];
}

/** Keeps a value from breaking the Markdown table or list it sits in. */
function md(text: string): string {
  return text.replaceAll("|", "\\|").replaceAll("\n", " ");
}
