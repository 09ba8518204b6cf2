/**
 * The outbox: replies waiting for the sender, one row per transcript message.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, OutboxRow } from "./database.js";

/** What the engine queues for one reply. */
export interface NewOutboxEntry {
  messageId: number;
  customerId: string;
  kind: "reply" | "confirmation";
  /** `composing` when an LLM will rewrite the draft before it is sent; default `pending`. */
  status?: "pending" | "composing";
  inReplyToAt: number | null;
  inReplyToGatewayId: string | null;
  createdAt: number;
}

/** Queues a reply and returns the outbox id. */
export async function insertOutboxEntry(db: Kysely<Database>, e: NewOutboxEntry): Promise<number> {
  const row = await db
    .insertInto("outbox")
    .values({
      message_id: e.messageId,
      customer_id: e.customerId,
      kind: e.kind,
      status: e.status ?? "pending",
      attempts: 0,
      next_attempt_at: e.createdAt,
      in_reply_to_at: e.inReplyToAt,
      in_reply_to_gateway_id: e.inReplyToGatewayId,
      last_error: null,
      created_at: e.createdAt,
      sent_at: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/**
 * Rows the sender may work on: pending or interrupted (`sending` after a crash),
 * oldest first, with the `composing` ones (an LLM is still writing them). Rows
 * that are composing or whose `next_attempt_at` is in the future are included so
 * the sender keeps per-chat order (a later reply never overtakes an earlier one).
 */
export async function openOutboxRows(db: Kysely<Database>, limit: number): Promise<OutboxRow[]> {
  return db
    .selectFrom("outbox")
    .selectAll()
    .where("status", "in", ["pending", "sending", "composing"])
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** Replies an LLM is to rewrite, oldest first. */
export async function composingOutboxRows(db: Kysely<Database>, limit: number): Promise<OutboxRow[]> {
  return db.selectFrom("outbox").selectAll().where("status", "=", "composing").orderBy("id").limit(limit).execute();
}

/** Sets an outbox row's state. */
export async function updateOutbox(
  db: Kysely<Database>,
  id: number,
  patch: Partial<Pick<OutboxRow, "status" | "attempts" | "next_attempt_at" | "last_error" | "sent_at">>,
): Promise<void> {
  await db.updateTable("outbox").set(patch).where("id", "=", id).execute();
}

/** Outbox rows by id (status polling for the playground). */
export async function outboxRowsByIds(db: Kysely<Database>, ids: number[]): Promise<OutboxRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom("outbox").selectAll().where("id", "in", ids).orderBy("id").execute();
}

/** Counts outbox rows by status (metrics). */
export async function countOutboxByStatus(db: Kysely<Database>): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom("outbox")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("status")
    .execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}
