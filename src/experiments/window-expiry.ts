/**
 * The scheduled job that resolves expired conversion windows: each pending
 * assignment whose window closed fails, and a customer whose current stage's
 * window closed becomes `lost` if they have also been silent for a whole window
 * (gone quiet); one who is still writing keeps their journey. Idempotent.
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
          .select(["id", "stage", "journey", "last_inbound_at"])
          .where("id", "=", a.customer_id)
          .executeTakeFirst();
        // Lost means gone quiet: someone still chatting keeps their journey (the arm still failed).
        const window = a.window_ends_at - a.assigned_at;
        const quiet = customer?.last_inbound_at == null || now - customer.last_inbound_at >= window;
        if (customer !== undefined && quiet && customer.journey === a.journey && customer.stage === a.stage) {
          await updateCustomer(trx, customer.id, { stage: "lost", stage_entered_at: now, updated_at: now });
          result.customersLost++;
        }
      }
    });
  }
}
