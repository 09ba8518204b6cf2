/**
 * @module
 * Experiments: the per-stage Thompson-sampling bandit (pure math in `math/`),
 * arms and their statuses, assignment, attribution of outcomes, decisions,
 * promotion and retirement, and the scheduled jobs that keep them current.
 */

// pure math
export * from "./math/index.js";
// arms, assignment, outcomes
export type { Arm, ArmSyncResult, LoadedVariantVersion } from "./arms.js";
export { activeArms, allArms, armKey, syncArms } from "./arms.js";
export type { AssignmentResult, AssignRequest } from "./assignment.js";
export { assignOnEntry } from "./assignment.js";
export type { AttributionEvent, PendingAssignment, Resolution } from "./attribution.js";
export { attribute } from "./attribution.js";
export type { OutcomeReport, OutcomeResult } from "./outcomes.js";
export { recordOutcome, resolveOnAdvance } from "./outcomes.js";
export type { ArmCounts, PolicyReason } from "./policy-update.js";
export { resolvedCounts, updateStagePolicy } from "./policy-update.js";
export type { StageSettings } from "./stage-settings.js";
export { DAY_MS, HOUR_MS, WEEK_MS } from "./stage-settings.js";
export type { ExpiryResult } from "./window-expiry.js";
export { expireWindows } from "./window-expiry.js";
export type {
  ExperimentPlaybooks,
  ExperimentsService,
  ExperimentsServiceDeps,
  StageJobStatus,
} from "./experiments-service.js";
export { createExperimentsService } from "./experiments-service.js";
