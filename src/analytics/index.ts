/**
 * @module
 * Analytics: what happened, turned into statistics and reports. The experiment
 * report (verdicts, SRM, per-arm posteriors and weights), off-policy evaluation
 * of other policies from the logged propensities, and their text tables.
 */

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
// off-policy evaluation
export type { PolicySpec, PolicyWeights, StagePolicyEvaluation } from "./policy-evaluation.js";
export { evaluateStagePolicy, policyWeightsSchema, WEIGHTS_SUM_TOLERANCE } from "./policy-evaluation.js";
