/**
 * The Vega-Lite specifications of the report's charts, built from the report's
 * JSON: the funnel, conversion per week, each stage's arm rates with their 95 %
 * intervals, revenue per arm, what customers talk about, and the service
 * figures against the plan's targets. Each is {@link CHART_WIDTH} px wide in
 * all, so it fits a 390 px phone unscaled and sits beside the others on a wide
 * screen.
 * @module
 */
import type { TopLevelSpec } from "vega-lite";
import type { WeeklyReport } from "./weekly-report-schema.js";

/**
 * Whole width of every report chart, px, labels and legend included (vega's
 * `fit-x` shrinks the plot to make room): fits a 390 px phone unscaled.
 */
export const CHART_WIDTH = 340;
const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const PERCENT = { format: ".0%" };
const COLORS = { main: "#1b7f3b", previous: "#9aa5b1", lost: "#b54708", target: "#222" };

/** Customers entering each stage this period and the period before, stages in funnel order. */
export function funnelChartSpec(funnel: WeeklyReport["funnel"]): TopLevelSpec {
  const stages = funnel.stages.map((s) => s.stage);
  const values = [
    ...funnel.stages.flatMap((s) => [
      { stage: s.stage, period: "this period", customers: s.entered.value ?? 0 },
      { stage: s.stage, period: "period before", customers: s.entered.previous ?? 0 },
    ]),
    { stage: "won", period: "this period", customers: funnel.won.value ?? 0 },
    { stage: "won", period: "period before", customers: funnel.won.previous ?? 0 },
  ];
  return {
    $schema: SCHEMA,
    title: "Customers entering each stage",
    width: CHART_WIDTH,
    data: { values },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "stage", type: "nominal", sort: [...stages, "won"], title: null },
      yOffset: { field: "period", sort: ["this period", "period before"] },
      x: { field: "customers", type: "quantitative", title: "customers", axis: { tickMinStep: 1 } },
      color: {
        field: "period",
        type: "nominal",
        sort: ["this period", "period before"],
        scale: { range: [COLORS.main, COLORS.previous] },
        title: null,
      },
    },
  };
}

/** Share of each week's new customers who were won, with the number who arrived. */
export function weeklyConversionSpec(weekly: WeeklyReport["funnel"]["weekly"]): TopLevelSpec {
  const values = weekly.map((w) => ({ week: w.weekStart.slice(0, 10), conversion: w.conversion, entered: w.entered }));
  return {
    $schema: SCHEMA,
    title: "Conversion per week of arrival",
    width: CHART_WIDTH,
    height: 160,
    data: { values },
    mark: { type: "line", point: true, strokeWidth: 2, color: COLORS.main, tooltip: true },
    encoding: {
      x: { field: "week", type: "ordinal", title: "week starting", axis: { labelAngle: -45 } },
      y: { field: "conversion", type: "quantitative", title: "won", axis: PERCENT, scale: { domainMin: 0 } },
    },
  };
}

/** A stage's arms: posterior mean and 95 % credible interval of the success rate, with P(best) as a label. */
export function armIntervalsSpec(stage: WeeklyReport["experiments"]["stages"][number]): TopLevelSpec {
  const values = stage.arms.map((a) => ({
    arm: a.arm,
    rate: a.rate,
    lower: a.lower,
    upper: a.upper,
    label: a.pBest === null ? a.status : `best ${Math.round(a.pBest * 100)}%`,
  }));
  const y = { field: "arm", type: "nominal" as const, title: null, sort: values.map((v) => v.arm) };
  return {
    $schema: SCHEMA,
    title: `${stage.stage}: success rate with its 95% interval`,
    width: CHART_WIDTH,
    height: { step: 30 },
    data: { values },
    encoding: { y },
    layer: [
      {
        mark: { type: "rule", strokeWidth: 3, color: COLORS.previous },
        encoding: {
          x: { field: "lower", type: "quantitative", title: "success rate", axis: PERCENT, scale: { domain: [0, 1] } },
          x2: { field: "upper" },
        },
      },
      {
        mark: { type: "point", filled: true, size: 80, color: COLORS.main, tooltip: true },
        encoding: { x: { field: "rate", type: "quantitative" } },
      },
      {
        mark: { type: "text", align: "center", dy: -11, fontSize: 11, color: "#333" },
        encoding: { x: { field: "rate", type: "quantitative" }, text: { field: "label" } },
      },
    ],
  };
}

