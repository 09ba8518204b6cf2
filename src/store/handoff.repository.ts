/**
 * Human takeovers of a chat.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, HandoffRow } from "./database.js";

/** Records the start of a handoff. */
export async function insertHandoff(
  db: Kysely<Database>,
  h: { customerId: string; startedAt: number; endsAt: number; reason: string },
): Promise<void> {
  await db
    .insertInto("handoffs")
    .values({ customer_id: h.customerId, started_at: h.startedAt, ends_at: h.endsAt, ended_at: null, reason: h.reason })
    .execute();
}

/** Ends every open handoff of a customer early. */
export async function endHandoffs(db: Kysely<Database>, customerId: string, at: number): Promise<void> {
  await db
    .updateTable("handoffs")
    .set({ ended_at: at })
    .where("customer_id", "=", customerId)
    .where("ended_at", "is", null)
    .where("ends_at", ">", at)
    .execute();
}

/** A customer's handoffs, oldest first. */
export async function handoffHistory(db: Kysely<Database>, customerId: string): Promise<HandoffRow[]> {
  return db.selectFrom("handoffs").selectAll().where("customer_id", "=", customerId).orderBy("id").execute();
}

/** Moves the end of a customer's open handoff (a person who keeps writing keeps the chat). */
export async function extendOpenHandoff(
  db: Kysely<Database>,
  customerId: string,
  endsAt: number,
  now: number,
): Promise<void> {
  await db
    .updateTable("handoffs")
    .set({ ends_at: endsAt })
    .where("customer_id", "=", customerId)
    .where("ended_at", "is", null)
    .where("ends_at", ">", now)
    .where("ends_at", "<", endsAt)
    .execute();
}
