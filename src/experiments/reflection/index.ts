/**
 * @module
 * The weekly reflection: an LLM reads each stage's arms (worst to best),
 * redacted won and lost conversations, the lost customers' concerns and the
 * catalog, and proposes new variants; every proposal is checked like a
 * hand-written playbook (and more) and the accepted ones are written as
 * variant files for review. Also the operator's review of those candidates.
 * The LLM is the engine's port, passed in.
 */

export type { CandidateDeps, CandidateDetail, CandidateSummary } from "./candidates.js";
export { approveCandidate, listCandidates, rejectCandidate, showCandidate } from "./candidates.js";
export { makeRoomForArm } from "./max-arms.js";
export type { PlaybookFolder } from "./playbook-folder.js";
export { memoryPlaybookFolder, nodePlaybookFolder } from "./playbook-folder.js";
export type { AcceptedProposal, ProposalContext, RejectedProposal } from "./proposal-checks.js";
export { checkProposal } from "./proposal-checks.js";
export type { Proposal } from "./proposal-schema.js";
export { proposalSchema, proposalsAnswerSchema } from "./proposal-schema.js";
export { redact } from "./redaction.js";
export type { ReflectionDeps, ReflectionOptions, ReflectionReport, StageRunReport } from "./reflection-job.js";
export { PROPOSALS_ASKED, runReflection, WEEKLY_QUOTA_PER_STAGE } from "./reflection-job.js";
export { LOCK_STALE_MS } from "./reflection-lock.js";
export { DESIGN_MOVES } from "./reflection-prompt.js";
export type { DiffRow } from "./text-diff.js";
export { formatSideBySide, sideBySideDiff } from "./text-diff.js";
export { NEAR_DUPLICATE_SIMILARITY, textSimilarity } from "./text-similarity.js";
