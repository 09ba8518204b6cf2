/**
 * The `alerts` table (see alert.table.ts), with indexes for "active ones" and
 * "recent ones".
 * @module
 */
import type { Kysely, Migration } from "kysely";
import { autoIncrementId, sqlDialectOf } from "../sql-dialect.js";

/** Creates `alerts`; `down` drops it. */
export const alertsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const id = autoIncrementId(sqlDialectOf(db));
    await db.schema
      .createTable("alerts")
      .addColumn("id", id.type, id.build)
      .addColumn("kind", "text", (c) => c.notNull())
      .addColumn("alert_key", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("message", "text", (c) => c.notNull())
      .addColumn("detail_json", "text")
      .addColumn("fired_at", "bigint", (c) => c.notNull())
      .addColumn("last_sent_at", "bigint", (c) => c.notNull())
      .addColumn("deliveries", "integer", (c) => c.notNull())
      .addColumn("resolved_at", "bigint")
      .execute();
    await db.schema.createIndex("alerts_status_idx").on("alerts").columns(["status", "alert_key"]).execute();
    await db.schema.createIndex("alerts_fired_at_idx").on("alerts").column("fired_at").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("alerts").execute();
  },
};
