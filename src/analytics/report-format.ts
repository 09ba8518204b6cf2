/**
 * How the report's figures read in HTML and Markdown alike: counts, rates,
 * money, durations, the change against the period before, and the words for
 * "no data" (`–`) and "not tracked by this version" (`not tracked yet`).
 * @module
 */
import type { Metric, WeeklyReport } from "./weekly-report-schema.js";

/** What a figure the version does not record reads as; never a made-up 0. */
export const NOT_TRACKED = "not tracked yet";
/** What a tracked figure with no data in the period reads as. */
export const NO_DATA = "–";

/** How to show one kind of figure. */
export type FigureKind = "count" | "rate" | "money" | "seconds" | "hours";

/** A value of `kind`, or {@link NO_DATA}. */
export function formatValue(value: number | null, kind: FigureKind): string {
  if (value === null) return NO_DATA;
  switch (kind) {
    case "count":
      return Math.round(value).toLocaleString("en-US");
    case "rate":
      return `${(value * 100).toFixed(1)}%`;
    case "money":
      return value.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    case "seconds":
      return `${value.toFixed(1)} s`;
    case "hours":
      return `${value.toFixed(1)} h`;
  }
}

/** The change against the period before: `+3`, `−2.5 pts`, `±0`, or empty when unknown. */
export function formatDelta(m: Metric, kind: FigureKind): string {
  if (m.delta === null) return "";
  if (m.delta === 0) return "±0";
  const sign = m.delta > 0 ? "+" : "−";
  const size = Math.abs(m.delta);
  if (kind === "rate") return `${sign}${(size * 100).toFixed(1)} pts`;
  return `${sign}${formatValue(size, kind)}`;
}

/** `value (delta vs before)` for one metric, or {@link NOT_TRACKED} when the metric is null. */
export function formatMetric(m: Metric | null, kind: FigureKind): string {
  if (m === null) return NOT_TRACKED;
  const delta = formatDelta(m, kind);
  return delta === "" ? formatValue(m.value, kind) : `${formatValue(m.value, kind)} (${delta})`;
}

/** The report's period as `2026-11-23 → 2026-11-30 (Europe/Madrid)`, dates in the shop's zone. */
export function formatPeriod(period: WeeklyReport["period"]): string {
  const day = (iso: string) =>
    new Intl.DateTimeFormat("en-CA", { timeZone: period.timeZone, dateStyle: "short" }).format(new Date(iso));
  return `${day(period.from)} → ${day(period.to)} (${period.timeZone})`;
}

/** The service figures in display order: label, metric, kind, and the plan's target when it sets one. */
export function serviceRows(service: WeeklyReport["service"]): [string, Metric | null, FigureKind, string][] {
  const t = service.targets;
  const llm = service.llm;
  return [
    ["Send success rate", service.sendSuccessRate, "rate", `> ${formatValue(t.sendSuccessRate, "rate")}`],
    ["Messages sent", service.messagesSent, "count", ""],
    ["Send failures", service.sendFailures, "count", ""],
    ["Reply latency p50", service.replyLatencyP50Seconds, "seconds", ""],
    ["Reply latency p95", service.replyLatencyP95Seconds, "seconds", `< ${t.replyLatencySeconds} s`],
    ["First response (median)", service.firstResponseP50Seconds, "seconds", ""],
    ["Conversations", service.conversations, "count", ""],
    ["Automation rate", service.automationRate, "rate", `> ${formatValue(t.automationRate, "rate")}`],
    ["Human takeovers", service.humanTakeovers, "count", ""],
    ["Human requested", service.humanRequested, "count", ""],
    ["Opt-outs", service.optOuts, "count", ""],
    ["LLM calls", llm?.calls ?? null, "count", ""],
    ["LLM fallbacks", llm?.fallbacks ?? null, "count", ""],
    ["LLM tokens", llm?.tokens ?? null, "count", ""],
    ["LLM cost (USD)", llm?.costUsd ?? null, "money", ""],
    ["LLM cost per won customer (USD)", llm?.costPerWonCustomerUsd ?? null, "money", ""],
  ];
}

/** The verdict in the shop owner's words. */
export function verdictText(stage: WeeklyReport["experiments"]["stages"][number]): string {
  if (stage.verdict === "winner") return `winner: ${stage.winner ?? "?"}`;
  if (stage.verdict === "no_winner_yet") return "no winner yet";
  return "collecting evidence";
}
