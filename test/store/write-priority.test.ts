import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { withWritePriority } from "../../src/store/index.js";
import { PriorityMutex } from "../../src/store/write-priority.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("the store's priority lane", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  it("runs work in the priority lane right after the transaction in hand, ahead of everything queued", async () => {
    const order: string[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const inHand = t.db.transaction().execute(async (trx) => {
      await trx.selectFrom("settings").selectAll().execute();
      await held;
      order.push("in hand");
    });
    const queued = [1, 2, 3].map((n) =>
      t.db
        .transaction()
        .execute(async (trx) => {
          await trx.selectFrom("settings").selectAll().execute();
        })
        .then(() => order.push(`queued ${n}`)),
    );
    const priority = withWritePriority(() =>
      t.db.transaction().execute(async (trx) => {
        await trx.selectFrom("settings").selectAll().execute();
      }),
    ).then(() => order.push("priority"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual([]);
    release();
    await Promise.all([inHand, ...queued, priority]);
    expect(order).toEqual(["in hand", "priority", "queued 1", "queued 2", "queued 3"]);
  });

  it("serves priority waiters first, each group in arrival order, and frees the mutex when nobody waits", async () => {
    const mutex = new PriorityMutex();
    const order: string[] = [];
    await mutex.lock(false);
    const waiters = [
      mutex.lock(false).then(() => order.push("a")),
      mutex.lock(true).then(() => order.push("P1")),
      mutex.lock(false).then(() => order.push("b")),
      mutex.lock(true).then(() => order.push("P2")),
    ];
    for (let i = 0; i < 5; i++) {
      mutex.unlock();
      await Promise.resolve();
      await Promise.resolve();
    }
    await Promise.all(waiters);
    expect(order).toEqual(["P1", "P2", "a", "b"]);
    // Free again: the next lock is immediate.
    let got = false;
    void mutex.lock(false).then(() => {
      got = true;
    });
    await Promise.resolve();
    expect(got).toBe(true);
  });
});
