import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GroupCommit } from "../../src/engine/group-commit.js";
import { getSetting, putSetting } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("GroupCommit", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  it("commits units queued together, and a failing unit rolls back alone", async () => {
    const commits = new GroupCommit(t.db);
    const results = await Promise.allSettled([
      commits.run((trx) => putSetting(trx, "a", "1", 1)),
      commits.run(async (trx) => {
        await putSetting(trx, "b", "2", 1);
        throw new Error("unit b fails");
      }),
      commits.run(async (trx) => {
        await putSetting(trx, "c", "3", 1);
        return "c done";
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect((results[2] as PromiseFulfilledResult<string>).value).toBe("c done");
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ message: "unit b fails" });
    expect(await getSetting(t.db, "a")).toBe("1");
    expect(await getSetting(t.db, "b")).toBeUndefined();
    expect(await getSetting(t.db, "c")).toBe("3");
  });

  it("keeps taking work after a batch", async () => {
    const commits = new GroupCommit(t.db);
    await commits.run((trx) => putSetting(trx, "x", "1", 1));
    await commits.run((trx) => putSetting(trx, "x", "2", 2));
    expect(await getSetting(t.db, "x")).toBe("2");
  });

  it("commits units queued with a sharing group commit in the same transaction, each still rolling back alone", async () => {
    const intake = new GroupCommit(t.db);
    const records = new GroupCommit(t.db, { priority: true, sharing: intake });
    const transactions = new Set<unknown>();
    const results = await Promise.allSettled([
      intake.run(async (trx) => {
        transactions.add(trx);
        await putSetting(trx, "in", "1", 1);
      }),
      records.run(async (trx) => {
        transactions.add(trx);
        await putSetting(trx, "rec", "1", 1);
        throw new Error("record fails");
      }),
      records.run(async (trx) => {
        transactions.add(trx);
        await putSetting(trx, "rec2", "1", 1);
      }),
      intake.run(async (trx) => {
        transactions.add(trx);
        await putSetting(trx, "in2", "1", 1);
      }),
    ]);
    expect(transactions.size).toBe(1);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect(await getSetting(t.db, "in")).toBe("1");
    expect(await getSetting(t.db, "rec")).toBeUndefined();
    expect(await getSetting(t.db, "rec2")).toBe("1");
    expect(await getSetting(t.db, "in2")).toBe("1");
    // Each keeps working on its own afterwards.
    await records.run((trx) => putSetting(trx, "rec3", "1", 2));
    await intake.run((trx) => putSetting(trx, "in3", "1", 2));
    expect([await getSetting(t.db, "rec3"), await getSetting(t.db, "in3")]).toEqual(["1", "1"]);
  });

  it("lets another transaction absorb the queued units: they commit with it, or all fail with it", async () => {
    const intake = new GroupCommit(t.db);
    const records = new GroupCommit(t.db, { priority: true, sharing: intake });
    const queued = [
      intake.run((trx) => putSetting(trx, "in", "1", 1)),
      records.run((trx) => putSetting(trx, "rec", "1", 1)),
      records.run(async () => {
        throw new Error("this unit fails");
      }),
    ];
    let settle: ((failure?: { error: unknown }) => void) | undefined;
    await t.db.transaction().execute(async (trx) => {
      settle = await intake.absorb(trx);
      await putSetting(trx, "batch", "1", 1);
    });
    settle?.();
    expect((await Promise.allSettled(queued)).map((r) => r.status)).toEqual(["fulfilled", "fulfilled", "rejected"]);
    expect([await getSetting(t.db, "in"), await getSetting(t.db, "rec"), await getSetting(t.db, "batch")]).toEqual([
      "1",
      "1",
      "1",
    ]);

    const lost = [intake.run((trx) => putSetting(trx, "lost", "1", 2))];
    const failure = new Error("the absorbing transaction failed");
    await t.db
      .transaction()
      .execute(async (trx) => {
        settle = await records.absorb(trx);
        throw failure;
      })
      .catch((error: unknown) => settle?.({ error }));
    expect(await Promise.allSettled(lost)).toEqual([{ status: "rejected", reason: failure }]);
    expect(await getSetting(t.db, "lost")).toBeUndefined();
  });
});
