import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { assignmentBalance, stageArmTallies } from "../../src/experiments/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { seedAssignments, seedPolicy, T0, times } from "./experiment-fixtures.js";

describe("stage tallies", () => {
  let t: TestDatabase;
  let p1: number;
  let p2: number;

  beforeEach(async () => {
    t = await createTestDatabase();
    p1 = await seedPolicy(t.db, "intent", { "a@1": 0.5, "b@1": 0.5 });
    p2 = await seedPolicy(t.db, "intent", { "a@1": 0.9, "b@1": 0.1 });
    await seedAssignments(t.db, [
      ...times(3, { arm: "a@1", stage: "intent", policyId: p1, status: "success", at: T0 + 50 }),
      ...times(2, { arm: "a@1", stage: "intent", policyId: p1, status: "failure", at: T0 + 10 }),
      ...times(1, { arm: "a@1", stage: "intent", policyId: p2, status: "pending", at: T0 + 500 }),
      ...times(4, { arm: "b@1", stage: "intent", policyId: p2, status: "failure", at: T0 + 600 }),
      ...times(5, { arm: "a@1", stage: "closing", policyId: p1, status: "success", at: T0 }),
    ]);
  });
  afterEach(async () => {
    await t.close();
  });

  it("should count a stage's assignments per arm and status, with each arm's first assignment", async () => {
    const tallies = await stageArmTallies(t.db, "intent");
    expect(Object.fromEntries(tallies)).toEqual({
      "a@1": { successes: 3, failures: 2, pending: 1, earlySuccesses: 0, earlyFailures: 0, firstAssignedAt: T0 + 10 },
      "b@1": { successes: 0, failures: 4, pending: 0, earlySuccesses: 0, earlyFailures: 0, firstAssignedAt: T0 + 600 },
    });
  });

  it("should count as decided only the assignments whose window closed by `now`", async () => {
    const windowEnds = await t.db
      .selectFrom("assignments")
      .select("window_ends_at")
      .where("stage", "=", "intent")
      .execute();
    const latest = Math.max(...windowEnds.map((r) => r.window_ends_at));
    const earliest = Math.min(...windowEnds.map((r) => r.window_ends_at));
    const before = await stageArmTallies(t.db, "intent", earliest - 1);
    expect(before.get("a@1")).toMatchObject({
      successes: 0,
      failures: 0,
      pending: 6,
      earlySuccesses: 3,
      earlyFailures: 2,
    });
    const after = await stageArmTallies(t.db, "intent", latest);
    expect(after.get("a@1")).toMatchObject({
      successes: 3,
      failures: 2,
      pending: 1,
      earlySuccesses: 0,
      earlyFailures: 0,
    });
  });

  it("should give each arm the expected assignments of the policy versions that made them", async () => {
    const balance = await assignmentBalance(t.db, "intent", null);
    // p1 made 5 assignments (2.5 + 2.5), p2 made 5 (4.5 + 0.5)
    expect(balance.keys).toEqual(["a@1", "b@1"]);
    expect(balance.observed).toEqual([6, 4]);
    expect(balance.expected[0]).toBeCloseTo(7, 12);
    expect(balance.expected[1]).toBeCloseTo(3, 12);
  });

  it("should count only assignments made after `since`", async () => {
    const balance = await assignmentBalance(t.db, "intent", T0 + 50);
    expect(balance.observed).toEqual([1, 4]);
    expect(balance.expected[0]).toBeCloseTo(4.5, 12);
    expect(balance.expected[1]).toBeCloseTo(0.5, 12);
  });
});
