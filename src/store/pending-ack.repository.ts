/**
 * Delivery receipts that arrived before the send result told us the gateway id
 * (GOWA's ack can beat its own HTTP response); applied once the id is known.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { GatewayIdIndex } from "./gateway-id.js";
import { PreparedQuery } from "./prepared-query.js";

/** Buffers a receipt for an id we do not know yet. */
export async function bufferAck(
  db: Kysely<Database>,
  a: { gateway: string; gatewayMessageIndex: GatewayIdIndex; status: string; at: number },
): Promise<void> {
  await db
    .insertInto("pending_acks")
    .values({ gateway: a.gateway, gateway_message_index: a.gatewayMessageIndex, status: a.status, at: a.at })
    .onConflict((oc) => oc.columns(["gateway", "gateway_message_index", "status"]).doNothing())
    .execute();
}

/** Takes (reads and deletes) the buffered receipts of one id. */
export async function takeBufferedAcks(
  db: Kysely<Database>,
  gateway: string,
  gatewayMessageIndex: GatewayIdIndex,
): Promise<{ status: string; at: number }[]> {
  const rows = await bufferedAcksQuery.rows(db, { gateway, gatewayMessageIndex });
  if (rows.length > 0) {
    await db
      .deleteFrom("pending_acks")
      .where("gateway", "=", gateway)
      .where("gateway_message_index", "=", gatewayMessageIndex)
      .execute();
  }
  return rows;
}

const bufferedAcksQuery = new PreparedQuery((db, p: { gateway: string; gatewayMessageIndex: GatewayIdIndex }) =>
  db
    .selectFrom("pending_acks")
    .select(["status", "at"])
    .where("gateway", "=", p.gateway)
    .where("gateway_message_index", "=", p.gatewayMessageIndex)
    .orderBy("at"),
);

/** Deletes receipts buffered before `before` (a receipt whose send never got recorded); returns how many. */
export async function deleteStaleAcks(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db.deleteFrom("pending_acks").where("at", "<", before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
