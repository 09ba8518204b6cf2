/**
 * The first schema: every table of `database.ts`. Times are epoch milliseconds
 * in `bigint` columns, fractions in `double precision`; ids that the database
 * assigns come from the dialect layer, so the same migration builds SQLite and
 * PostgreSQL.
 *
 * Foreign keys tie the transcript to its customer (`on delete cascade`, so
 * forgetting a customer removes their messages, outbox rows, consent events and
 * handoffs). Assignments and outcomes deliberately have no foreign key to the
 * customer: their `customer_id` is a random UUID, not personal data, and the
 * experiment history must survive a customer being forgotten.
 * @module
 */
import type { Kysely, Migration } from "kysely";
import { autoIncrementId, sqlDialectOf } from "../sql-dialect.js";

/** Creates every table and index of the first schema; `down` drops them again. */
export const initialMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const id = autoIncrementId(sqlDialectOf(db));
    const ms = "bigint";
    const ref = "bigint";

    await db.schema
      .createTable("customers")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("phone_index", "text", (c) => c.notNull())
      .addColumn("phone_enc", "text", (c) => c.notNull())
      .addColumn("lid_index", "text")
      .addColumn("name_enc", "text")
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("journey", "integer", (c) => c.notNull())
      .addColumn("stage_entered_at", ms, (c) => c.notNull())
      .addColumn("profile_enc", "text", (c) => c.notNull())
      .addColumn("opted_out", "integer", (c) => c.notNull())
      .addColumn("handoff_until", ms)
      .addColumn("first_contact_at", ms, (c) => c.notNull())
      .addColumn("last_inbound_at", ms)
      .addColumn("last_interaction_at", ms, (c) => c.notNull())
      .addColumn("conversation_count", "integer", (c) => c.notNull())
      .addColumn("created_at", ms, (c) => c.notNull())
      .addColumn("updated_at", ms, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("customers_phone_index_key").on("customers").column("phone_index").unique().execute();
    await db.schema.createIndex("customers_lid_index_idx").on("customers").column("lid_index").execute();
    await db.schema.createIndex("customers_stage_idx").on("customers").column("stage").execute();

    await db.schema
      .createTable("consent_events")
      .addColumn("id", id.type, id.build)
      .addColumn("customer_id", "text", (c) => c.notNull().references("customers.id").onDelete("cascade"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("at", ms, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("consent_events_customer_idx")
      .on("consent_events")
      .columns(["customer_id", "id"])
      .execute();

    await db.schema
      .createTable("inbox")
      .addColumn("id", id.type, id.build)
      .addColumn("gateway", "text", (c) => c.notNull())
      .addColumn("gateway_message_id", "text", (c) => c.notNull())
      .addColumn("identity_index", "text", (c) => c.notNull())
      .addColumn("payload_enc", "text", (c) => c.notNull())
      .addColumn("received_at", ms, (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("processed_at", ms)
      .addColumn("last_error", "text")
      .execute();
    await db.schema
      .createIndex("inbox_gateway_message_key")
      .on("inbox")
      .columns(["gateway", "gateway_message_id"])
      .unique()
      .execute();
    await db.schema.createIndex("inbox_status_idx").on("inbox").columns(["status", "id"]).execute();
    await db.schema.createIndex("inbox_identity_idx").on("inbox").columns(["identity_index", "id"]).execute();

    await db.schema
      .createTable("messages")
      .addColumn("id", id.type, id.build)
      .addColumn("customer_id", "text", (c) => c.notNull().references("customers.id").onDelete("cascade"))
      .addColumn("direction", "text", (c) => c.notNull())
      .addColumn("author", "text", (c) => c.notNull())
      .addColumn("text_enc", "text", (c) => c.notNull())
      .addColumn("gateway_message_id", "text")
      .addColumn("journey", "integer", (c) => c.notNull())
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("assignment_id", ref)
      .addColumn("variant_id", "text")
      .addColumn("variant_version", "integer")
      .addColumn("intent", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("status_reason", "text")
      .addColumn("created_at", ms, (c) => c.notNull())
      .addColumn("status_at", ms, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("messages_customer_idx").on("messages").columns(["customer_id", "id"]).execute();
    await db.schema.createIndex("messages_gateway_message_idx").on("messages").column("gateway_message_id").execute();

    await db.schema
      .createTable("outbox")
      .addColumn("id", id.type, id.build)
      .addColumn("message_id", ref, (c) => c.notNull().references("messages.id").onDelete("cascade"))
      .addColumn("customer_id", "text", (c) => c.notNull().references("customers.id").onDelete("cascade"))
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("attempts", "integer", (c) => c.notNull())
      .addColumn("next_attempt_at", ms, (c) => c.notNull())
      .addColumn("in_reply_to_at", ms)
      .addColumn("in_reply_to_gateway_id", "text")
      .addColumn("last_error", "text")
      .addColumn("created_at", ms, (c) => c.notNull())
      .addColumn("sent_at", ms)
      .execute();
    await db.schema.createIndex("outbox_due_idx").on("outbox").columns(["status", "next_attempt_at"]).execute();
    await db.schema.createIndex("outbox_message_idx").on("outbox").column("message_id").execute();
    await db.schema.createIndex("outbox_customer_idx").on("outbox").columns(["customer_id", "id"]).execute();

    await db.schema
      .createTable("variant_versions")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("variant_id", "text", (c) => c.notNull())
      .addColumn("version", "integer", (c) => c.notNull())
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("content_hash", "text", (c) => c.notNull())
      .addColumn("first_served_at", ms)
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("origin", "text", (c) => c.notNull())
      .addColumn("source_file", "text", (c) => c.notNull())
      .addColumn("created_at", ms, (c) => c.notNull())
      .addColumn("updated_at", ms, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("variant_versions_stage_idx").on("variant_versions").column("stage").execute();

    await db.schema
      .createTable("policy_versions")
      .addColumn("id", id.type, id.build)
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("algorithm", "text", (c) => c.notNull())
      .addColumn("weights_json", "text", (c) => c.notNull())
      .addColumn("floor", "double precision", (c) => c.notNull())
      .addColumn("seed", "bigint", (c) => c.notNull())
      .addColumn("counts_json", "text", (c) => c.notNull())
      .addColumn("reason", "text", (c) => c.notNull())
      .addColumn("created_at", ms, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("policy_versions_stage_idx").on("policy_versions").columns(["stage", "id"]).execute();

    await db.schema
      .createTable("assignments")
      .addColumn("id", id.type, id.build)
      .addColumn("customer_id", "text", (c) => c.notNull())
      .addColumn("journey", "integer", (c) => c.notNull())
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("variant_id", "text", (c) => c.notNull())
      .addColumn("variant_version", "integer", (c) => c.notNull())
      .addColumn("propensity", "double precision", (c) => c.notNull())
      .addColumn("policy_version_id", ref, (c) => c.notNull().references("policy_versions.id"))
      .addColumn("assigned_at", ms, (c) => c.notNull())
      .addColumn("window_ends_at", ms, (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("resolved_at", ms)
      .addColumn("resolution", "text")
      .execute();
    await db.schema
      .createIndex("assignments_customer_stage_key")
      .on("assignments")
      .columns(["customer_id", "journey", "stage"])
      .unique()
      .execute();
    await db.schema
      .createIndex("assignments_stage_status_idx")
      .on("assignments")
      .columns(["stage", "status"])
      .execute();
    await db.schema
      .createIndex("assignments_window_idx")
      .on("assignments")
      .columns(["status", "window_ends_at"])
      .execute();

    await db.schema
      .createTable("outcomes")
      .addColumn("id", id.type, id.build)
      .addColumn("customer_id", "text", (c) => c.notNull())
      .addColumn("event_id", "text")
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("stage", "text")
      .addColumn("value", "double precision")
      .addColumn("currency", "text")
      .addColumn("reason", "text")
      .addColumn("source", "text", (c) => c.notNull())
      .addColumn("created_at", ms, (c) => c.notNull())
      .execute();
    // Both dialects treat NULLs as distinct in a unique index, so outcomes without an event id never collide.
    await db.schema.createIndex("outcomes_event_id_key").on("outcomes").column("event_id").unique().execute();
    await db.schema.createIndex("outcomes_customer_idx").on("outcomes").columns(["customer_id", "id"]).execute();

    await db.schema
      .createTable("experiment_events")
      .addColumn("id", id.type, id.build)
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("variant_id", "text")
      .addColumn("variant_version", "integer")
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("reason", "text")
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("created_at", ms, (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("experiment_events_stage_idx")
      .on("experiment_events")
      .columns(["stage", "id"])
      .execute();

    await db.schema
      .createTable("audit_log")
      .addColumn("id", id.type, id.build)
      .addColumn("at", ms, (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("subject", "text")
      .addColumn("detail_json", "text")
      .execute();
    await db.schema.createIndex("audit_log_at_idx").on("audit_log").column("at").execute();

    await db.schema
      .createTable("handoffs")
      .addColumn("id", id.type, id.build)
      .addColumn("customer_id", "text", (c) => c.notNull().references("customers.id").onDelete("cascade"))
      .addColumn("started_at", ms, (c) => c.notNull())
      .addColumn("ends_at", ms, (c) => c.notNull())
      .addColumn("ended_at", ms)
      .addColumn("reason", "text", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("handoffs_customer_idx").on("handoffs").column("customer_id").execute();

    await db.schema
      .createTable("pending_acks")
      .addColumn("gateway", "text", (c) => c.notNull())
      .addColumn("gateway_message_id", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("at", ms, (c) => c.notNull())
      .addPrimaryKeyConstraint("pending_acks_pkey", ["gateway", "gateway_message_id", "status"])
      .execute();

    await db.schema
      .createTable("settings")
      .addColumn("key", "text", (c) => c.primaryKey())
      .addColumn("value", "text", (c) => c.notNull())
      .addColumn("updated_at", ms, (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    // Children before parents, so foreign keys never block a drop.
    for (const table of DROP_ORDER) await db.schema.dropTable(table).ifExists().execute();
  },
};

const DROP_ORDER = [
  "settings",
  "pending_acks",
  "handoffs",
  "audit_log",
  "experiment_events",
  "outcomes",
  "assignments",
  "policy_versions",
  "variant_versions",
  "outbox",
  "messages",
  "inbox",
  "consent_events",
  "customers",
] as const;
