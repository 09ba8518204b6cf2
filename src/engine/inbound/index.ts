/**
 * @module
 * Handling one inbound message, as named steps: what each message kind gets
 * (the reply plan) and the changes a reaction, edit or revoke makes to the
 * transcript. The handler in ../inbound-handler.ts runs them in order.
 */

export { findProvidedDetails, gaveDetails, type ProvidedDetails } from "./customer-details.js";
export { type CustomerIdentityDeps, findCustomer, findOrCreateCustomer } from "./customer-identity.js";
export { type InboundRecordDeps, keepReferral, recordInbound } from "./inbound-record.js";
export { messageView, ORDER_STAGE, signalsFor, stageAfter, templateFor } from "./kind-signals.js";
export { type DetectedLanguage, LANGUAGE_MIN_CONFIDENCE, languageAfter } from "./language.js";
export { type ReplyPlan, replyPlanFor } from "./reply-plan.js";
export {
  applyTranscriptUpdate,
  isTranscriptUpdate,
  type TranscriptUpdate,
  type TranscriptUpdateDeps,
  type TranscriptUpdateResult,
} from "./transcript-update.js";
