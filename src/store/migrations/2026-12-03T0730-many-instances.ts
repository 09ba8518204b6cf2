/**
 * Many instances on one database: the leases that keep one chat with one
 * instance at a time (`chat_leases`), the claim of an outbox row by the
 * instance sending it (`outbox.claimed_by`, `outbox.claim_expires_at`), the
 * last run of each scheduled job (`job_runs`, so a job fires once across
 * instances), the number's recent sends shared by every instance for the
 * pacing caps (`send_slots`), and a version counter per kind of shared state
 * (`change_versions`: weights, playbooks) that other instances poll.
 *
 * SQLite gets the same tables; a single SQLite instance never has to read them.
 * @module
 */
import type { Kysely, Migration } from "kysely";
import { autoIncrementId, sqlDialectOf } from "../sql-dialect.js";

/** Creates the coordination tables and the outbox claim columns; `down` removes them. */
export const manyInstancesMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const id = autoIncrementId(sqlDialectOf(db));
    const ms = "bigint";
    await db.schema
      .createTable("chat_leases")
      .addColumn("chat", "text", (c) => c.primaryKey())
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("expires_at", ms, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("chat_leases_holder_idx").on("chat_leases").column("holder").execute();

    await db.schema.alterTable("outbox").addColumn("claimed_by", "text").execute();
    await db.schema.alterTable("outbox").addColumn("claim_expires_at", ms).execute();

    await db.schema
      .createTable("job_runs")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("started_at", ms, (c) => c.notNull())
      .addColumn("finished_at", ms)
      .execute();

    await db.schema
      .createTable("send_slots")
      .addColumn("id", id.type, id.build)
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("at", ms, (c) => c.notNull())
      .execute();
    await db.schema.createIndex("send_slots_at_idx").on("send_slots").column("at").execute();

    await db.schema
      .createTable("change_versions")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("version", "bigint", (c) => c.notNull())
      .addColumn("updated_at", ms, (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("change_versions").ifExists().execute();
    await db.schema.dropTable("send_slots").ifExists().execute();
    await db.schema.dropTable("job_runs").ifExists().execute();
    await db.schema.alterTable("outbox").dropColumn("claim_expires_at").execute();
    await db.schema.alterTable("outbox").dropColumn("claimed_by").execute();
    await db.schema.dropTable("chat_leases").ifExists().execute();
  },
};
