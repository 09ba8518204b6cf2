/**
 * The weekly report job's work: build the report of the last full week in the
 * shop's time zone and deliver it (files in the reports folder, the webhook
 * when set). Scheduling lives in src/jobs.ts; this never throws for a delivery
 * problem, only when the report itself cannot be built.
 * @module
 */

import { deliverWeeklyReport, type ReportDeliveryOptions, type ReportDeliveryResult } from "./report-delivery.js";
import { lastFullWeek } from "./report-period.js";
import { buildWeeklyReport, type WeeklyReportDeps } from "./weekly-report.js";

/** What one run did: the period reported and how delivery went. */
export interface WeeklyReportRun extends ReportDeliveryResult {
  from: string;
  to: string;
  nextActions: number;
  narrative: string;
}

/**
 * Builds and delivers the report of the last full week (Monday to Monday) before now.
 * @throws when the report cannot be built (the database is unreachable, say).
 */
export async function runWeeklyReport(
  deps: WeeklyReportDeps,
  delivery: ReportDeliveryOptions,
): Promise<WeeklyReportRun> {
  const period = lastFullWeek(deps.clock.now(), deps.timeZone);
  const report = await buildWeeklyReport(deps, period);
  const delivered = await deliverWeeklyReport(report, delivery);
  return {
    from: report.period.from,
    to: report.period.to,
    nextActions: report.nextActions.length,
    narrative: report.narrative.status,
    ...delivered,
  };
}
