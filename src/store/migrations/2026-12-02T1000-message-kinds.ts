/**
 * Message kinds: every transcript row says what kind of message it was (text,
 * image, voice, location, order, …) and keeps its described content encrypted
 * (media as mime type, size and the gateway's media id — never bytes); a
 * customer's reaction, an edit and a revoke are recorded on the message they
 * are about; a customer keeps the ad or post their first message came from.
 * @module
 */
import type { Kysely, Migration } from "kysely";

/** Adds the message-kind columns to `messages` and the referral to `customers`. */
export const messageKindsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const ms = "bigint";
    await db.schema
      .alterTable("messages")
      .addColumn("kind", "text", (c) => c.notNull().defaultTo("text"))
      .execute();
    await db.schema.alterTable("messages").addColumn("content_enc", "text").execute();
    await db.schema.alterTable("messages").addColumn("reaction_enc", "text").execute();
    await db.schema.alterTable("messages").addColumn("reacted_at", ms).execute();
    await db.schema.alterTable("messages").addColumn("edited_at", ms).execute();
    await db.schema.alterTable("messages").addColumn("revoked_at", ms).execute();
    await db.schema.alterTable("customers").addColumn("referral_json", "text").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const column of ["kind", "content_enc", "reaction_enc", "reacted_at", "edited_at", "revoked_at"]) {
      await db.schema.alterTable("messages").dropColumn(column).execute();
    }
    await db.schema.alterTable("customers").dropColumn("referral_json").execute();
  },
};
