import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertCustomer } from "../../src/store/customer.repository.js";
import { endHandoffs, handoffHistory, insertHandoff } from "../../src/store/handoff.repository.js";
import { createTestDatabase, placeholderCustomerRow, type TestDatabase } from "../support/test-database.js";

describe("handoff repository", () => {
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

  it("should record handoffs as open, oldest first", async () => {
    await insertHandoff(t.db, { customerId: "c1", startedAt: 10, endsAt: 100, reason: "fromMe" });
    await insertHandoff(t.db, { customerId: "c1", startedAt: 200, endsAt: 300, reason: "operator" });
    const history = await handoffHistory(t.db, "c1");
    expect(history.map((h) => [h.started_at, h.ends_at, h.ended_at, h.reason])).toEqual([
      [10, 100, null, "fromMe"],
      [200, 300, null, "operator"],
    ]);
  });

  it("should end only the customer's handoffs still running at that time", async () => {
    await insertHandoff(t.db, { customerId: "c1", startedAt: 10, endsAt: 100, reason: "over already" });
    await insertHandoff(t.db, { customerId: "c1", startedAt: 200, endsAt: 300, reason: "running" });
    await insertHandoff(t.db, { customerId: "c2", startedAt: 200, endsAt: 300, reason: "someone else" });

    await endHandoffs(t.db, "c1", 250);

    expect((await handoffHistory(t.db, "c1")).map((h) => h.ended_at)).toEqual([null, 250]);
    expect((await handoffHistory(t.db, "c2")).map((h) => h.ended_at)).toEqual([null]);
  });

  it("should keep the first end time when a handoff is ended twice", async () => {
    await insertHandoff(t.db, { customerId: "c1", startedAt: 200, endsAt: 300, reason: "running" });
    await endHandoffs(t.db, "c1", 250);
    await endHandoffs(t.db, "c1", 260);
    expect((await handoffHistory(t.db, "c1")).map((h) => h.ended_at)).toEqual([250]);
  });
});
