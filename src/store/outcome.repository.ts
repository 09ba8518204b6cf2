/**
 * Reported outcomes (won, lost, advanced) as the operator sees them.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, OutcomeRow } from "./database.js";

/** A customer's reported outcomes, oldest first. */
export async function outcomesOfCustomer(db: Kysely<Database>, customerId: string): Promise<OutcomeRow[]> {
  return db.selectFrom("outcomes").selectAll().where("customer_id", "=", customerId).orderBy("id").execute();
}
