/**
 * The database schema as kysely sees it: one interface per table, joined in
 * `Database`. Times are epoch milliseconds (integers). Columns ending in `_enc`
 * hold AES-256-GCM ciphertext (see field-cipher.ts); columns ending in `_index`
 * hold keyed hashes (blind indexes) used for lookups.
 * @module
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";
import type { AlertTable } from "./alert.table.js";
import type { FollowUpTable } from "./follow-up.table.js";

/** An autoincrementing integer primary key. */
type Id = Generated<number>;

/** One customer (one WhatsApp identity) and their long-term memory. */
export interface CustomerTable {
  /** Random UUID. */
  id: string;
  /** Blind index of the normalised phone number (or of the `@lid` identity when no phone is known). */
  phone_index: string;
  /** Encrypted phone number (E.164 without `+`) or `<lid>@lid` identity. */
  phone_enc: string;
  /** Blind index of the customer's `@lid` alias (or Cloud API business-scoped user id), when the gateway told us one. */
  lid_index: string | null;
  /**
   * Keyed hash of the customer's WhatsApp username (`usernameIndex`: lower case, without `@`), the latest
   * the Cloud API gave; null when none. Only for an operator's lookup; the username is not stored.
   */
  username_index: string | null;
  /** Encrypted display name (push name). */
  name_enc: string | null;
  /** Current funnel stage. */
  stage: string;
  /** Starts at 1; a lost customer who writes again starts journey n+1 at the first stage. */
  journey: number;
  stage_entered_at: number;
  /** Encrypted JSON of the profile (interests, concerns, trust, …). */
  profile_enc: string;
  /** 1 when the customer opted out (STOP); 0 otherwise. */
  opted_out: number;
  /** While now < handoff_until a human has the chat and the bot is silent; null = no handoff. */
  handoff_until: number | null;
  first_contact_at: number;
  last_inbound_at: number | null;
  last_interaction_at: number;
  /** Number of conversations (a new one starts after 24 h of silence). */
  conversation_count: number;
  created_at: number;
  updated_at: number;
  /**
   * JSON of the click-to-WhatsApp ad or post the customer first wrote from (`sourceType`,
   * `sourceId`, `sourceUrl`, `headline`, `app`); null for organic contacts. The shop's own ad,
   * not personal data, so kept in clear for reports to segment by.
   */
  referral_json: string | null;
  /** Encrypted JSON of the details the customer gave in the chat (`email`, `address`); null when none. */
  details_enc: string | null;
}

/** Opt-out and opt-in events, kept with their time. */
export interface ConsentEventTable {
  id: Id;
  customer_id: string;
  /** `opt_out` | `opt_in`. */
  kind: string;
  at: number;
}

/** Inbound messages waiting for (or done with) the engine. Persisted before the webhook is acknowledged. */
export interface InboxTable {
  id: Id;
  /** `playground` | `gowa` | `waha` | `cloud`. */
  gateway: string;
  /**
   * Keyed hash of the gateway's message id (see gateway-id.ts; the id carries the phone number);
   * (gateway, gateway_message_index) is unique, which deduplicates redeliveries.
   */
  gateway_message_index: string;
  /** Blind index of the sender identity, so a worker can keep per-customer order. */
  identity_index: string;
  /** Encrypted JSON of the normalised inbound message (identity, name, text, fromMe, …). */
  payload_enc: string;
  received_at: number;
  /** `pending` | `done` | `failed`. */
  status: string;
  attempts: number;
  processed_at: number | null;
  /** Short reason of the last failure (never message text). */
  last_error: string | null;
}

