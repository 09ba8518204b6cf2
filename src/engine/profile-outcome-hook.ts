/**
 * The outcome hook every surface (admin API, CLI, MCP) passes when it records
 * an outcome: a won or lost customer's profile is updated in the outcome's
 * transaction (purchase probability, recommended approach).
 * @module
 */
import type { OutcomeHook } from "../experiments/index.js";
import { CUSTOMER_AAD, type FieldCipher, findCustomerById, updateCustomer } from "../store/index.js";
import { profileOf } from "./customer-view.js";
import { profileAfterOutcome } from "./profile-rules.js";

/** An outcome hook that updates the customer's profile after a won or lost outcome. */
export function profileAfterOutcomeHook(cipher: FieldCipher): OutcomeHook {
  return async function updateProfileAfterOutcome(db, report) {
    if (report.outcome === "advanced") return;
    const row = await findCustomerById(db, report.customerId);
    if (row === undefined) return;
    const profile = profileAfterOutcome(profileOf(row, cipher), report.outcome);
    await updateCustomer(db, row.id, {
      profile_enc: cipher.encryptJson(profile, CUSTOMER_AAD.profile(row.id)),
      updated_at: report.now,
    });
  };
}
