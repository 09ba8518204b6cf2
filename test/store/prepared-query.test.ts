import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PreparedQuery } from "../../src/store/index.js";
import { PreparedPatch } from "../../src/store/prepared-query.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("prepared queries", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
    await t.db
      .insertInto("settings")
      .values([
        { key: "a", value: "1", updated_at: 10 },
        { key: "b", value: "2", updated_at: 20 },
        { key: "c", value: "3", updated_at: 30 },
      ])
      .execute();
  });
  afterEach(async () => {
    await t.close();
  });

  const newer = new PreparedQuery((db, p: { after: number; limit: number }) =>
    db
      .selectFrom("settings")
      .select(["key", "value"])
      .where("updated_at", ">", p.after)
      .where("key", "!=", "zz")
      .orderBy("key")
      .limit(p.limit),
  );

  it("runs with each call's values, keeping the query's own constants", async () => {
    expect(await newer.rows(t.db, { after: 10, limit: 5 })).toEqual([
      { key: "b", value: "2" },
      { key: "c", value: "3" },
    ]);
    expect(await newer.rows(t.db, { after: 0, limit: 1 })).toEqual([{ key: "a", value: "1" }]);
    expect(await newer.first(t.db, { after: 30, limit: 5 })).toBeUndefined();
  });

  it("runs inside a transaction and writes what the values say", async () => {
    const touch = new PreparedQuery((db, p: { key: string; at: number }) =>
      db.updateTable("settings").set({ updated_at: p.at }).where("key", "=", p.key),
    );
    await t.db.transaction().execute(async (trx) => {
      await touch.execute(trx, { key: "a", at: 99 });
      expect(await newer.rows(trx, { after: 50, limit: 5 })).toEqual([{ key: "a", value: "1" }]);
    });
    expect(await newer.rows(t.db, { after: 50, limit: 5 })).toEqual([{ key: "a", value: "1" }]);
  });

  it("refuses a slot used where kysely writes SQL rather than a parameter", async () => {
    const bad = new PreparedQuery((db, p: { column: string }) =>
      db
        .selectFrom("settings")
        .select("key")
        .orderBy(p.column as "key"),
    );
    await expect(bad.rows(t.db, { column: "key" })).rejects.toThrow(/slot/);
  });

  it("updates the columns each patch names, leaving undefined values out", async () => {
    const patch = new PreparedPatch((db, p: { value?: string; updated_at?: number }, key) =>
      db
        .updateTable("settings")
        .set(p)
        .where("key", "=", key as string),
    );
    await patch.execute(t.db, "a", { value: "x", updated_at: 11 });
    await patch.execute(t.db, "b", { updated_at: 21 });
    await patch.execute(t.db, "c", { value: "z", updated_at: undefined });
    await patch.execute(t.db, "a", { value: "y", updated_at: 12 });
    const rows = await t.db.selectFrom("settings").select(["key", "value", "updated_at"]).orderBy("key").execute();
    expect(rows).toEqual([
      { key: "a", value: "y", updated_at: 12 },
      { key: "b", value: "2", updated_at: 21 },
      { key: "c", value: "z", updated_at: 30 },
    ]);
  });
});
