/**
 * Rebinds the ciphertexts stored before values were bound to their row (see
 * the `2026-12-03T0900-row-bound-ciphertexts` migration): every `v1.` value is
 * decrypted (its column checked) and encrypted again as `v2.`, bound to its
 * row. Runs at start, after the migrations and `protectStoredGatewayIds`, with
 * the data key; a no-op once done.
 *
 * The row each column is bound to (field-cipher.ts `RowBinding`):
 * - `customers.*_enc` → the customer id;
 * - `messages.*_enc` and `outbox.in_reply_to_gateway_id_enc` → the row's
 *   `customer_id` (the message's own id is assigned only at insert);
 * - `inbox.payload_enc` → the row's `gateway_message_index` (no customer yet).
 * @module
 */
import type { Kysely } from "kysely";
import { CUSTOMER_AAD } from "./customer.repository.js";
import type { Database } from "./database.js";
import type { FieldCipher, RowBinding } from "./field-cipher.js";
import { OUTBOX_REPLY_TO_AAD } from "./gateway-id.js";
import { INBOX_PAYLOAD_AAD } from "./inbox.repository.js";
import { MESSAGE_CONTENT_AAD, MESSAGE_REACTION_AAD, MESSAGE_TEXT_AAD } from "./message.repository.js";
import { ROW_BOUND_CIPHERTEXTS_SETTING } from "./migrations/2026-12-03T0900-row-bound-ciphertexts.js";

/** Rows read per page. */
const PAGE = 500;

/**
 * Rewrites every `v1.` value of the customers, messages, outbox and inbox tables as a row-bound `v2.`
 * value, in one transaction, then clears the marker.
 * @returns how many values were rewritten (0 when there was nothing to do).
 * @throws CloserError `decryption_failed` when a stored value does not decrypt (nothing is changed then).
 */
export async function rebindStoredCiphertexts(db: Kysely<Database>, cipher: FieldCipher): Promise<number> {
  const marker = await db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", ROW_BOUND_CIPHERTEXTS_SETTING)
    .executeTakeFirst();
  if (marker === undefined) return 0;
  return db.transaction().execute(async (trx) => {
    /** The value rebound to `binding` when it is `v1.`, else undefined (unchanged). */
    const rebind = (value: string | null, binding: RowBinding): string | undefined =>
      value === null || cipher.versionOf(value) !== "v1"
        ? undefined
        : cipher.encrypt(cipher.decrypt(value, binding), binding);
    let rewritten = 0;
    const count = (patch: Record<string, string | undefined>) => {
      const set = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
      rewritten += Object.keys(set).length;
      return set;
    };

    for (let after = ""; ; ) {
      const rows = await trx
        .selectFrom("customers")
        .select(["id", "phone_enc", "name_enc", "profile_enc", "details_enc"])
        .where("id", ">", after)
        .orderBy("id")
        .limit(PAGE)
        .execute();
      for (const row of rows) {
        const set = count({
          phone_enc: rebind(row.phone_enc, CUSTOMER_AAD.phone(row.id)),
          name_enc: rebind(row.name_enc, CUSTOMER_AAD.name(row.id)),
          profile_enc: rebind(row.profile_enc, CUSTOMER_AAD.profile(row.id)),
          details_enc: rebind(row.details_enc, CUSTOMER_AAD.details(row.id)),
        });
        if (Object.keys(set).length > 0) await trx.updateTable("customers").set(set).where("id", "=", row.id).execute();
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < PAGE) break;
      after = last.id;
    }

    for (let after = 0; ; ) {
      const rows = await trx
        .selectFrom("messages")
        .select(["id", "customer_id", "text_enc", "content_enc", "reaction_enc"])
        .where("id", ">", after)
        .orderBy("id")
        .limit(PAGE)
        .execute();
      for (const row of rows) {
        const set = count({
          text_enc: rebind(row.text_enc, MESSAGE_TEXT_AAD(row.customer_id)),
          content_enc: rebind(row.content_enc, MESSAGE_CONTENT_AAD(row.customer_id)),
          reaction_enc: rebind(row.reaction_enc, MESSAGE_REACTION_AAD(row.customer_id)),
        });
        if (Object.keys(set).length > 0) await trx.updateTable("messages").set(set).where("id", "=", row.id).execute();
      }
      const last = rows.at(-1);
      if (last === undefined || rows.length < PAGE) break;
      after = Number(last.id);
    }

    const outbox = await trx
      .selectFrom("outbox")
      .select(["id", "customer_id", "in_reply_to_gateway_id_enc"])
      .where("in_reply_to_gateway_id_enc", "is not", null)
      .execute();
    for (const row of outbox) {
      const set = count({
        in_reply_to_gateway_id_enc: rebind(row.in_reply_to_gateway_id_enc, OUTBOX_REPLY_TO_AAD(row.customer_id)),
      });
      if (Object.keys(set).length > 0) await trx.updateTable("outbox").set(set).where("id", "=", row.id).execute();
    }

    const inbox = await trx
      .selectFrom("inbox")
      .select(["id", "gateway_message_index", "payload_enc"])
      .where("payload_enc", "!=", "")
      .execute();
    for (const row of inbox) {
      const set = count({ payload_enc: rebind(row.payload_enc, INBOX_PAYLOAD_AAD(row.gateway_message_index)) });
      if (Object.keys(set).length > 0) await trx.updateTable("inbox").set(set).where("id", "=", row.id).execute();
    }

    await trx.deleteFrom("settings").where("key", "=", ROW_BOUND_CIPHERTEXTS_SETTING).execute();
    return rewritten;
  });
}
