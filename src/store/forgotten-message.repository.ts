/**
 * Tombstones of forgotten customers' gateway message ids (keyed hashes only).
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { GatewayIdIndex } from "./gateway-id.js";
import { PreparedQuery } from "./prepared-query.js";

/** Records these message-id hashes as forgotten (idempotent). */
export async function addForgottenMessages(
  db: Kysely<Database>,
  indexes: readonly string[],
  at: number,
): Promise<void> {
  const unique = [...new Set(indexes)];
  for (let i = 0; i < unique.length; i += 200) {
    await db
      .insertInto("forgotten_messages")
      .values(unique.slice(i, i + 200).map((index) => ({ gateway_message_index: index, forgotten_at: at })))
      .onConflict((oc) => oc.column("gateway_message_index").doNothing())
      .execute();
  }
}

/** True when a forgotten customer's message had this id. */
export async function isForgottenMessage(db: Kysely<Database>, index: GatewayIdIndex): Promise<boolean> {
  return (await forgottenQuery.first(db, { index })) !== undefined;
}

const forgottenQuery = new PreparedQuery((db, p: { index: GatewayIdIndex }) =>
  db.selectFrom("forgotten_messages").select("gateway_message_index").where("gateway_message_index", "=", p.index),
);
