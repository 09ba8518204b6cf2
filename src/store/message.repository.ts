/**
 * The transcript: every message in and out, with delivery status for ours.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, MessageRow } from "./database.js";
import { type FieldCipher, type RowBinding, rowBound } from "./field-cipher.js";
import type { GatewayIdIndex } from "./gateway-id.js";
import { PreparedQuery } from "./prepared-query.js";

/**
 * Associated data binding a message's text ciphertext to its column and to the row's customer
 * (`messages.customer_id`: the message's own id is assigned only at insert).
 */
export const MESSAGE_TEXT_AAD = (customerId: string): RowBinding => rowBound("messages.text", customerId);
/** Associated data of a message's described content (media description, location, …): column and customer. */
export const MESSAGE_CONTENT_AAD = (customerId: string): RowBinding => rowBound("messages.content", customerId);
/** Associated data of the emoji a customer reacted to a message with: column and customer. */
export const MESSAGE_REACTION_AAD = (customerId: string): RowBinding => rowBound("messages.reaction", customerId);

/** A transcript message, decrypted. */
export interface MessageRecord {
  id: number;
  customerId: string;
  direction: "in" | "out";
  author: "customer" | "bot" | "human";
  text: string;
  /** Keyed hash of the gateway's message id (the id itself is not stored). */
  gatewayMessageIndex: string | null;
  journey: number;
  stage: string;
  assignmentId: number | null;
  variantId: string | null;
  variantVersion: number | null;
  intent: string | null;
  status: string;
  statusReason: string | null;
  createdAt: number;
  statusAt: number;
  /** The message kind (`text`, `image`, `voice`, `order`, …). */
  kind: string;
  /** The kind's described content (never media bytes), or null for text. */
  content: unknown;
  /** The emoji the customer reacted to this message with, or null. */
  reaction: string | null;
  /** When the customer edited it, or null. */
  editedAt: number | null;
  /** When its author deleted it (the text is then empty), or null. */
  revokedAt: number | null;
}

/** What the engine writes for one message. */
export interface NewMessage {
  customerId: string;
  direction: "in" | "out";
  author: "customer" | "bot" | "human";
  textEnc: string;
  /** Keyed hash of the gateway's message id (`gatewayIdIndex`), or null for a reply not sent yet. */
  gatewayMessageIndex: GatewayIdIndex | null;
  journey: number;
  stage: string;
  assignmentId: number | null;
  variantId: string | null;
  variantVersion: number | null;
  intent: string | null;
  status: string;
  createdAt: number;
  /** The message kind; default `text`. */
  kind?: string;
  /** Encrypted JSON of the kind's content (`MESSAGE_CONTENT_AAD`); default none. */
  contentEnc?: string | null;
}

/** Inserts a transcript message and returns its id. */
export async function insertMessage(db: Kysely<Database>, m: NewMessage): Promise<number> {
  const row = await insertMessageQuery.first(db, { ...m, kind: m.kind ?? "text", contentEnc: m.contentEnc ?? null });
  if (row === undefined) throw new Error("message insert returned no id");
  return Number(row.id);
}

const insertMessageQuery = new PreparedQuery((db, m: Required<NewMessage>) =>
  db
    .insertInto("messages")
    .values({
      customer_id: m.customerId,
      direction: m.direction,
      author: m.author,
      text_enc: m.textEnc,
      gateway_message_index: m.gatewayMessageIndex,
      journey: m.journey,
      stage: m.stage,
      assignment_id: m.assignmentId,
      variant_id: m.variantId,
      variant_version: m.variantVersion,
      intent: m.intent,
      status: m.status,
      status_reason: null,
      created_at: m.createdAt,
      status_at: m.createdAt,
      kind: m.kind,
      content_enc: m.contentEnc,
    })
    .returning("id"),
);

/** Sets a message's delivery status (and gateway id, once known). */
export async function setMessageStatus(
  db: Kysely<Database>,
  id: number,
  status: string,
  at: number,
  { reason = null, gatewayMessageIndex }: { reason?: string | null; gatewayMessageIndex?: GatewayIdIndex } = {},
): Promise<void> {
  if (gatewayMessageIndex === undefined) await setStatusQuery.execute(db, { id, status, reason, at });
  else await setStatusAndIndexQuery.execute(db, { id, status, reason, at, gatewayMessageIndex });
}

