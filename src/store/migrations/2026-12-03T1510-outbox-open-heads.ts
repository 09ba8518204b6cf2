/**
 * `outbox_open_customer_idx`: the outbox rows still to finish (`pending`,
 * `sending`, `composing`), by customer and id. Finding a chat's head (its
 * oldest open reply) then reads only open rows, not every reply the chat was
 * ever sent: without it the heads query of many instances grew with the
 * outbox (seconds per claim after a few thousand sent replies).
 * @module
 */
import { type Kysely, type Migration, sql } from "kysely";

/** Creates the partial index; `down` drops it. */
export const outboxOpenHeadsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createIndex("outbox_open_customer_idx")
      .on("outbox")
      .columns(["customer_id", "id"])
      .where(sql.ref("status"), "in", ["pending", "sending", "composing"])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex("outbox_open_customer_idx").ifExists().execute();
  },
};
