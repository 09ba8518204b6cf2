/**
 * @module
 * Experiments: the per-stage Thompson-sampling bandit (pure math in `math/`),
 * arms and their statuses, assignment, attribution of outcomes, decisions,
 * promotion and retirement, the SRM guard, and the scheduled jobs that keep
 * them current. Reports and off-policy evaluation are in `src/analytics`.
 */

// the engine's cache of arms and policies
export type { ArmPolicyView } from "./arm-policy-cache.js";
export { ArmPolicyCache } from "./arm-policy-cache.js";
// arms, assignment, attribution (one module each, in file order)
export type { Arm, ArmSyncResult, LoadedVariantVersion } from "./arms.js";
export {
  activeArms,
  allArms,
  armKey,
  loadedVersionsOf,
  NO_TRAFFIC_STATUSES,
  parseArmKey,
  syncArms,
} from "./arms.js";
export type { AssignmentResult, AssignRequest } from "./assignment.js";
export { assignOnEntry } from "./assignment.js";
export type { AttributionEvent, PendingAssignment, Resolution } from "./attribution.js";
export { attribute } from "./attribution.js";
// the lifecycle of candidates (graduation, automatic retirement, max_arms) over the store
export type { CandidateLifecycleResult, RoomResult } from "./candidate-lifecycle.js";
export { applyCandidateReviews, makeRoomInStage, SYSTEM_ACTOR } from "./candidate-lifecycle.js";
// the experiment trail (promotions, graduations, retirements, SRM alarms and acknowledgements)
export type { ExperimentEventKind, NewExperimentEvent } from "./experiment-events.js";
export { experimentEventsOf, latestExperimentEvent, recordExperimentEvent } from "./experiment-events.js";
// what the experiments need of the playbooks
export type { ExperimentPlaybooks } from "./experiment-playbooks.js";
// the service
export type {
  ExperimentsService,
  ExperimentsServiceDeps,
  OutcomeHook,
  SrmAcknowledgement,
  StageJobStatus,
} from "./experiments-service.js";
export { createExperimentsService } from "./experiments-service.js";
// pure math
export * from "./math/index.js";
// outcomes, policy updates, promotion, the SRM guard, settings, tallies, window expiry
export type { OutcomeReport, OutcomeResult } from "./outcomes.js";
export { recordOutcome, resolveOnAdvance } from "./outcomes.js";
export type { ArmCounts, PolicyReason } from "./policy-update.js";
export { resolvedCounts, updateStagePolicy } from "./policy-update.js";
export type { ArmChangeOptions, ArmChangeResult, PromoteOptions } from "./promotion.js";
export { armChangeSummary, promoteArm, RETIRED_ARMS_KEEP_CUSTOMERS, retireArm } from "./promotion.js";
// the weekly reflection and the review of its candidates
export * from "./reflection/index.js";
export type { SrmState, StageSrm } from "./srm-guard.js";
export { formatP, guardSrm, srmState, stageSrm } from "./srm-guard.js";
export type { StageSettings } from "./stage-settings.js";
export { DAY_MS, HOUR_MS, WEEK_MS } from "./stage-settings.js";
export type { ArmTally, AssignmentBalance } from "./stage-tallies.js";
export { assignmentBalance, stageArmTallies } from "./stage-tallies.js";
export type { JudgedArm, StageEvidence, SuccessCounts } from "./stage-verdict.js";
export { clampUnit, stageEvidence, VERDICT_SEED } from "./stage-verdict.js";
export type { ExpiryResult } from "./window-expiry.js";
export { expireWindows } from "./window-expiry.js";
