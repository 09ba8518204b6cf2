/**
 * Changes a customer makes to a message already in the transcript: a reaction
 * recorded on the message reacted to, an edit that replaces its text, a revoke
 * that erases it. Each message is found by the gateway's id within one
 * customer's transcript, so nobody can touch another customer's messages.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { GatewayIdIndex } from "./gateway-id.js";

/** The transcript row a gateway message id names for this customer, if any. */
export async function findCustomerMessageByGatewayId(
  db: Kysely<Database>,
  customerId: string,
  gatewayMessageIndex: GatewayIdIndex,
): Promise<{ id: number; direction: string; author: string } | undefined> {
  const row = await db
    .selectFrom("messages")
    .select(["id", "direction", "author"])
    .where("customer_id", "=", customerId)
    .where("gateway_message_index", "=", gatewayMessageIndex)
    .orderBy("id")
    .executeTakeFirst();
  return row === undefined ? undefined : { id: Number(row.id), direction: row.direction, author: row.author };
}

/** Records (or, with `reactionEnc` null, removes) the customer's reaction on a message. */
export async function setMessageReaction(
  db: Kysely<Database>,
  id: number,
  reactionEnc: string | null,
  at: number,
): Promise<void> {
  await db.updateTable("messages").set({ reaction_enc: reactionEnc, reacted_at: at }).where("id", "=", id).execute();
}

/** Replaces a message's text with its edited version. */
export async function replaceMessageText(db: Kysely<Database>, id: number, textEnc: string, at: number): Promise<void> {
  await db.updateTable("messages").set({ text_enc: textEnc, edited_at: at }).where("id", "=", id).execute();
}

/** Erases a deleted message: its text becomes `emptyTextEnc` and its described content goes. */
export async function eraseMessage(db: Kysely<Database>, id: number, emptyTextEnc: string, at: number): Promise<void> {
  await db
    .updateTable("messages")
    .set({ text_enc: emptyTextEnc, content_enc: null, revoked_at: at })
    .where("id", "=", id)
    .execute();
}
