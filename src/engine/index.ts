/**
 * @module
 * The engine: runs conversations through its ports (gateway, clock), from an
 * inbound webhook to a paced reply: intake, customer and profile, stage,
 * assignment, reply, outbox and sender.
 */

export * from "./alerting/index.js";
// the engine
export type { AlertKind, Alerts } from "./alerts.js";
export type { BackupOptions, BackupReport } from "./backup.js";
export { backupDir, pruneBackups, runBackup } from "./backup.js";
// ports and adapters
export type { Clock } from "./clock.js";
export { ManualClock, systemClock } from "./clock.js";
// customers
export type { Profile } from "./customer-profile.js";
export { parseProfile, profileSchema } from "./customer-profile.js";
export type { CustomerRefMatch, CustomerView } from "./customer-view.js";
export {
  customerIdByIdentity,
  describeCustomer,
  findCustomerIdByRef,
  profileOf,
  SHORT_CUSTOMER_ID_LENGTH,
  shortCustomerId,
} from "./customer-view.js";
export type { EngineDeps, HandledMessage } from "./engine.js";
export { Engine } from "./engine.js";
export * from "./gateway/index.js";
export type { GatewayHealthState } from "./gateway-health-monitor.js";
export { GatewayHealthMonitor } from "./gateway-health-monitor.js";
export type { InboundOutcome } from "./inbound-handler.js";
export type { InstanceCoordination, PacingWindow } from "./instances.js";
export { instanceCoordination, instanceId, watchSharedChanges } from "./instances.js";
export * from "./llm/index.js";
export type { EngineMetricsOptions, GaugeReading, MetricsSnapshot } from "./metrics.js";
export { EngineMetrics } from "./metrics.js";
export type { OperatorAct } from "./operator-actions.js";
export {
  eraseCustomer,
  forgetCustomer,
  giveBackToBot,
  queueShopMessage,
  SHOP_MESSAGE_MAX_CHARS,
  takeOverChat,
} from "./operator-actions.js";
export * from "./outbound/index.js";
export type { PacingConfig } from "./pacing.js";
export { DEFAULT_PACING } from "./pacing.js";
export { isUsernameIdentity, normaliseCustomerIdentity, normalisePhone } from "./phone.js";
export { PlaybookHolder } from "./playbook-holder.js";
export type { PlaybookReloader, PlaybookReloaderDeps, ReloadResult } from "./playbook-reloader.js";
export { createPlaybookReloader, PLAYBOOK_WATCH_DEBOUNCE_MS, watchPlaybookFolder } from "./playbook-reloader.js";
export type { ComposedReply, PlaybookRuntime, ReplyAudience } from "./playbook-runtime.js";
export { createPlaybookRuntime } from "./playbook-runtime-factory.js";
export { profileAfterOutcomeHook } from "./profile-outcome-hook.js";
export { profileAfterOutcome } from "./profile-rules.js";
export type { RetentionPolicy, RetentionReport } from "./retention.js";
export { pruneLogFiles, runRetention } from "./retention.js";
