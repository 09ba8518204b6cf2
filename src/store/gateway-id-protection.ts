/**
 * Hashes and encrypts the gateway message ids stored before they were
 * protected (see the `2026-12-03T0710-privacy` migration): runs at start, after
 * the migrations, with the data key; a no-op once done.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { FieldCipher } from "./field-cipher.js";
import { gatewayIdIndex, OUTBOX_REPLY_TO_AAD } from "./gateway-id.js";
import { GATEWAY_IDS_SETTING } from "./migrations/2026-12-03T0710-privacy.js";

/**
 * Replaces every plaintext gateway id left by an older version with its keyed
 * hash (inbox, messages, pending acks) or its ciphertext (the outbox's reply-to),
 * in one transaction.
 * @returns how many values were rewritten (0 when there was nothing to do).
 */
export async function protectStoredGatewayIds(db: Kysely<Database>, cipher: FieldCipher): Promise<number> {
  const marker = await db
    .selectFrom("settings")
    .select("value")
    .where("key", "=", GATEWAY_IDS_SETTING)
    .executeTakeFirst();
  if (marker === undefined) return 0;
  return db.transaction().execute(async (trx) => {
    let rewritten = 0;
    for (const row of await trx.selectFrom("inbox").select(["id", "gateway_message_index"]).execute()) {
      await trx
        .updateTable("inbox")
        .set({ gateway_message_index: gatewayIdIndex(cipher, row.gateway_message_index) })
        .where("id", "=", row.id)
        .execute();
      rewritten++;
    }
    const messages = await trx
      .selectFrom("messages")
      .select(["id", "gateway_message_index"])
      .where("gateway_message_index", "is not", null)
      .execute();
    for (const row of messages) {
      await trx
        .updateTable("messages")
        .set({ gateway_message_index: gatewayIdIndex(cipher, row.gateway_message_index as string) })
        .where("id", "=", row.id)
        .execute();
      rewritten++;
    }
    const acks = await trx.selectFrom("pending_acks").selectAll().execute();
    await trx.deleteFrom("pending_acks").execute();
    for (const ack of acks) {
      await trx
        .insertInto("pending_acks")
        .values({ ...ack, gateway_message_index: gatewayIdIndex(cipher, ack.gateway_message_index) })
        .onConflict((oc) => oc.doNothing())
        .execute();
      rewritten++;
    }
    const outbox = await trx
      .selectFrom("outbox")
      .select(["id", "customer_id", "in_reply_to_gateway_id_enc"])
      .where("in_reply_to_gateway_id_enc", "is not", null)
      .execute();
    for (const row of outbox) {
      await trx
        .updateTable("outbox")
        .set({
          in_reply_to_gateway_id_enc: cipher.encrypt(
            row.in_reply_to_gateway_id_enc as string,
            OUTBOX_REPLY_TO_AAD(row.customer_id),
          ),
        })
        .where("id", "=", row.id)
        .execute();
      rewritten++;
    }
    await trx.deleteFrom("settings").where("key", "=", GATEWAY_IDS_SETTING).execute();
    return rewritten;
  });
}
