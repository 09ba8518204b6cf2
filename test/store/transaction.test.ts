import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { transaction } from "../../src/store/transaction.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("transaction", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  const keys = async () => (await t.db.selectFrom("settings").select("key").orderBy("key").execute()).map((r) => r.key);

  it("should commit what the function wrote and return its result", async () => {
    const result = await transaction(t.db, async (trx) => {
      await trx.insertInto("settings").values({ key: "a", value: "1", updated_at: 1 }).execute();
      return 42;
    });
    expect(result).toBe(42);
    expect(await keys()).toEqual(["a"]);
  });

  it("should roll back everything and rethrow when the function throws", async () => {
    const failing = transaction(t.db, async (trx) => {
      await trx.insertInto("settings").values({ key: "a", value: "1", updated_at: 1 }).execute();
      throw new Error("nope");
    });
    await expect(failing).rejects.toThrow("nope");
    expect(await keys()).toEqual([]);
  });

  it("should join an enclosing transaction, so an outer failure undoes the inner writes too", async () => {
    const failing = transaction(t.db, async (outer) => {
      await transaction(outer, async (inner) => {
        expect(inner).toBe(outer);
        await inner.insertInto("settings").values({ key: "inner", value: "1", updated_at: 1 }).execute();
      });
      throw new Error("outer fails");
    });
    await expect(failing).rejects.toThrow("outer fails");
    expect(await keys()).toEqual([]);
  });
});
