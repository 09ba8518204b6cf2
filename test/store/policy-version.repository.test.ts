import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  insertPolicyVersion,
  latestPolicyVersion,
  type PolicyVersion,
} from "../../src/store/policy-version.repository.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("policy-version repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  function policy(stage: string, createdAt: number): Omit<PolicyVersion, "id"> {
    return {
      stage,
      algorithm: "thompson",
      weights: { "warm@1": 0.7, "direct@1": 0.3 },
      floor: 0.05,
      seed: 123_456_789,
      counts: { "warm@1": { successes: 7, failures: 3 }, "direct@1": { successes: 2, failures: 8 } },
      reason: "schedule",
      createdAt,
    };
  }

  it("should store a policy and return it with its new id", async () => {
    const stored = await insertPolicyVersion(t.db, policy("intent", 10));
    expect(stored).toEqual({ ...policy("intent", 10), id: expect.any(Number) });
  });

  it("should read back the newest policy of a stage with weights and counts parsed", async () => {
    await insertPolicyVersion(t.db, { ...policy("intent", 10), reason: "initial" });
    const newest = await insertPolicyVersion(t.db, policy("intent", 20));
    await insertPolicyVersion(t.db, policy("closing", 30));

    const latest = await latestPolicyVersion(t.db, "intent");
    expect(latest).toEqual(newest);
    expect(latest?.weights).toEqual({ "warm@1": 0.7, "direct@1": 0.3 });
    expect(latest?.counts["warm@1"]).toEqual({ successes: 7, failures: 3 });
  });

  it.each([
    { learning: { pendingOutcomes: true, changeDetection: false, newcomerPrior: false }, column: "thompson+pending" },
    {
      learning: { pendingOutcomes: false, changeDetection: true, newcomerPrior: true },
      column: "thompson+change+newcomer",
    },
    {
      learning: { pendingOutcomes: true, changeDetection: true, newcomerPrior: true },
      column: "thompson+pending+change+newcomer",
    },
  ])("should record which learning features shaped the weights ($column)", async ({ learning, column }) => {
    const stored = await insertPolicyVersion(t.db, { ...policy("intent", 10), learning });
    expect(stored.learning).toEqual(learning);
    expect(await latestPolicyVersion(t.db, "intent")).toEqual(stored);
    const row = await t.db.selectFrom("policy_versions").select("algorithm").executeTakeFirstOrThrow();
    expect(row.algorithm).toBe(column);
  });

  it("should store a version with every learning feature off exactly as before them", async () => {
    const off = { pendingOutcomes: false, changeDetection: false, newcomerPrior: false };
    const stored = await insertPolicyVersion(t.db, {
      ...policy("intent", 10),
      algorithm: "thompson:burn_in",
      learning: off,
    });
    expect(stored).toEqual({ ...policy("intent", 10), algorithm: "thompson:burn_in", id: expect.any(Number) });
    const row = await t.db.selectFrom("policy_versions").select("algorithm").executeTakeFirstOrThrow();
    expect(row.algorithm).toBe("thompson:burn_in");
  });

  it("should have no policy for a stage never stored", async () => {
    await insertPolicyVersion(t.db, policy("intent", 10));
    expect(await latestPolicyVersion(t.db, "closing")).toBeUndefined();
  });
});
