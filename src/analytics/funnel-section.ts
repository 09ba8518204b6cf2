/**
 * The report's funnel: per stage the customers who entered it in the period,
 * how many moved on (as known at the period's end), the conversion, those still
 * undecided and the median time to move on; won, lost and quiet customers; and
 * the conversion of each of the last weeks' arrivals. Pure over the loaded rows.
 * @module
 */

import type { ReportPeriod } from "./report-period.js";
import {
  type AssignmentFact,
  inSpan,
  quantile,
  type ReportRows,
  ratio,
  type Span,
  spansOf,
  TREND_WEEKS,
  WEEK,
} from "./report-rows.js";
import { type FunnelStage, metric, type WeeklyReport } from "./weekly-report-schema.js";

const HOUR = 3_600_000;

/** The funnel section, but `newCustomers` (counted by the caller from the customers table). */
export function funnelSection(
  rows: ReportRows,
  stages: readonly string[],
  period: ReportPeriod,
  newCustomers: { current: number; previous: number },
): WeeklyReport["funnel"] {
  const { current, previous } = spansOf(period);
  const distinctOutcomes = (kind: string, span: Span) =>
    new Set(rows.outcomes.filter((o) => o.outcome === kind && inSpan(o.at, span)).map((o) => o.customerId)).size;
  const quiet = (span: Span) =>
    rows.assignments.filter((a) => a.resolution === "window_expired" && inSpan(a.resolvedAt, span)).length;
  return {
    stages: stages.map((stage) => stageFigures(rows.assignments, stage, current, previous)),
    newCustomers: metric(newCustomers.current, newCustomers.previous),
    won: metric(distinctOutcomes("won", current), distinctOutcomes("won", previous)),
    lost: metric(distinctOutcomes("lost", current), distinctOutcomes("lost", previous)),
    wentQuiet: metric(quiet(current), quiet(previous)),
    weekly: weeklyConversion(rows, stages[0], period.to),
  };
}

function stageFigures(
  assignments: readonly AssignmentFact[],
  stage: string,
  current: Span,
  previous: Span,
): FunnelStage {
  const figures = (span: Span) => {
    const entered = assignments.filter((a) => a.stage === stage && inSpan(a.assignedAt, span));
    // What was known at the span's end: a move recorded later does not rewrite last week's figures.
    const moved = entered.filter((a) => a.status === "success" && a.resolvedAt !== null && a.resolvedAt < span.to);
    const decided = entered.filter((a) => a.status !== "pending" && a.resolvedAt !== null && a.resolvedAt < span.to);
    return {
      entered: entered.length,
      moved: moved.length,
      pending: entered.length - decided.length,
      medianHours: quantile(
        moved.map((a) => ((a.resolvedAt ?? a.assignedAt) - a.assignedAt) / HOUR),
        0.5,
      ),
    };
  };
  const now = figures(current);
  const before = figures(previous);
  return {
    stage,
    entered: metric(now.entered, before.entered),
    movedOn: metric(now.moved, before.moved),
    conversion: metric(ratio(now.moved, now.entered), ratio(before.moved, before.entered)),
    pending: now.pending,
    medianHoursInStage: metric(now.medianHours, before.medianHours),
  };
}

/** Per week of arrival (weeks ending at `to`), customers entering the first stage and how many were won by `to`. */
function weeklyConversion(
  rows: ReportRows,
  firstStage: string | undefined,
  to: number,
): WeeklyReport["funnel"]["weekly"] {
  const wonJourneys = new Set(
    rows.assignments.filter((a) => a.resolution === "won").map((a) => `${a.customerId}|${a.journey}`),
  );
  const wonTimes = new Map<string, number[]>();
  for (const o of rows.outcomes.filter((o) => o.outcome === "won")) {
    wonTimes.set(o.customerId, [...(wonTimes.get(o.customerId) ?? []), o.at]);
  }
  const entries = rows.assignments.filter((a) => a.stage === firstStage);
  const isWon = (a: AssignmentFact) =>
    wonJourneys.has(`${a.customerId}|${a.journey}`) ||
    (wonTimes.get(a.customerId) ?? []).some((t) => t >= a.assignedAt);
  return Array.from({ length: TREND_WEEKS }, (_, i) => {
    const span = { from: to - (TREND_WEEKS - i) * WEEK, to: to - (TREND_WEEKS - i - 1) * WEEK };
    const entered = entries.filter((a) => inSpan(a.assignedAt, span));
    const won = entered.filter(isWon).length;
    return {
      weekStart: new Date(span.from).toISOString(),
      entered: entered.length,
      won,
      conversion: ratio(won, entered.length),
    };
  });
}
