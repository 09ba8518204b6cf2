/**
 * Opt-out and opt-in events, kept with their time.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";

/** Records an opt-out or opt-in. */
export async function insertConsentEvent(
  db: Kysely<Database>,
  customerId: string,
  kind: "opt_out" | "opt_in",
  at: number,
): Promise<void> {
  await db.insertInto("consent_events").values({ customer_id: customerId, kind, at }).execute();
}

/** A customer's consent history, oldest first. */
export async function consentHistory(
  db: Kysely<Database>,
  customerId: string,
): Promise<{ kind: string; at: number }[]> {
  return db
    .selectFrom("consent_events")
    .select(["kind", "at"])
    .where("customer_id", "=", customerId)
    .orderBy("id")
    .execute();
}