/** The transcript: every message in and out. */
export interface MessageTable {
  id: Id;
  customer_id: string;
  /** `in` | `out`. */
  direction: string;
  /** `customer` (inbound), `bot` (our reply), `human` (a person on the business phone). */
  author: string;
  text_enc: string;
  /** Keyed hash of the gateway's message id (receipts, reactions and edits find the message by it). */
  gateway_message_index: string | null;
  journey: number;
  stage: string;
  assignment_id: number | null;
  variant_id: string | null;
  variant_version: number | null;
  /** The intent the reply answered (`price_question`, …) or that the inbound showed. */
  intent: string | null;
  /** Out: `queued` | `sent` | `delivered` | `read` | `failed` | `held`. In: `received`. */
  status: string;
  status_reason: string | null;
  created_at: number;
  status_at: number;
  /** The message kind (`text`, `image`, `voice`, `location`, `order`, `system`, …); `text` for old rows. */
  kind: Generated<string>;
  /**
   * Encrypted JSON of the kind's content without the text: media as mime type, size and the
   * gateway's media id (never bytes), a location's coordinates, contact names, order lines, a
   * system message's type. Null for text.
   */
  content_enc: string | null;
  /** Encrypted emoji the customer reacted to this message with; null when none (or removed). */
  reaction_enc: string | null;
  reacted_at: number | null;
  /** When the customer edited this message (its `text_enc` then holds the edited text). */
  edited_at: number | null;
  /** When the message was deleted by its author (its `text_enc` then holds an empty text). */
  revoked_at: number | null;
  /** When the retention job erased its text (`RETAIN_MESSAGES_DAYS`); `text_enc` then holds an empty text. */
  text_erased_at: number | null;
  /** When the retention job erased its media reference (`RETAIN_MEDIA_DAYS`); `content_enc` is then null. */
  media_erased_at: number | null;
}

/** Replies waiting for the sender. Each points at its transcript row. */
export interface OutboxTable {
  id: Id;
  message_id: number;
  customer_id: string;
  /** `reply` | `confirmation`. */
  kind: string;
  /** `composing` (an LLM is rewriting the draft) | `pending` | `sending` | `sent` | `failed` | `held`. */
  status: string;
  attempts: number;
  /** The sender does not touch the row before this time. */
  next_attempt_at: number;
  /** Time of the inbound message this replies to (for the Cloud API 24-hour window and quiet hours). */
  in_reply_to_at: number | null;
  /** Encrypted gateway id of the inbound message this replies to (to mark it read). */
  in_reply_to_gateway_id_enc: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  /** The instance sending this row (many instances on PostgreSQL); null when unclaimed. */
  claimed_by: string | null;
  /** The claim lapses at this time, so a crashed instance's row is taken over; null when unclaimed. */
  claim_expires_at: number | null;
  /** SHA-256 (hex) of the text of the last attempt recorded as `sending`; null before any. */
  send_hash: ColumnType<string | null, string | null | undefined, string | null>;
  /** When that attempt began (epoch ms): the gateway is asked for our messages since then after a crash. */
  send_started_at: ColumnType<number | null, number | null | undefined, number | null>;
}

/** Every variant version ever loaded: its content hash, first service, and current status. */
export interface VariantVersionTable {
  /** `<variant>@<version>`. */
  id: string;
  variant_id: string;
  version: number;
  stage: string;
  /** sha256 of the variant's canonical content. */
  content_hash: string;
  /** Set the first time the version serves a customer; from then on its hash must not change. */
  first_served_at: number | null;
  /** `champion` | `active` | `candidate` | `retired`; operators' promote/retire override the file. */
  status: string;
  /** `hand` | `reflection`. */
  origin: string;
  /** The file it was loaded from, relative to PLAYBOOKS_DIR. */
  source_file: string;
  created_at: number;
  updated_at: number;
}

/** A stored weight set for one stage: what the policy would do, reproducibly. */
export interface PolicyVersionTable {
  id: Id;
  stage: string;
  /** `thompson` | `uniform` | `champion` | … */
  algorithm: string;
  /** JSON `{ "<variant>@<version>": probability }`, the propensities after the floor. */
  weights_json: string;
  floor: number;
  seed: number;
  /** JSON of the posterior counts used: `{ arm: { successes, failures } }`. */
  counts_json: string;
  /** Why it was made: `schedule` | `promotion` | `retirement` | `new_arm` | `initial`. */
  reason: string;
  created_at: number;
}

/** The bandit's choice of an arm for one customer entering one stage. */
export interface AssignmentTable {
  id: Id;
  customer_id: string;
  journey: number;
  stage: string;
  variant_id: string;
  variant_version: number;
  /** Probability the arm had of being chosen, in (0, 1]. */
  propensity: number;
  policy_version_id: number;
  assigned_at: number;
  window_ends_at: number;
  /** `pending` | `success` | `failure`. */
  status: string;
  resolved_at: number | null;
  /** `advanced` | `won` | `lost` | `window_expired`. */
  resolution: string | null;
}

