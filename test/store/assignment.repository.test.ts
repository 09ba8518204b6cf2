import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  assignmentsOf,
  expiredPendingAssignments,
  findAssignment,
  insertAssignment,
  type NewAssignment,
  pendingAssignmentsOf,
  resolveAssignment,
} from "../../src/store/assignment.repository.js";
import { insertPolicyVersion } from "../../src/store/policy-version.repository.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("assignment repository", () => {
  let t: TestDatabase;
  let policyId: number;
  beforeEach(async () => {
    t = await createTestDatabase();
    const policy = await insertPolicyVersion(t.db, {
      stage: "first_contact",
      algorithm: "uniform",
      weights: { "warm@1": 0.5, "direct@1": 0.5 },
      floor: 0.05,
      seed: 1,
      counts: {},
      reason: "initial",
      createdAt: 1,
    });
    policyId = policy.id;
  });
  afterEach(async () => {
    await t.close();
  });

  function assignment(over: Partial<NewAssignment> = {}): NewAssignment {
    return {
      customerId: "c1",
      journey: 1,
      stage: "first_contact",
      variantId: "warm",
      variantVersion: 1,
      propensity: 0.5,
      policyVersionId: policyId,
      assignedAt: 1_000,
      windowEndsAt: 5_000,
      ...over,
    };
  }

  describe("insertAssignment", () => {
    it("should log the arm, propensity, policy and time as a pending row", async () => {
      const row = await insertAssignment(t.db, assignment());
      expect(row).toEqual({
        id: expect.any(Number),
        customer_id: "c1",
        journey: 1,
        stage: "first_contact",
        variant_id: "warm",
        variant_version: 1,
        propensity: 0.5,
        policy_version_id: policyId,
        assigned_at: 1_000,
        window_ends_at: 5_000,
        status: "pending",
        resolved_at: null,
        resolution: null,
      });
    });

    it("should refuse a second assignment for the same customer, journey and stage (stickiness)", async () => {
      await insertAssignment(t.db, assignment());
      await expect(insertAssignment(t.db, assignment({ variantId: "direct" }))).rejects.toThrow(/unique/i);
      expect(await assignmentsOf(t.db, "c1")).toHaveLength(1);
    });

    it("should allow the same stage in a new journey and for another customer", async () => {
      await insertAssignment(t.db, assignment());
      await insertAssignment(t.db, assignment({ journey: 2 }));
      await insertAssignment(t.db, assignment({ customerId: "c2" }));
      expect(await assignmentsOf(t.db, "c1")).toHaveLength(2);
      expect(await assignmentsOf(t.db, "c2")).toHaveLength(1);
    });

    it("should refuse an assignment whose policy version does not exist", async () => {
      await expect(insertAssignment(t.db, assignment({ policyVersionId: 999 }))).rejects.toThrow(/foreign key/i);
    });
  });

  describe("findAssignment", () => {
    it("should find the assignment of one customer, journey and stage", async () => {
      await insertAssignment(t.db, assignment());
      const second = await insertAssignment(t.db, assignment({ journey: 2, variantId: "direct" }));
      expect(await findAssignment(t.db, "c1", 2, "first_contact")).toEqual(second);
      expect(await findAssignment(t.db, "c1", 1, "intent")).toBeUndefined();
      expect(await findAssignment(t.db, "c2", 1, "first_contact")).toBeUndefined();
    });
  });

  describe("pendingAssignmentsOf and assignmentsOf", () => {
    it("should list only pending assignments of the journey, oldest first", async () => {
      const a = await insertAssignment(t.db, assignment({ stage: "first_contact" }));
      const b = await insertAssignment(t.db, assignment({ stage: "building_trust" }));
      const c = await insertAssignment(t.db, assignment({ stage: "intent" }));
      await insertAssignment(t.db, assignment({ journey: 2 }));
      await insertAssignment(t.db, assignment({ customerId: "c2" }));
      await resolveAssignment(t.db, b.id, "success", "advanced", 2_000);

      expect((await pendingAssignmentsOf(t.db, "c1", 1)).map((r) => r.id)).toEqual([a.id, c.id]);
      expect((await assignmentsOf(t.db, "c1")).map((r) => r.stage)).toEqual([
        "first_contact",
        "building_trust",
        "intent",
        "first_contact",
      ]);
    });
  });

  describe("resolveAssignment", () => {
    it("should resolve a pending assignment with status, resolution and time", async () => {
      const row = await insertAssignment(t.db, assignment());
      expect(await resolveAssignment(t.db, row.id, "success", "advanced", 2_000)).toBe(true);
      expect(await findAssignment(t.db, "c1", 1, "first_contact")).toMatchObject({
        status: "success",
        resolution: "advanced",
        resolved_at: 2_000,
      });
    });

    it("should be idempotent: a second resolution returns false and changes nothing", async () => {
      const row = await insertAssignment(t.db, assignment());
      await resolveAssignment(t.db, row.id, "success", "advanced", 2_000);
      expect(await resolveAssignment(t.db, row.id, "failure", "lost", 3_000)).toBe(false);
      expect(await findAssignment(t.db, "c1", 1, "first_contact")).toMatchObject({
        status: "success",
        resolution: "advanced",
        resolved_at: 2_000,
      });
    });

    it("should return false for an unknown id", async () => {
      expect(await resolveAssignment(t.db, 999, "failure", "lost", 1)).toBe(false);
    });
  });

  describe("expiredPendingAssignments", () => {
    it("should list pending assignments whose window closed before now, oldest first", async () => {
      const closed = await insertAssignment(t.db, assignment({ stage: "first_contact", windowEndsAt: 1_000 }));
      const closedEarlier = await insertAssignment(t.db, assignment({ stage: "intent", windowEndsAt: 500 }));
      await insertAssignment(t.db, assignment({ stage: "closing", windowEndsAt: 2_000 }));
      const resolved = await insertAssignment(t.db, assignment({ stage: "building_trust", windowEndsAt: 500 }));
      await resolveAssignment(t.db, resolved.id, "success", "advanced", 400);

      expect((await expiredPendingAssignments(t.db, 1_500)).map((r) => r.id)).toEqual([closed.id, closedEarlier.id]);
    });

    it("should treat a window ending exactly now as still open", async () => {
      await insertAssignment(t.db, assignment({ windowEndsAt: 1_000 }));
      expect(await expiredPendingAssignments(t.db, 1_000)).toEqual([]);
      expect(await expiredPendingAssignments(t.db, 1_001)).toHaveLength(1);
    });

    it("should respect the limit", async () => {
      const first = await insertAssignment(t.db, assignment({ stage: "a", windowEndsAt: 1 }));
      await insertAssignment(t.db, assignment({ stage: "b", windowEndsAt: 1 }));
      expect((await expiredPendingAssignments(t.db, 10, 1)).map((r) => r.id)).toEqual([first.id]);
    });
  });
});
