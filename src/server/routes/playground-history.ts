/**
 * What the playground page reads back after a reload: every customer with
 * their transcript, each reply with its stage, strategy and the probability
 * it was chosen with — the same shape `POST /api/playground/messages` answers.
 * @module
 */
import type { Kysely } from "kysely";
import { profileOf } from "../../engine/index.js";
import { customerRowToRecord, type Database, type FieldCipher, listCustomers, transcript } from "../../store/index.js";

/** Customers the playground restores, most recently active first. */
export const PLAYGROUND_HISTORY_CUSTOMERS = 50;
/** Messages restored per customer (the newest). */
export const PLAYGROUND_HISTORY_MESSAGES = 200;

/** One restored message. */
export interface PlaygroundHistoryMessage {
  /** `customer` (written in the playground), `bot`, or `human` (written by a person as the shop). */
  author: string;
  text: string;
  stage: string;
  variant: string | null;
  version: number | null;
  propensity: number | null;
  /** Delivery status of our messages (`sent`, `held`, …); `received` for the customer's. */
  status: string;
  at: string;
}

/** One restored conversation. */
export interface PlaygroundConversation {
  phone: string;
  name: string;
  customer: { id: string; stage: string; optedOut: boolean; handoff: boolean; profile: unknown };
  messages: PlaygroundHistoryMessage[];
}

/**
 * Reads the playground's conversations back: the most recently active
 * customers, in the order they first wrote (the order their tabs were opened).
 */
export async function playgroundHistory(
  db: Kysely<Database>,
  cipher: FieldCipher,
  now: number,
): Promise<PlaygroundConversation[]> {
  const rows = await listCustomers(db, { limit: PLAYGROUND_HISTORY_CUSTOMERS });
  const conversations: PlaygroundConversation[] = [];
  rows.sort((a, b) => a.first_contact_at - b.first_contact_at || a.created_at - b.created_at);
  for (const row of rows) {
    const record = customerRowToRecord(row, cipher);
    const messages = await transcript(db, cipher, row.id, PLAYGROUND_HISTORY_MESSAGES);
    const ids = messages.map((m) => m.assignmentId).filter((id): id is number => id !== null);
    const propensities =
      ids.length === 0
        ? new Map<number, number>()
        : new Map(
            (await db.selectFrom("assignments").select(["id", "propensity"]).where("id", "in", ids).execute()).map(
              (a) => [Number(a.id), a.propensity],
            ),
          );
    conversations.push({
      phone: record.identity.endsWith("@lid") ? record.identity : `+${record.identity}`,
      name: record.name ?? "",
      customer: {
        id: record.id,
        stage: record.stage,
        optedOut: record.optedOut,
        handoff: record.handoffUntil !== null && record.handoffUntil > now,
        profile: profileOf(row, cipher),
      },
      messages: messages.map((m) => ({
        author: m.author,
        text: m.text,
        stage: m.stage,
        variant: m.variantId,
        version: m.variantVersion,
        propensity: m.assignmentId === null ? null : (propensities.get(m.assignmentId) ?? null),
        status: m.direction === "in" ? "received" : m.status,
        at: new Date(m.createdAt).toISOString(),
      })),
    });
  }
  return conversations;
}
