/**
 * The `follow_ups` table (see follow-up.table.ts): one row per follow-up of an
 * assignment (unique on assignment and step, so a follow-up is scheduled once),
 * indexed for "due ones", "a customer's" and "the one behind an outbox row".
 * @module
 */
import type { Kysely, Migration } from "kysely";
import { autoIncrementId, sqlDialectOf } from "../sql-dialect.js";

/** Creates `follow_ups`; `down` drops it. */
export const followUpsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const id = autoIncrementId(sqlDialectOf(db));
    await db.schema
      .createTable("follow_ups")
      .addColumn("id", id.type, id.build)
      .addColumn("customer_id", "text", (c) => c.notNull())
      .addColumn("journey", "integer", (c) => c.notNull())
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("assignment_id", "integer", (c) => c.notNull())
      .addColumn("variant_id", "text", (c) => c.notNull())
      .addColumn("variant_version", "integer", (c) => c.notNull())
      .addColumn("step", "integer", (c) => c.notNull())
      .addColumn("quiet_since", "bigint", (c) => c.notNull())
      .addColumn("due_at", "bigint", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("reason", "text")
      .addColumn("language", "text")
      .addColumn("cloud_template_json", "text")
      .addColumn("outbox_id", "integer")
      .addColumn("message_id", "integer")
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("updated_at", "bigint", (c) => c.notNull())
      .addColumn("sent_at", "bigint")
      .execute();
    await db.schema
      .createIndex("follow_ups_assignment_step_idx")
      .on("follow_ups")
      .columns(["assignment_id", "step"])
      .unique()
      .execute();
    await db.schema.createIndex("follow_ups_status_due_idx").on("follow_ups").columns(["status", "due_at"]).execute();
    await db.schema.createIndex("follow_ups_customer_idx").on("follow_ups").column("customer_id").execute();
    await db.schema.createIndex("follow_ups_outbox_idx").on("follow_ups").column("outbox_id").execute();
    await db.schema.createIndex("follow_ups_sent_at_idx").on("follow_ups").column("sent_at").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("follow_ups").ifExists().execute();
  },
};
