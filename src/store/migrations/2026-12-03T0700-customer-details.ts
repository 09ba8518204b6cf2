/**
 * `customers.details_enc`: details the customer gave in the chat (email, delivery
 * address) as encrypted JSON, so the bot does not ask for them again. Erased with
 * the customer.
 * @module
 */
import type { Kysely, Migration } from "kysely";

/** Adds `details_enc`; `down` drops it. */
export const customerDetailsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("customers").addColumn("details_enc", "text").execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("customers").dropColumn("details_enc").execute();
  },
};
