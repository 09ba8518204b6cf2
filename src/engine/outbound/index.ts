/**
 * Messages the bot sends first: follow-ups to quiet customers (the runner and its
 * safety rules). The outbox sender delivers them like replies.
 * @module
 */
export type { FollowUpDecision, FollowUpLimits, FollowUpSituation } from "./follow-up-rules.js";
export { decideFollowUp } from "./follow-up-rules.js";
export type { FollowUpPass, FollowUpRunnerDeps, FollowUpSettings } from "./follow-up-runner.js";
export {
  CLOUD_WINDOW_MS,
  FOLLOW_UP_ALERT_MIN_SENT,
  FollowUpRunner,
  templateTranscript,
} from "./follow-up-runner.js";
