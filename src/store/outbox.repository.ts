/**
 * The outbox: replies waiting for the sender, one row per transcript message.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database, OutboxRow } from "./database.js";
import { PreparedPatch, PreparedQuery } from "./prepared-query.js";

/** What the engine queues for one reply. */
export interface NewOutboxEntry {
  messageId: number;
  customerId: string;
  /** `reply` from the bot, `confirmation` of an opt-out or opt-in, `human`: written by a person as the shop, `follow_up`: the bot writing first to a quiet customer. */
  kind: "reply" | "confirmation" | "human" | "follow_up";
  /** `composing` when an LLM will rewrite the draft before it is sent; default `pending`. */
  status?: "pending" | "composing";
  inReplyToAt: number | null;
  /** The answered inbound message's gateway id, encrypted (`OUTBOX_REPLY_TO_AAD`); null when none. */
  inReplyToGatewayIdEnc: string | null;
  createdAt: number;
}

/** Queues a reply and returns the outbox id. */
export async function insertOutboxEntry(db: Kysely<Database>, e: NewOutboxEntry): Promise<number> {
  const row = await insertOutboxQuery.first(db, { ...e, status: e.status ?? "pending" });
  if (row === undefined) throw new Error("outbox insert returned no id");
  return Number(row.id);
}

const insertOutboxQuery = new PreparedQuery((db, e: NewOutboxEntry) =>
  db
    .insertInto("outbox")
    .values({
      message_id: e.messageId,
      customer_id: e.customerId,
      kind: e.kind,
      status: e.status as NonNullable<NewOutboxEntry["status"]>,
      attempts: 0,
      next_attempt_at: e.createdAt,
      in_reply_to_at: e.inReplyToAt,
      in_reply_to_gateway_id_enc: e.inReplyToGatewayIdEnc,
      last_error: null,
      created_at: e.createdAt,
      sent_at: null,
    })
    .returning("id"),
);

/** Outbox states the sender still has to finish. */
const OPEN_STATUSES = ["pending", "sending", "composing"] as const;

/**
 * The head of each chat's queue: per customer, the oldest row still to finish
 * (pending, interrupted `sending`, or `composing` while an LLM writes it), the
 * soonest due first. Only heads are returned, so a later reply never overtakes
 * an earlier one, and many deferred chats (quiet hours, a paused number) do not
 * crowd out fresh replies from the scan.
 */
export async function openOutboxRows(db: Kysely<Database>, limit: number): Promise<OutboxRow[]> {
  return openOutboxQuery.rows(db, { limit });
}

const openOutboxQuery = new PreparedQuery((db, p: { limit: number }) =>
  db
    .selectFrom("outbox as o")
    .selectAll("o")
    .where("o.status", "in", OPEN_STATUSES)
    .where("o.id", "=", (eb) =>
      eb
        .selectFrom("outbox as head")
        .select((h) => h.fn.min("head.id").as("first"))
        .whereRef("head.customer_id", "=", "o.customer_id")
        .where("head.status", "in", OPEN_STATUSES),
    )
    .orderBy("o.next_attempt_at")
    .orderBy("o.id")
    .limit(p.limit),
);

/**
 * The head of one chat's queue: its oldest row still to finish, or undefined. Reads the
 * partial index of open rows (`outbox_open_customer_idx`), whose condition the query repeats
 * (as literals, not parameters) so SQLite uses it.
 */
export async function openOutboxHead(db: Kysely<Database>, customerId: string): Promise<OutboxRow | undefined> {
  return openHeadQuery.first(db, { customerId });
}

const openHeadQuery = new PreparedQuery((db, p: { customerId: string }) =>
  db
    .selectFrom("outbox")
    .selectAll()
    .where("customer_id", "=", p.customerId)
    .where(sql.ref("status"), "in", [sql.lit("pending"), sql.lit("sending"), sql.lit("composing")])
    .orderBy("id")
    .limit(1),
);

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
  await outboxPatch.execute(db, id, patch);
}

const outboxPatch = new PreparedPatch(
  (db, patch: Partial<Pick<OutboxRow, "status" | "attempts" | "next_attempt_at" | "last_error" | "sent_at">>, id) =>
    db
      .updateTable("outbox")
      .set(patch)
      .where("id", "=", id as number),
);

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

/**
 * Records that a send is about to reach the gateway: `sending`, with the SHA-256 of the text
 * and the attempt time. Committed before the gateway is called, so a crash during the call
 * leaves a row the sender reconciles with the gateway's history before it sends again.
 */
export async function startOutboxSend(
  db: Kysely<Database>,
  id: number,
  attempt: { sendHash: string; startedAt: number },
): Promise<void> {
  await startSendQuery.execute(db, { id, ...attempt });
}

const startSendQuery = new PreparedQuery((db, p: { id: number; sendHash: string; startedAt: number }) =>
  db
    .updateTable("outbox")
    .set({ status: "sending", send_hash: p.sendHash, send_started_at: p.startedAt })
    .where("id", "=", p.id),
);

/** Rows left `sending` (their gateway call's outcome is unknown: the process stopped during it), oldest first. */
export async function sendingOutboxRows(db: Kysely<Database>): Promise<OutboxRow[]> {
  return db.selectFrom("outbox").selectAll().where("status", "=", "sending").orderBy("id").execute();
}
