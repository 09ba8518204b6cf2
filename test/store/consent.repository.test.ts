import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { consentHistory, insertConsentEvent } from "../../src/store/consent.repository.js";
import { insertCustomer } from "../../src/store/customer.repository.js";
import { createTestDatabase, placeholderCustomerRow, type TestDatabase } from "../support/test-database.js";

describe("consent repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
    for (const id of ["c1", "c2"]) {
      await insertCustomer(t.db, placeholderCustomerRow(id));
    }
  });
  afterEach(async () => {
    await t.close();
  });

  it("should keep a customer's opt-outs and opt-ins with their times, oldest first", async () => {
    await insertConsentEvent(t.db, "c1", "opt_out", 100);
    await insertConsentEvent(t.db, "c2", "opt_out", 150);
    await insertConsentEvent(t.db, "c1", "opt_in", 200);
    expect(await consentHistory(t.db, "c1")).toEqual([
      { kind: "opt_out", at: 100 },
      { kind: "opt_in", at: 200 },
    ]);
    expect(await consentHistory(t.db, "c2")).toEqual([{ kind: "opt_out", at: 150 }]);
  });

  it("should have an empty history for a customer who never changed consent", async () => {
    expect(await consentHistory(t.db, "c1")).toEqual([]);
  });

  it("should refuse an event for an unknown customer", async () => {
    await expect(insertConsentEvent(t.db, "nobody", "opt_out", 1)).rejects.toThrow(/foreign key/i);
  });
});
