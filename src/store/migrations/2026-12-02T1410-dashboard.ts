/**
 * Dashboard sessions: one row per signed-in browser, so logging out (or
 * expiry) ends a session on the server, not only in the cookie. The cookie
 * holds a random id; the table keeps only its SHA-256, so a copy of the
 * database cannot be turned into a working cookie.
 * @module
 */
import type { Kysely, Migration } from "kysely";

/** Creates `dashboard_sessions`; `down` drops it. */
export const dashboardMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("dashboard_sessions")
      .addColumn("id_hash", "text", (c) => c.primaryKey())
      .addColumn("created_at", "bigint", (c) => c.notNull())
      .addColumn("expires_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("dashboard_sessions_expires_at")
      .on("dashboard_sessions")
      .column("expires_at")
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("dashboard_sessions").execute();
  },
};
