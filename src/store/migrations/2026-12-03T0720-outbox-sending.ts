/**
 * `outbox.send_hash` and `outbox.send_started_at`: a send is recorded as
 * `sending` with the SHA-256 of its text and the attempt time, in its own
 * commit, before the gateway is called; after a crash the sender asks the
 * gateway's history whether that text went out after that time.
 * @module
 */
import type { Kysely, Migration } from "kysely";

/** Adds the two nullable columns; `down` drops them. */
export const outboxSendingMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("outbox").addColumn("send_hash", "text").execute();
    await db.schema.alterTable("outbox").addColumn("send_started_at", "bigint").execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("outbox").dropColumn("send_started_at").execute();
    await db.schema.alterTable("outbox").dropColumn("send_hash").execute();
  },
};
