/**
 * @module
 * Analytics: what happened, turned into statistics and reports. The experiment
 * report (verdicts, SRM, per-arm posteriors and weights), off-policy evaluation
 * of other policies from the logged propensities, their text tables, and the
 * weekly sales report with its Vega-Lite charts rendered to SVG on the server.
 */

export { CHART_CONFIG, renderChartFigure, renderChartSvg } from "./chart-render.js";
export {
  armIntervalsSpec,
  CHART_WIDTH,
  customersChartSpec,
  funnelChartSpec,
  salesChartSpec,
  serviceChartSpec,
  weeklyConversionSpec,
} from "./chart-specs.js";
// the experiment report
export type { StageReportWithNotes } from "./experiment-report.js";
export {
  buildExperimentReport,
  buildExperimentReportWithNotes,
  buildStageReport,
  REPORT_SEED,
} from "./experiment-report.js";
export type { ArmReport, ExperimentReport, StageReport } from "./experiment-report-schema.js";
export { armReportSchema, experimentReportSchema, stageReportSchema } from "./experiment-report-schema.js";
// text tables
export { formatExperimentReport, formatPolicyEvaluation } from "./experiment-table.js";
// charts: Vega-Lite specs rendered to SVG on the server, and HTML escaping for the pages
export { escapeHtml } from "./html-escape.js";
export type { LineSeries, LinesChartOptions } from "./line-chart-spec.js";
export { linesChartSpec } from "./line-chart-spec.js";
export { llmUsageSource } from "./llm-usage-source.js";
export type { ReportFigures } from "./next-actions.js";
export {
  FALLING_CONVERSION_MIN_ENTERED,
  FALLING_CONVERSION_POINTS,
  NEAR_VERDICT_P_BEST,
  nextActions,
  RETIRE_BELOW_P_BEST,
  RETIRE_MIN_DECISIONS,
} from "./next-actions.js";
// off-policy evaluation
export type { PolicySpec, PolicyWeights, StagePolicyEvaluation } from "./policy-evaluation.js";
export { evaluateStagePolicy, policyWeightsSchema, WEIGHTS_SUM_TOLERANCE } from "./policy-evaluation.js";
// delivery and the weekly job's work
export type { ReportDeliveryOptions, ReportDeliveryResult } from "./report-delivery.js";
export {
  deliverWeeklyReport,
  REPORT_WEBHOOK_ATTEMPTS,
  REPORT_WEBHOOK_FIRST_RETRY_MS,
  reportBaseName,
} from "./report-delivery.js";
export { NO_DATA, NOT_TRACKED } from "./report-format.js";
export type { NarrativeLlm } from "./report-narrative.js";
export { numbersNotIn, writeNarrative } from "./report-narrative.js";
export type { ReportPeriod, ReportSpanRequest } from "./report-period.js";
export {
  DEFAULT_SINCE,
  lastFullWeek,
  parseReportTime,
  parseSince,
  reportPeriod,
  resolveReportSpan,
} from "./report-period.js";
export { SERVICE_TARGETS } from "./service-section.js";
export type { LlmUsage, WeeklyReportDeps, WeeklyReportSources } from "./weekly-report.js";
export { buildWeeklyReport } from "./weekly-report.js";
export type { WeeklyReportHtmlOptions } from "./weekly-report-html.js";
export { renderWeeklyReportHtml, WEEKLY_REPORT_CSS } from "./weekly-report-html.js";
export type { WeeklyReportRun } from "./weekly-report-job.js";
export { runWeeklyReport } from "./weekly-report-job.js";
export { renderWeeklyReportMarkdown } from "./weekly-report-markdown.js";
// the weekly sales report: its schema, builder, renderers, charts and period
export type {
  FunnelStage,
  Metric,
  Narrative,
  NextAction,
  WeeklyReport,
} from "./weekly-report-schema.js";
export { metric, metricSchema, nextActionSchema, weeklyReportSchema } from "./weekly-report-schema.js";