/** Outcomes reported by the shop or the operator (won, lost, advanced). */
export interface OutcomeTable {
  id: Id;
  customer_id: string;
  /** Caller's idempotency key; the same event id twice has one effect. */
  event_id: string | null;
  /** `won` | `lost` | `advanced`. */
  outcome: string;
  stage: string | null;
  value: number | null;
  currency: string | null;
  reason: string | null;
  /** `api` | `cli` | `dashboard` | `engine`. */
  source: string;
  created_at: number;
}

/** Promotions, retirements, new arms, SRM acknowledgements. */
export interface ExperimentEventTable {
  id: Id;
  stage: string;
  variant_id: string | null;
  variant_version: number | null;
  /** `promote` | `retire` | `new_arm` | `srm_alarm` | `srm_ack`. */
  kind: string;
  reason: string | null;
  actor: string;
  created_at: number;
}

/** Everything an operator or the system did that changes behaviour. */
export interface AuditLogTable {
  id: Id;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  /** JSON detail; never message text or phone numbers in clear. */
  detail_json: string | null;
}

/** Human takeovers of a chat. */
export interface HandoffTable {
  id: Id;
  customer_id: string;
  started_at: number;
  ends_at: number;
  /** Set when the handoff ended early (`closer customers resume`). */
  ended_at: number | null;
  reason: string;
}

/** Delivery receipts for gateway ids not (yet) known; applied when the send result arrives. */
export interface PendingAckTable {
  gateway: string;
  /** Keyed hash of the gateway's message id. Rows older than a day are deleted by the retention job. */
  gateway_message_index: string;
  /** `sent` | `delivered` | `read` | `failed`. */
  status: string;
  at: number;
}

/**
 * Tombstones of forgotten customers: the keyed hashes of their gateway message ids, so a replayed or
 * redelivered webhook of theirs is dropped instead of bringing them back. Nothing else is kept.
 */
export interface ForgottenMessageTable {
  gateway_message_index: string;
  forgotten_at: number;
}

/** Small key-value state (gateway pause, SRM freeze, generated secrets' fingerprints). */
export interface SettingTable {
  key: string;
  value: string;
  updated_at: number;
}

/** One stage of one reflection run (a batch covers the stages of one run). */
export interface ReflectionRunTable {
  id: Id;
  /** The run this stage belongs to; a resumed run keeps its batch id. */
  batch_id: string;
  stage: string;
  /** `running` | `done` | `failed`. */
  status: string;
  /** The LLM's model name. */
  model: string;
  /** 1 when nothing was written (`--dry-run`). */
  dry_run: number;
  tokens_in: number;
  tokens_out: number;
  /** 1 when the endpoint reported no usage and the tokens are estimated from the text (4 characters a token). */
  tokens_estimated: number;
  /** Estimated cost from LLM_PRICE_PER_MTOK_IN/OUT, US dollars. */
  cost_usd: number;
  /** Proposals the model made. */
  proposed: number;
  /** JSON `[{ variant, version, file }]`. */
  accepted_json: string;
  /** JSON `[{ id, reasons }]`. */
  rejected_json: string;
  /** Why the stage failed (no message text). */
  error: string | null;
  started_at: number;
  finished_at: number | null;
}

/** The single-row lock of the reflection job: who runs, since when, and what the run covers (to resume it). */
export interface ReflectionLockTable {
  /** Always `reflection`. */
  name: string;
  batch_id: string;
  /** `host:pid` of the process holding it. */
  holder: string;
  /** JSON array of the stages the run covers, in order. */
  stages_json: string;
  /** JSON of the run's options (dry run). */
  options_json: string;
  acquired_at: number;
  /** Refreshed after every stage; a lock not refreshed for a while is stale. */
  heartbeat_at: number;
}

