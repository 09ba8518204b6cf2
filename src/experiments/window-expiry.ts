/**
 * The scheduled job that resolves expired conversion windows: each pending
 * assignment whose window closed fails, and a customer whose current stage's
 * window closed has gone quiet and becomes `lost`. Idempotent.
 * @module
 */
import type { Kysely } from "kysely";
import { type Database, expiredPendingAssignments, resolveAssignment, updateCustomer } from "../store/index.js";

/** What one run did. */
export interface ExpiryResult {
  expired: number;
  customersLost: number;
}

/** Resolves every window that closed before `now`, in batches. */
export async function expireWindows(db: Kysely<Database>, now: number, batchSize = 500): Promise<ExpiryResult> {
  const result: ExpiryResult = { expired: 0, customersLost: 0 };
  for (;;) {
    const batch = await expiredPendingAssignments(db, now, batchSize);
    if (batch.length === 0) return result;
    await db.transaction().execute(async (trx) => {
      for (const a of batch) {
        if (!(await resolveAssignment(trx, Number(a.id), "failure", "window_expired", now))) continue;
        result.expired++;
        const customer = await trx
          .selectFrom("customers")
          .select(["id", "stage", "journey"])
          .where("id", "=", a.customer_id)
          .executeTakeFirst();
        if (customer !== undefined && customer.journey === a.journey && customer.stage === a.stage) {
          await updateCustomer(trx, customer.id, { stage: "lost", stage_entered_at: now, updated_at: now });
          result.customersLost++;
        }
      }
    });
  }
}
