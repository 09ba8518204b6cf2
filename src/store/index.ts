/**
 * The store: the kysely schema and its migrations, the database adapters
 * (SQLite in `DATA_DIR` by default), field encryption with blind indexes, the
 * data key and the generated admin token, and the repositories every other
 * folder reads and writes through.
 * @module
 */

// encryption and secrets
export type { AdminToken, AdminTokenOptions } from "./admin-token.js";
export { ADMIN_TOKEN_FILE_NAME, loadOrCreateAdminToken } from "./admin-token.js";
// repositories
export type { AlertRecord, ListAlertsOptions } from "./alert.repository.js";
export { alertRowToRecord, insertAlert, listAlerts, updateAlert } from "./alert.repository.js";
export type { AlertRow, AlertTable, AlertUpdate, NewAlertRow } from "./alert.table.js";
export type { NewAssignment } from "./assignment.repository.js";
export {
  assignmentsOf,
  expiredPendingAssignments,
  findAssignment,
  insertAssignment,
  pendingAssignmentsOf,
  resolveAssignment,
} from "./assignment.repository.js";
export { appendAudit, recentAudit } from "./audit.repository.js";
export type { BackupKind } from "./backup-file.js";
export { checkSnapshot, readBackupFile, snapshotDatabase, writeBackupFile } from "./backup-file.js";
export { rebindStoredCiphertexts } from "./ciphertext-rebinding.js";
export { consentHistory, insertConsentEvent } from "./consent.repository.js";
export type { Liveness, RunJobOnceOptions } from "./coordination.repository.js";
export {
  admitSendSlot,
  advisoryKey,
  bumpChangeVersion,
  changeVersions,
  claimInboxRows,
  claimOutboxHeads,
  holdLiveness,
  leaseChats,
  lockPendingInboxRows,
  recordSendSlot,
  releaseChatLeases,
  releaseSendSlot,
  runJobOnce,
  startClaimedOutboxSend,
} from "./coordination.repository.js";
export type { CustomerRecord } from "./customer.repository.js";
export {
  CUSTOMER_AAD,
  customerIdsWithPrefix,
  customerRowToRecord,
  deleteCustomerCascade,
  findCustomerById,
  findCustomerByLidIndex,
  findCustomerByPhoneIndex,
  findCustomerByUsernameIndex,
  insertCustomer,
  listCustomers,
  normaliseUsername,
  setCustomerUsernameIndex,
  updateCustomer,
  usernameIndex,
} from "./customer.repository.js";
export {
  dashboardSessionValid,
  deleteDashboardSession,
  deleteExpiredDashboardSessions,
  insertDashboardSession,
} from "./dashboard-session.repository.js";
export type { DataDirFileSystem } from "./data-dir.js";
export { prepareDataDir } from "./data-dir.js";
export type { LoadDataKeyOptions, LoadedDataKey } from "./data-key.js";
export { DATA_KEY_BYTES, DATA_KEY_FILE_NAME, loadDataKey, parseDataKey } from "./data-key.js";
// schema
export type {
  AssignmentRow,
  AssignmentTable,
  AuditLogRow,
  AuditLogTable,
  ConsentEventTable,
  CustomerRow,
  CustomerTable,
  CustomerUpdate,
  DashboardSessionTable,
  Database,
  ExperimentEventRow,
  ExperimentEventTable,
  HandoffRow,
  HandoffTable,
  InboxRow,
  InboxTable,
  LlmUsageRow,
  LlmUsageTable,
  MessageRow,
  MessageTable,
  NewCustomerRow,
  OutboxRow,
  OutboxTable,
  OutcomeRow,
  OutcomeTable,
  PendingAckTable,
  PolicyVersionRow,
  PolicyVersionTable,
  ReflectionLockRow,
  ReflectionRunRow,
  SettingTable,
  VariantVersionRow,
  VariantVersionTable,
} from "./database.js";
export type { ErasureResult } from "./erasure.js";
export { eraseFreedSpace } from "./erasure.js";
export type { CipherBinding, FieldCipher, FieldCipherOptions, RowBinding } from "./field-cipher.js";
export { createFieldCipher, rowBound } from "./field-cipher.js";
export type { FollowUpArmFigures } from "./follow-up.repository.js";
export {
  countWrittenFollowUps,
  dueFollowUps,
  FOLLOW_UP_ANSWER_WINDOW_MS,
  FOLLOW_UP_OPT_OUT_WINDOW_MS,
  FOLLOW_UP_WRITTEN,
  followUpFiguresByArm,
  followUpOfOutbox,
  followUpStepsOf,
  followUpsOfCustomer,
  scheduleFollowUp,
  settleFollowUpOfOutbox,
  unscheduleFollowUp,
  updateScheduledFollowUp,
} from "./follow-up.repository.js";
export type { FollowUpRow, FollowUpTable, FollowUpUpdate, NewFollowUpRow } from "./follow-up.table.js";
export { addForgottenMessages, isForgottenMessage } from "./forgotten-message.repository.js";
export type { GatewayIdIndex } from "./gateway-id.js";
export { gatewayIdIndex, OUTBOX_REPLY_TO_AAD } from "./gateway-id.js";
export { protectStoredGatewayIds } from "./gateway-id-protection.js";
export { endHandoffs, extendOpenHandoff, handoffHistory, insertHandoff } from "./handoff.repository.js";
export type { NewInboxEntry } from "./inbox.repository.js";
export {
  countInboxByStatus,
  findInboxId,
  INBOX_PAYLOAD_AAD,
  insertInboxEntry,
  markInboxAttemptFailed,
  markInboxDone,
  pendingInboxRows,
} from "./inbox.repository.js";
export type { LlmUsageDay, LlmUsageSummary, NewLlmUsage } from "./llm-usage.repository.js";
export { llmCostOfDay, llmUsageSummary, recordLlmUsage } from "./llm-usage.repository.js";
export type { MessageRecord, NewMessage } from "./message.repository.js";
export {
  findOutboundByGatewayId,
  insertMessage,
  lastBotTextEnc,
  MESSAGE_CONTENT_AAD,
  MESSAGE_REACTION_AAD,
  MESSAGE_TEXT_AAD,
  messageRowToRecord,
  messagesByIds,
  messageTextEnc,
  setMessageStatus,
  transcript,
} from "./message.repository.js";
export {
  eraseMessage,
  findCustomerMessageByGatewayId,
  replaceMessageText,
  setMessageReaction,
} from "./message-update.repository.js";
// opening and migrating
export type { MigrateOptions, MigrationState, MigrationStep } from "./migrate.js";
export { listMigrations, MIGRATIONS, migrateToLatest } from "./migrate.js";
export type { OpenDatabaseConfig } from "./open-database.js";
export { openDatabase, sqliteFilePath } from "./open-database.js";
export type { NewOutboxEntry } from "./outbox.repository.js";
export {
  composingOutboxRows,
  countOutboxByStatus,
  insertOutboxEntry,
  openOutboxHead,
  openOutboxRows,
  outboxRowsByIds,
  sendingOutboxRows,
  startOutboxSend,
  updateOutbox,
} from "./outbox.repository.js";
export { outcomesOfCustomer } from "./outcome.repository.js";
export { bufferAck, deleteStaleAcks, takeBufferedAcks } from "./pending-ack.repository.js";
export type { PolicyLearning, PolicyVersion } from "./policy-version.repository.js";
export {
  insertPolicyVersion,
  latestPolicyVersion,
  parseStoredAlgorithm,
  policyRowToVersion,
  storedAlgorithm,
} from "./policy-version.repository.js";
export type { PostgresDatabaseOptions } from "./postgres-database.js";
export { openPostgresDatabase, redactDatabaseUrl } from "./postgres-database.js";
export { PreparedQuery } from "./prepared-query.js";
export type { ReflectionStageRecord } from "./reflection-run.repository.js";
export {
  acquireReflectionLock,
  currentReflectionLock,
  finishReflectionStage,
  recentReflectionRuns,
  reflectionRunsOfBatch,
  releaseReflectionLock,
  startReflectionStage,
  takeOverReflectionLock,
  touchReflectionLock,
} from "./reflection-run.repository.js";
export type { RetentionCounts, RetentionCutoffs } from "./retention.repository.js";
export { eraseExpired } from "./retention.repository.js";
export { type InSavepoint, savepoint } from "./savepoint.js";
export type { SecretFileSystem } from "./secret-file.js";
export { deleteSetting, getSetting, putSetting } from "./setting.repository.js";
export type { SqlDialectName } from "./sql-dialect.js";
export { sqlDialectOf } from "./sql-dialect.js";
export type { SqliteDatabaseOptions } from "./sqlite-database.js";
export { openSqliteDatabase, SQLITE_FILE_NAME } from "./sqlite-database.js";
export { transaction } from "./transaction.js";
export {
  allVariantVersions,
  armsStamp,
  insertVariantVersion,
  markVersionServed,
  servedVersionHashes,
  setVariantStatus,
  updateUnservedVersion,
} from "./variant-version.repository.js";
export { withWritePriority } from "./write-priority.js";