type StatusSlots = { id: number; status: string; reason: string | null; at: number };
const setStatusQuery = new PreparedQuery((db, p: StatusSlots) =>
  db.updateTable("messages").set({ status: p.status, status_reason: p.reason, status_at: p.at }).where("id", "=", p.id),
);
const setStatusAndIndexQuery = new PreparedQuery((db, p: StatusSlots & { gatewayMessageIndex: GatewayIdIndex }) =>
  db
    .updateTable("messages")
    .set({ status: p.status, status_reason: p.reason, status_at: p.at, gateway_message_index: p.gatewayMessageIndex })
    .where("id", "=", p.id),
);

/** The encrypted text of the bot's last message to this customer, or undefined when it wrote none. */
export async function lastBotTextEnc(db: Kysely<Database>, customerId: string): Promise<string | undefined> {
  return (await lastBotTextQuery.first(db, { customerId }))?.text_enc;
}

const lastBotTextQuery = new PreparedQuery((db, p: { customerId: string }) =>
  db
    .selectFrom("messages")
    .select("text_enc")
    .where("customer_id", "=", p.customerId)
    .where("direction", "=", "out")
    .where("author", "=", "bot")
    .orderBy("id", "desc")
    .limit(1),
);

/** A message's encrypted text, or undefined when the message is gone. */
export async function messageTextEnc(db: Kysely<Database>, id: number): Promise<string | undefined> {
  return (await messageTextQuery.first(db, { id }))?.text_enc;
}

const messageTextQuery = new PreparedQuery((db, p: { id: number }) =>
  db.selectFrom("messages").select("text_enc").where("id", "=", p.id),
);

/** Outbound messages carrying this gateway id (a receipt's subject). */
export async function findOutboundByGatewayId(
  db: Kysely<Database>,
  gatewayMessageIndex: GatewayIdIndex,
): Promise<Pick<MessageRow, "id" | "status" | "customer_id"> | undefined> {
  return db
    .selectFrom("messages")
    .select(["id", "status", "customer_id"])
    .where("gateway_message_index", "=", gatewayMessageIndex)
    .where("direction", "=", "out")
    .executeTakeFirst();
}

/** The customer's transcript, oldest first (at most `limit` most recent). */
export async function transcript(
  db: Kysely<Database>,
  cipher: FieldCipher,
  customerId: string,
  limit = 200,
): Promise<MessageRecord[]> {
  const rows = await db
    .selectFrom("messages")
    .selectAll()
    .where("customer_id", "=", customerId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.reverse().map((row) => messageRowToRecord(row, cipher));
}

/** Messages by id (decrypted), in id order. */
export async function messagesByIds(
  db: Kysely<Database>,
  cipher: FieldCipher,
  ids: number[],
): Promise<MessageRecord[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom("messages").selectAll().where("id", "in", ids).orderBy("id").execute();
  return rows.map((row) => messageRowToRecord(row, cipher));
}

/** Decrypts a message row. @throws CloserError `decryption_failed` on a tampered value. */
export function messageRowToRecord(row: MessageRow, cipher: FieldCipher): MessageRecord {
  return {
    id: Number(row.id),
    customerId: row.customer_id,
    direction: row.direction as MessageRecord["direction"],
    author: row.author as MessageRecord["author"],
    text: cipher.decrypt(row.text_enc, MESSAGE_TEXT_AAD(row.customer_id)),
    gatewayMessageIndex: row.gateway_message_index,
    journey: row.journey,
    stage: row.stage,
    assignmentId: row.assignment_id,
    variantId: row.variant_id,
    variantVersion: row.variant_version,
    intent: row.intent,
    status: row.status,
    statusReason: row.status_reason,
    createdAt: row.created_at,
    statusAt: row.status_at,
    kind: row.kind,
    content:
      row.content_enc === null ? null : cipher.decryptJson(row.content_enc, MESSAGE_CONTENT_AAD(row.customer_id)),
    reaction:
      row.reaction_enc === null ? null : cipher.decrypt(row.reaction_enc, MESSAGE_REACTION_AAD(row.customer_id)),
    editedAt: row.edited_at,
    revokedAt: row.revoked_at,
  };
}
