import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ArmPolicyCache,
  type AssignRequest,
  assignOnEntry,
  createSeededRandom,
  retireArm,
} from "../../src/experiments/index.js";
import type { Database } from "../../src/store/database.js";
import { insertPolicyVersion, openPostgresDatabase, openSqliteDatabase } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { fakePlaybooks, seedArms, seedPolicy, stageSettings, T0 } from "./experiment-fixtures.js";

/**
 * The engine keeps each stage's arms and policy between assignments. Whatever changes them —
 * this process, the CLI on the same file, another instance — the next customer entering the
 * stage sees the change.
 */
describe("the cache of arms and policies", () => {
  let t: TestDatabase;
  /** A second connection to the same database, as `closer retire` or another instance has. */
  let other: Kysely<Database>;
  let cache: ArmPolicyCache;
  let customer = 0;
  const rng = createSeededRandom(11);
  const loadedKeys = new Set(["direct@1", "warm@1", "new@1"]);

  beforeEach(async () => {
    t = await createTestDatabase();
    other =
      t.url === undefined
        ? openSqliteDatabase({ file: t.file, synchronous: "normal" })
        : openPostgresDatabase({ url: t.url });
    cache = new ArmPolicyCache();
    await seedArms(t.db, [
      { key: "direct@1", stage: "closing" },
      { key: "warm@1", stage: "closing" },
    ]);
    await seedPolicy(t.db, "closing", { "direct@1": 0.5, "warm@1": 0.5 });
  });
  afterEach(async () => {
    await other.destroy();
    await t.close();
  });

  /** The next customer entering `closing`, in one transaction as the engine does. */
  function enter(db: Kysely<Database> = t.db) {
    const request: AssignRequest = {
      customerId: `c-${++customer}`,
      journey: 1,
      stage: "closing",
      now: T0 + customer,
      rng,
      settings: stageSettings("closing"),
      loadedKeys,
      cache,
    };
    return db.transaction().execute(async (trx) => {
      const result = await assignOnEntry(trx, request);
      if (result === null) throw new Error("no arm");
      return result.assignment;
    });
  }

  it("should read the store once while nothing changes", async () => {
    for (let n = 0; n < 20; n++) await enter();
    // Each arm's first service writes it (first_served_at), which changes the stamp once per arm.
    const reads = cache.storeReads;
    for (let n = 0; n < 20; n++) await enter();
    expect(cache.storeReads).toBe(reads);
  });

  it("should never give a customer an arm retired from another connection after the retirement", async () => {
    for (let n = 0; n < 10; n++) await enter();
    await retireArm(other, fakePlaybooks([...loadedKeys]), "closing", "warm@1", {
      now: T0 + 1_000,
      actor: "cli",
      rng: createSeededRandom(5),
    });
    const after = [];
    for (let n = 0; n < 30; n++) after.push(await enter());
    expect(new Set(after.map((a) => `${a.variant_id}@${a.variant_version}`))).toEqual(new Set(["direct@1"]));
  });

  it("should draw from a policy stored by another connection (the weights job) from the next customer on", async () => {
    const first = await enter();
    const newer = await insertPolicyVersion(other, {
      stage: "closing",
      algorithm: "thompson",
      weights: { "direct@1": 1, "warm@1": 0 },
      floor: 0,
      seed: 2,
      counts: {},
      reason: "schedule",
      createdAt: T0 + 500,
    });
    const next = [];
    for (let n = 0; n < 10; n++) next.push(await enter());
    expect(first.policy_version_id).not.toBe(newer.id);
    expect(next.every((a) => a.policy_version_id === newer.id && a.variant_id === "direct")).toBe(true);
  });

  it("should bring a new arm into rotation once it is added, and forget a policy rolled back", async () => {
    await enter();
    await other
      .transaction()
      .execute(async (trx) => {
        await insertPolicyVersion(trx, {
          stage: "closing",
          algorithm: "thompson",
          weights: { "direct@1": 0, "warm@1": 1 },
          floor: 0,
          seed: 3,
          counts: {},
          reason: "manual",
          createdAt: T0 + 600,
        });
        throw new Error("rolled back");
      })
      .catch(() => undefined);
    await seedArms(other, [{ key: "new@1", stage: "closing" }]);
    // The arms changed: the next entry stores a policy over all three arms and draws from it.
    const next = await enter();
    const policy = await t.db
      .selectFrom("policy_versions")
      .selectAll()
      .where("id", "=", next.policy_version_id)
      .executeTakeFirstOrThrow();
    expect(Object.keys(JSON.parse(policy.weights_json)).sort()).toEqual(["direct@1", "new@1", "warm@1"]);
    expect(policy.reason).toBe("arms_changed");
  });
});