/**
 * Revenue of the won customers per arm on their path, in the currency with the
 * most revenue (amounts in different currencies do not add up), coloured by
 * stage; won customers per period when no revenue was recorded.
 */
export function salesChartSpec(sales: WeeklyReport["sales"]): TopLevelSpec {
  const main = [...sales.revenue].sort((a, b) => (b.revenue.value ?? 0) - (a.revenue.value ?? 0))[0]?.currency;
  const rows = sales.revenueByArm.filter((r) => r.currency === main);
  if (rows.length > 0) {
    return {
      $schema: SCHEMA,
      title: `Revenue by strategy on the customers' path (${main ?? "no currency"})`,
      width: CHART_WIDTH,
      data: { values: rows.map((r) => ({ arm: r.arm, stage: r.stage, revenue: r.revenue, customers: r.customers })) },
      mark: { type: "bar", tooltip: true },
      encoding: {
        y: { field: "arm", type: "nominal", title: null, sort: "-x" },
        x: { field: "revenue", type: "quantitative", title: "revenue" },
        color: { field: "stage", type: "nominal", title: null, sort: [...new Set(rows.map((r) => r.stage))] },
      },
    };
  }
  return periodBars("Won customers", [
    { figure: "won customers", period: "this period", value: sales.wonCustomers.value ?? 0 },
    { figure: "won customers", period: "period before", value: sales.wonCustomers.previous ?? 0 },
  ]);
}

/** Top interests and concerns of won and lost customers, and the reasons given for losses. */
export function customersChartSpec(customers: WeeklyReport["customers"]): TopLevelSpec {
  const rows = (group: "won" | "lost", kind: "interests" | "concerns") =>
    customers[group][kind].map((t) => ({
      topic: `${kind === "interests" ? "wants" : "worries"}: ${t.name}`,
      group,
      count: t.count,
    }));
  const values = [
    ...rows("won", "interests"),
    ...rows("lost", "interests"),
    ...rows("won", "concerns"),
    ...rows("lost", "concerns"),
  ];
  return {
    $schema: SCHEMA,
    title: "What won and lost customers talked about",
    width: CHART_WIDTH,
    data: { values },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "topic", type: "nominal", title: null },
      yOffset: { field: "group", sort: ["won", "lost"] },
      x: { field: "count", type: "quantitative", title: "customers", axis: { tickMinStep: 1 } },
      color: {
        field: "group",
        type: "nominal",
        sort: ["won", "lost"],
        scale: { domain: ["won", "lost"], range: [COLORS.main, COLORS.lost] },
        title: null,
      },
    },
  };
}

/** The service rates (sends accepted, conversations without takeover) against the plan's targets. */
export function serviceChartSpec(service: WeeklyReport["service"]): TopLevelSpec {
  const values = [
    { figure: "messages sent", rate: service.sendSuccessRate.value, target: service.targets.sendSuccessRate },
    { figure: "automated", rate: service.automationRate.value, target: service.targets.automationRate },
  ].filter((v) => v.rate !== null);
  return {
    $schema: SCHEMA,
    title: "Service against the plan's targets",
    width: CHART_WIDTH,
    data: { values },
    encoding: { y: { field: "figure", type: "nominal", title: null } },
    layer: [
      {
        mark: { type: "bar", color: COLORS.main, tooltip: true },
        encoding: {
          x: {
            field: "rate",
            type: "quantitative",
            title: "share (tick: target)",
            axis: PERCENT,
            scale: { domain: [0, 1] },
          },
        },
      },
      {
        mark: { type: "tick", color: COLORS.target, thickness: 2, size: 24 },
        encoding: { x: { field: "target", type: "quantitative" } },
      },
    ],
  };
}

function periodBars(title: string, values: { figure: string; period: string; value: number }[]): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title,
    width: CHART_WIDTH,
    data: { values },
    mark: { type: "bar", tooltip: true },
    encoding: {
      y: { field: "period", type: "nominal", title: null, sort: ["this period", "period before"] },
      x: { field: "value", type: "quantitative", title: values[0]?.figure ?? "", axis: { tickMinStep: 1 } },
      color: {
        field: "period",
        type: "nominal",
        legend: null,
        sort: ["this period", "period before"],
        scale: { range: [COLORS.main, COLORS.previous] },
      },
    },
  };
}
