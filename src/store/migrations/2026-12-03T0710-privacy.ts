/**
 * Privacy: the retention job's marks on erased message text and media, and gateway message ids (which carry the customer's number) are kept
 * only as keyed hashes, or encrypted where one must be read back, and a
 * forgotten customer's message ids stay as hashed tombstones so a replayed
 * webhook cannot bring them back.
 *
 * The columns are renamed here; the values already stored are hashed and
 * encrypted at the next start, which has the data key (a migration does not):
 * the setting `privacy.gateway_ids` = `plain` says that is still to do (see
 * gateway-id-protection.ts).
 * @module
 */
import { type Kysely, type Migration, sql } from "kysely";

/** The setting that marks stored gateway ids as not yet hashed. */
export const GATEWAY_IDS_SETTING = "privacy.gateway_ids";

/** Renames the id columns, adds `forgotten_messages`, marks the stored ids for hashing. */
export const privacyMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const table of ["inbox", "messages", "pending_acks"]) {
      await db.schema.alterTable(table).renameColumn("gateway_message_id", "gateway_message_index").execute();
    }
    await db.schema.alterTable("outbox").renameColumn("in_reply_to_gateway_id", "in_reply_to_gateway_id_enc").execute();
    await db.schema
      .createTable("forgotten_messages")
      .addColumn("gateway_message_index", "text", (c) => c.primaryKey())
      .addColumn("forgotten_at", "bigint", (c) => c.notNull())
      .execute();
    await db.schema.alterTable("messages").addColumn("text_erased_at", "bigint").execute();
    await db.schema.alterTable("messages").addColumn("media_erased_at", "bigint").execute();
    await db.schema.createIndex("pending_acks_at_idx").on("pending_acks").column("at").execute();
    await db.schema.createIndex("messages_created_at_idx").on("messages").column("created_at").execute();
    // Only a database that holds ids needs the rewrite at start; a new one has none.
    await sql`insert into settings (key, value, updated_at)
      select ${GATEWAY_IDS_SETTING}, 'plain', 0
      where exists (select 1 from inbox) or exists (select 1 from pending_acks)
        or exists (select 1 from messages where gateway_message_index is not null)
        or exists (select 1 from outbox where in_reply_to_gateway_id_enc is not null)
      on conflict (key) do update set value = 'plain'`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`delete from settings where key = ${GATEWAY_IDS_SETTING}`.execute(db);
    await db.schema.dropIndex("messages_created_at_idx").execute();
    await db.schema.dropIndex("pending_acks_at_idx").execute();
    await db.schema.alterTable("messages").dropColumn("media_erased_at").execute();
    await db.schema.alterTable("messages").dropColumn("text_erased_at").execute();
    await db.schema.dropTable("forgotten_messages").execute();
    await db.schema.alterTable("outbox").renameColumn("in_reply_to_gateway_id_enc", "in_reply_to_gateway_id").execute();
    for (const table of ["inbox", "messages", "pending_acks"]) {
      await db.schema.alterTable(table).renameColumn("gateway_message_index", "gateway_message_id").execute();
    }
  },
};
