/**
 * The inbox: inbound messages persisted before the webhook is acknowledged,
 * deduplicated on (gateway, gateway message id), processed in id order.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, InboxRow } from "./database.js";
import { type RowBinding, rowBound } from "./field-cipher.js";
import type { GatewayIdIndex } from "./gateway-id.js";
import { PreparedQuery } from "./prepared-query.js";

/**
 * Associated data binding an inbox payload to its column and its row: the keyed hash of the gateway's
 * message id (unique per gateway and known before insert; the row id is not, and no customer is yet).
 */
export const INBOX_PAYLOAD_AAD = (gatewayMessageIndex: string): RowBinding =>
  rowBound("inbox.payload", gatewayMessageIndex);

/** What intake stores for one inbound message. */
export interface NewInboxEntry {
  gateway: string;
  /** The keyed hash of the gateway's message id (`gatewayIdIndex`). */
  gatewayMessageIndex: GatewayIdIndex;
  identityIndex: string;
  payloadEnc: string;
  receivedAt: number;
}

/**
 * Inserts an inbound message unless (gateway, gateway message id) is already there.
 * @returns the new row id, or `null` for a duplicate.
 */
export async function insertInboxEntry(db: Kysely<Database>, entry: NewInboxEntry): Promise<number | null> {
  const row = await insertInboxQuery.first(db, entry);
  return row === undefined ? null : Number(row.id);
}

const insertInboxQuery = new PreparedQuery((db, e: NewInboxEntry) =>
  db
    .insertInto("inbox")
    .values({
      gateway: e.gateway,
      gateway_message_index: e.gatewayMessageIndex,
      identity_index: e.identityIndex,
      payload_enc: e.payloadEnc,
      received_at: e.receivedAt,
      status: "pending",
      attempts: 0,
      processed_at: null,
      last_error: null,
    })
    .onConflict((oc) => oc.columns(["gateway", "gateway_message_index"]).doNothing())
    .returning("id"),
);

/** Finds the inbox id of an already accepted message. */
export async function findInboxId(
  db: Kysely<Database>,
  gateway: string,
  gatewayMessageIndex: GatewayIdIndex,
): Promise<number | null> {
  const row = await db
    .selectFrom("inbox")
    .select("id")
    .where("gateway", "=", gateway)
    .where("gateway_message_index", "=", gatewayMessageIndex)
    .executeTakeFirst();
  return row === undefined ? null : Number(row.id);
}

/** The oldest pending inbox rows, in arrival order. */
export async function pendingInboxRows(db: Kysely<Database>, limit: number): Promise<InboxRow[]> {
  return pendingInboxQuery.rows(db, { limit });
}

const pendingInboxQuery = new PreparedQuery((db, p: { limit: number }) =>
  db.selectFrom("inbox").selectAll().where("status", "=", "pending").orderBy("id").limit(p.limit),
);

/** Marks a row processed. */
export async function markInboxDone(db: Kysely<Database>, id: number, at: number): Promise<void> {
  await markInboxDoneQuery.execute(db, { id, at });
}

const markInboxDoneQuery = new PreparedQuery((db, p: { id: number; at: number }) =>
  db.updateTable("inbox").set({ status: "done", processed_at: p.at, last_error: null }).where("id", "=", p.id),
);

/** Records a failed attempt; after `maxAttempts` the row is parked as `failed` so the queue moves on. */
export async function markInboxAttemptFailed(
  db: Kysely<Database>,
  id: number,
  reason: string,
  maxAttempts: number,
  at: number,
): Promise<"retry" | "failed"> {
  const row = await db.selectFrom("inbox").select("attempts").where("id", "=", id).executeTakeFirst();
  const attempts = (row?.attempts ?? 0) + 1;
  const status = attempts >= maxAttempts ? "failed" : "pending";
  await db
    .updateTable("inbox")
    .set({ attempts, status, last_error: reason.slice(0, 300), processed_at: status === "failed" ? at : null })
    .where("id", "=", id)
    .execute();
  return status === "failed" ? "failed" : "retry";
}

/** Counts inbox rows by status (metrics, health). */
export async function countInboxByStatus(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("inbox")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
