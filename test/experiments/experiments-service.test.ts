import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createExperimentsService,
  createSeededRandom,
  type ExperimentPlaybooks,
  type ExperimentsService,
  type OutcomeHook,
} from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import { findCustomerById, insertCustomer, latestPolicyVersion } from "../../src/store/index.js";
import { createTestDatabase, placeholderCustomerRow, type TestDatabase } from "../support/test-database.js";
import { fakePlaybooks, seedArms, seedAssignments, seedPolicy, T0 } from "./experiment-fixtures.js";

describe("the experiments service", () => {
  let t: TestDatabase;

  beforeEach(async () => {
    t = await createTestDatabase();
    await seedArms(t.db, [
      { key: "warm-welcome@1", stage: "first_contact", status: "champion" },
      { key: "question-led@1", stage: "first_contact" },
      { key: "reserve-now@1", stage: "closing", status: "champion" },
    ]);
  });
  afterEach(async () => {
    await t.close();
  });

  function serviceWith(playbooks: ExperimentPlaybooks): ExperimentsService {
    return createExperimentsService({
      db: t.db,
      playbooks,
      clock: { now: () => T0 },
      rng: createSeededRandom(1),
      logger: silentLogger(),
    });
  }

  describe("updateWeights", () => {
    it("should report a status for every stage in funnel order", async () => {
      const service = serviceWith(fakePlaybooks(["warm-welcome@1", "question-led@1", "reserve-now@1"]));
      const statuses = await service.updateWeights(T0, "schedule");
      expect(statuses.map((s) => [s.stage, s.status])).toEqual([
        ["first_contact", "updated"],
        ["building_trust", "skipped"],
        ["intent", "skipped"],
        ["closing", "updated"],
      ]);
      expect(statuses[1]?.detail).toBe("no active arm");
      const policy = await latestPolicyVersion(t.db, "first_contact");
      expect(policy?.reason).toBe("schedule");
      expect(policy?.weights).toEqual({ "question-led@1": 0.5, "warm-welcome@1": 0.5 });
    });

    it("should go on with the other stages when one fails", async () => {
      const base = fakePlaybooks(["warm-welcome@1", "question-led@1", "reserve-now@1"]);
      const broken: ExperimentPlaybooks = {
        ...base,
        stageIds: base.stageIds,
        loadedKeys: base.loadedKeys,
        settings(stage) {
          if (stage === "first_contact") throw new Error("settings unavailable");
          return base.settings(stage);
        },
      };
      const statuses = await serviceWith(broken).updateWeights(T0, "schedule");
      expect(statuses[0]).toEqual({ stage: "first_contact", status: "failed", detail: "settings unavailable" });
      expect(statuses[3]?.status).toBe("updated");
    });
  });

  describe("recordOutcome", () => {
    beforeEach(async () => {
      await insertCustomer(
        t.db,
        placeholderCustomerRow("cust-1", {
          stage: "closing",
          stage_entered_at: T0,
          first_contact_at: T0,
          last_inbound_at: T0,
          last_interaction_at: T0,
          conversation_count: 1,
          created_at: T0,
          updated_at: T0,
        }),
      );
      const policyId = await seedPolicy(t.db, "closing", { "reserve-now@1": 1 });
      await seedAssignments(t.db, [{ arm: "reserve-now@1", stage: "closing", policyId, customerId: "cust-1", at: T0 }]);
    });

    const report = (eventId: string) => ({
      customerId: "cust-1",
      outcome: "won" as const,
      eventId,
      source: "api" as const,
      now: T0 + 1000,
    });

    it("should run the hook once, in the outcome's transaction, and not for a duplicate event", async () => {
      const service = serviceWith(fakePlaybooks(["reserve-now@1"]));
      const hook = vi.fn<OutcomeHook>(async (db, r) => {
        expect(db.isTransaction).toBe(true);
        expect(r.customerId).toBe("cust-1");
      });
      const first = await service.recordOutcome(report("order-1"), hook);
      const again = await service.recordOutcome(report("order-1"), hook);
      expect(first).toMatchObject({ duplicate: false, stage: "won" });
      expect(first.resolved).toHaveLength(1);
      expect(again.duplicate).toBe(true);
      expect(hook).toHaveBeenCalledTimes(1);
    });

    it("should roll the outcome back when the hook fails", async () => {
      const service = serviceWith(fakePlaybooks(["reserve-now@1"]));
      const failing: OutcomeHook = async () => {
        throw new Error("profile write failed");
      };
      await expect(service.recordOutcome(report("order-2"), failing)).rejects.toThrow("profile write failed");
      expect((await findCustomerById(t.db, "cust-1"))?.stage).toBe("closing");
      const outcomes = await t.db.selectFrom("outcomes").selectAll().execute();
      expect(outcomes).toEqual([]);
      const assignment = await t.db.selectFrom("assignments").select("status").executeTakeFirst();
      expect(assignment?.status).toBe("pending");
    });
  });
});