/** One LLM call, or one call not made (breaker open, budget spent). No message text. */
export interface LlmUsageTable {
  id: Id;
  /** When the call ended, epoch ms. */
  at: number;
  /** The shop's day of `at` (`SHOP_TIMEZONE`), `YYYY-MM-DD`. */
  day: string;
  /** `reply` | `analysis` | `reflection` | `report` | `check`. */
  purpose: string;
  model: string;
  /**
   * `ok`: the answer was used; `fallback`: it failed and the offline path answered (replies, analysis);
   * `failed`: it failed with no offline path; `skipped_budget` / `skipped_breaker`: not made.
   */
  outcome: string;
  /** Why it was not used (`timeout`, `schema_mismatch`, …); null when `ok`. */
  fallback_reason: string | null;
  tokens_in: number;
  tokens_out: number;
  /** Priced with LLM_PRICE_PER_MTOK_IN / _OUT at the time of the call, US dollars. */
  cost_usd: number;
  latency_ms: number;
}

/** A signed-in dashboard browser (the cookie holds the id; only its hash is stored). */
export interface DashboardSessionTable {
  /** SHA-256 (hex) of the session id in the cookie. */
  id_hash: string;
  created_at: number;
  expires_at: number;
}

/** Which instance handles a chat's inbound messages now (many instances on PostgreSQL). */
export interface ChatLeaseTable {
  /** The chat: the sender's identity blind index, as in `inbox.identity_index`. */
  chat: string;
  /** Instance id (`host:pid:random`). */
  holder: string;
  /** After this time another instance may take the chat (the holder crashed or stopped). */
  expires_at: number;
}

/** The last run of each scheduled job, so a job fires on one instance only. */
export interface JobRunTable {
  /** `weights` | `windows` | `reflection` | `report` | …. */
  name: string;
  holder: string;
  started_at: number;
  finished_at: number | null;
}

/** The number's recent sends (and sends admitted, not yet made), shared by every instance for the pacing caps. */
export interface SendSlotTable {
  id: Id;
  holder: string;
  at: number;
}

/** A counter per kind of shared state; an instance that changes it bumps it, the others poll and reload. */
export interface ChangeVersionTable {
  /** `weights` | `playbooks`. */
  name: string;
  version: number;
  updated_at: number;
}

/**
 * Stamps that change with shared state, written by triggers (see the migration
 * `2026-12-03T1500-arms-stamp`): `arms` takes a fresh random value
 * whenever `variant_versions` or `policy_versions` change.
 */
export interface ChangeStampTable {
  name: string;
  stamp: number;
}

/** The whole schema. */
export interface Database {
  customers: CustomerTable;
  consent_events: ConsentEventTable;
  inbox: InboxTable;
  messages: MessageTable;
  outbox: OutboxTable;
  variant_versions: VariantVersionTable;
  policy_versions: PolicyVersionTable;
  assignments: AssignmentTable;
  outcomes: OutcomeTable;
  experiment_events: ExperimentEventTable;
  audit_log: AuditLogTable;
  alerts: AlertTable;
  follow_ups: FollowUpTable;
  handoffs: HandoffTable;
  pending_acks: PendingAckTable;
  forgotten_messages: ForgottenMessageTable;
  settings: SettingTable;
  reflection_runs: ReflectionRunTable;
  reflection_lock: ReflectionLockTable;
  llm_usage: LlmUsageTable;
  dashboard_sessions: DashboardSessionTable;
  chat_leases: ChatLeaseTable;
  job_runs: JobRunTable;
  send_slots: SendSlotTable;
  change_versions: ChangeVersionTable;
  change_stamps: ChangeStampTable;
}

export type CustomerRow = Selectable<CustomerTable>;
export type NewCustomerRow = Insertable<CustomerTable>;
export type CustomerUpdate = Updateable<CustomerTable>;
export type InboxRow = Selectable<InboxTable>;
export type MessageRow = Selectable<MessageTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type VariantVersionRow = Selectable<VariantVersionTable>;
export type PolicyVersionRow = Selectable<PolicyVersionTable>;
export type AssignmentRow = Selectable<AssignmentTable>;
export type OutcomeRow = Selectable<OutcomeTable>;
export type ExperimentEventRow = Selectable<ExperimentEventTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
export type HandoffRow = Selectable<HandoffTable>;
export type ReflectionRunRow = Selectable<ReflectionRunTable>;
export type ReflectionLockRow = Selectable<ReflectionLockTable>;
export type LlmUsageRow = Selectable<LlmUsageTable>;
