/**
 * Row-bound ciphertexts and usernames.
 *
 * Values are now encrypted in the `v2.` format, whose additional data binds
 * each one to its row as well as its column (see field-cipher.ts). Values
 * already stored are `v1.` (column only); they are rewritten at the next start,
 * which has the data key (a migration does not): the setting
 * `privacy.row_bound_ciphertexts` = `pending` says that is still to do (see
 * ciphertext-rebinding.ts). Until then, and for any `v1.` value left, they
 * still decrypt.
 *
 * `customers.username_index` is the keyed hash of the customer's WhatsApp
 * username (Cloud API `contacts[].profile.username`), so an operator can name
 * a customer by it; the username itself is never stored in clear.
 * @module
 */
import { type Kysely, type Migration, sql } from "kysely";

/** The setting that marks stored ciphertexts as not yet bound to their row. */
export const ROW_BOUND_CIPHERTEXTS_SETTING = "privacy.row_bound_ciphertexts";

/** Adds `customers.username_index`; marks the stored ciphertexts for rebinding. */
export const rowBoundCiphertextsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("customers").addColumn("username_index", "text").execute();
    await db.schema.createIndex("customers_username_index_idx").on("customers").column("username_index").execute();
    // Only a database that holds values needs the rewrite at start; a new one has none.
    await sql`insert into settings (key, value, updated_at)
      select ${ROW_BOUND_CIPHERTEXTS_SETTING}, 'pending', 0
      where exists (select 1 from customers) or exists (select 1 from inbox where payload_enc != '')
      on conflict (key) do update set value = 'pending'`.execute(db);
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await sql`delete from settings where key = ${ROW_BOUND_CIPHERTEXTS_SETTING}`.execute(db);
    await db.schema.dropIndex("customers_username_index_idx").execute();
    await db.schema.alterTable("customers").dropColumn("username_index").execute();
  },
};
