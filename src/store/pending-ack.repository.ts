/**
 * Delivery receipts that arrived before the send result told us the gateway id
 * (GOWA's ack can beat its own HTTP response); applied once the id is known.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";

/** Buffers a receipt for an id we do not know yet. */
export async function bufferAck(
  db: Kysely<Database>,
  a: { gateway: string; gatewayMessageId: string; status: string; at: number },
): Promise<void> {
  await db
    .insertInto("pending_acks")
    .values({ gateway: a.gateway, gateway_message_id: a.gatewayMessageId, status: a.status, at: a.at })
    .onConflict((oc) => oc.columns(["gateway", "gateway_message_id", "status"]).doNothing())
    .execute();
}

/** Takes (reads and deletes) the buffered receipts of one id. */
export async function takeBufferedAcks(
  db: Kysely<Database>,
  gateway: string,
  gatewayMessageId: string,
): Promise<{ status: string; at: number }[]> {
  const rows = await db
    .selectFrom("pending_acks")
    .select(["status", "at"])
    .where("gateway", "=", gateway)
    .where("gateway_message_id", "=", gatewayMessageId)
    .orderBy("at")
    .execute();
  if (rows.length > 0) {
    await db
      .deleteFrom("pending_acks")
      .where("gateway", "=", gateway)
      .where("gateway_message_id", "=", gatewayMessageId)
      .execute();
  }
  return rows;
}
