import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCloserError } from "../../src/errors.js";
import {
  allArms,
  assignOnEntry,
  createExperimentsService,
  createSeededRandom,
  DAY_MS,
  type ExperimentsService,
  experimentEventsOf,
  syncArms,
} from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import { latestPolicyVersion, recentAudit } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import {
  fakePlaybooks,
  seedArms,
  seedAssignments,
  seedPolicy,
  stageSettings,
  T0,
  times,
} from "./experiment-fixtures.js";

const CLOSING = ["reserve-now@1", "simple-steps@1", "limited-offer@1", "reassurance-first@2"];

describe("promotion and retirement", () => {
  let t: TestDatabase;
  let service: ExperimentsService;
  const playbooks = fakePlaybooks([...CLOSING, "warm-welcome@1"]);

  beforeEach(async () => {
    t = await createTestDatabase();
    await seedArms(t.db, [
      { key: "reserve-now@1", stage: "closing", status: "champion" },
      { key: "simple-steps@1", stage: "closing" },
      { key: "limited-offer@1", stage: "closing" },
      { key: "reassurance-first@2", stage: "closing", status: "candidate" },
      { key: "warm-welcome@1", stage: "first_contact", status: "champion" },
    ]);
    service = createExperimentsService({
      db: t.db,
      playbooks,
      clock: { now: () => T0 },
      rng: createSeededRandom(11),
      logger: silentLogger(),
    });
  });
  afterEach(async () => {
    await t.close();
  });

  const statuses = async (stage = "closing") =>
    Object.fromEntries((await allArms(t.db, stage)).map((a) => [a.key, a.status]));

  async function expectCode(promise: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
    const error = await promise.then(
      () => null,
      (e: unknown) => e,
    );
    expect(isCloserError(error) ? error.code : error).toBe(code);
    if (message) expect((error as Error).message).toMatch(message);
  }

  describe("promote", () => {
    it("should make the arm champion and retire every other arm of the stage by default", async () => {
      const result = await service.promote("closing", "simple-steps@1", {
        reason: "won the test",
        force: true,
        actor: "cli:ana",
        now: T0,
      });
      expect(await statuses()).toEqual({
        "limited-offer@1": "retired",
        "reassurance-first@2": "retired",
        "reserve-now@1": "retired",
        "simple-steps@1": "champion",
      });
      expect(result.champion).toBe("simple-steps@1");
      expect(result.retired.sort()).toEqual(["limited-offer@1", "reassurance-first@2", "reserve-now@1"]);
      expect(await statuses("first_contact")).toEqual({ "warm-welcome@1": "champion" });
    });

    it("should store a promotion policy that gives the lone champion propensity 1", async () => {
      const result = await service.promote("closing", "simple-steps@1", { force: true, actor: "api", now: T0 + 5 });
      const latest = await latestPolicyVersion(t.db, "closing");
      expect(latest?.id).toBe(result.policy.id);
      expect(latest?.reason).toBe("promotion");
      expect(latest?.createdAt).toBe(T0 + 5);
      expect(latest?.weights).toEqual({ "simple-steps@1": 1 });
    });

    it("should send every new customer of the stage to the champion afterwards", async () => {
      await service.promote("closing", "limited-offer@1", { force: true, actor: "api", now: T0 });
      const rng = createSeededRandom(3);
      for (let i = 0; i < 25; i++) {
        const assigned = await assignOnEntry(t.db, {
          customerId: `c${i}`,
          journey: 1,
          stage: "closing",
          now: T0 + i,
          rng,
          settings: stageSettings("closing"),
          loadedKeys: playbooks.loadedKeys,
        });
        expect(assigned?.assignment.variant_id).toBe("limited-offer");
        expect(assigned?.assignment.propensity).toBe(1);
      }
    });

    it("should keep the challengers in rotation with keepChallengers and demote the old champion to active", async () => {
      const result = await service.promote("closing", "simple-steps@1", {
        keepChallengers: true,
        actor: "api",
        now: T0,
      });
      expect(await statuses()).toEqual({
        "limited-offer@1": "active",
        "reassurance-first@2": "candidate",
        "reserve-now@1": "active",
        "simple-steps@1": "champion",
      });
      expect(result.demoted).toEqual(["reserve-now@1"]);
      expect(result.retired).toEqual([]);
      expect(Object.keys(result.policy.weights).sort()).toEqual([...CLOSING].sort());
    });

    it("should record the promotion and each retirement as experiment events and in the audit log with time and reason", async () => {
      await service.promote("closing", "simple-steps@1", {
        reason: "clear winner",
        force: true,
        actor: "cli:ana",
        now: T0 + 7,
      });
      const events = await experimentEventsOf(t.db, "closing");
      expect(events.map((e) => [e.kind, `${e.variant_id}@${e.variant_version}`, e.actor, e.created_at])).toEqual([
        ["promote", "simple-steps@1", "cli:ana", T0 + 7],
        ["retire", "limited-offer@1", "cli:ana", T0 + 7],
        ["retire", "reassurance-first@2", "cli:ana", T0 + 7],
        ["retire", "reserve-now@1", "cli:ana", T0 + 7],
      ]);
      expect(events[0]?.reason).toBe("clear winner");
      const audit = (await recentAudit(t.db)).reverse();
      expect(audit.map((a) => [a.action, a.subject, a.at])).toEqual([
        ["experiment_promote", "closing/simple-steps@1", T0 + 7],
        ["experiment_retire", "closing/limited-offer@1", T0 + 7],
        ["experiment_retire", "closing/reassurance-first@2", T0 + 7],
        ["experiment_retire", "closing/reserve-now@1", T0 + 7],
      ]);
      expect(JSON.parse(audit[0]?.detail_json ?? "{}")).toMatchObject({
        reason: "clear winner",
        keepChallengers: false,
      });
    });

    it("should refuse a retired arm: it never comes back under the same version", async () => {
      await service.promote("closing", "simple-steps@1", { force: true, actor: "api", now: T0 });
      await expectCode(
        service.promote("closing", "reserve-now@1", { actor: "api", now: T0 + 1 }),
        "experiment_invalid",
        /never comes back under the same version/,
      );
      expect((await statuses())["reserve-now@1"]).toBe("retired");
    });

    it.each([
      ["an unknown stage", "checkout", "simple-steps@1", "strategy_unknown"],
      ["an unknown arm", "closing", "nope@1", "strategy_unknown"],
      ["an arm of another stage", "closing", "warm-welcome@1", "strategy_unknown"],
      ["a malformed arm", "closing", "simple-steps", "bad_request"],
    ])("should reject %s", async (_name, stage, arm, code) => {
      await expectCode(service.promote(stage, arm, { actor: "api", now: T0 }), code);
      expect((await statuses())["simple-steps@1"]).toBe("active");
    });

    it("should refuse an arm whose file is no longer loaded", async () => {
      await seedArms(t.db, [{ key: "old-offer@1", stage: "closing" }]);
      await expectCode(service.promote("closing", "old-offer@1", { actor: "api", now: T0 }), "experiment_invalid");
    });
  });

  describe("promote while the stage is still collecting", () => {
    async function seedEvidence(): Promise<void> {
      const policyId = await seedPolicy(t.db, "closing", {
        "reserve-now@1": 0.4,
        "simple-steps@1": 0.3,
        "limited-offer@1": 0.3,
      });
      const seed = { stage: "closing", policyId, at: T0 - 10 * DAY_MS, windowEndsAt: T0 - 8 * DAY_MS } as const;
      await seedAssignments(t.db, [
        ...times(6, { ...seed, arm: "simple-steps@1", status: "success" }),
        ...times(6, { ...seed, arm: "simple-steps@1", status: "failure" }),
        ...times(2, { ...seed, arm: "reserve-now@1", status: "success" }),
        ...times(8, { ...seed, arm: "reserve-now@1", status: "failure" }),
      ]);
    }

    it("should refuse to retire the others without force, say how much evidence there is, and change nothing", async () => {
      await seedEvidence();
      const error = await service.promote("closing", "simple-steps@1", { actor: "api", now: T0 }).catch((e) => e);
      expect(isCloserError(error, "promotion_needs_force")).toBe(true);
      const message = (error as Error).message;
      expect(message).toMatch(/^Stage closing is still collecting evidence: /);
      expect(message).toMatch(/simple-steps@1 12 decisions, 6 successes, P\(best\) 0\.\d\d/);
      expect(message).toMatch(/reserve-now@1 10 decisions, 2 successes, P\(best\) 0\.\d\d/);
      expect(message).toContain(
        "A verdict needs 100 decisions and 40 successes per arm over 14 days; it has run 10.0 days.",
      );
      expect(message).toContain("retires limited-offer@1, reassurance-first@2, reserve-now@1 on that evidence");
      expect(message).toMatch(/--force.*"force": true/);
      expect(await statuses()).toEqual({
        "limited-offer@1": "active",
        "reassurance-first@2": "candidate",
        "reserve-now@1": "champion",
        "simple-steps@1": "active",
      });
      expect(await recentAudit(t.db, 10)).toEqual([]);
    });

    it("should retire them with force and return the evidence it decided on as a warning", async () => {
      await seedEvidence();
      const result = await service.promote("closing", "simple-steps@1", { force: true, actor: "api", now: T0 });
      expect(result.retired).toEqual(["limited-offer@1", "reassurance-first@2", "reserve-now@1"]);
      expect(result.warning).toMatch(/^Stage closing is still collecting evidence: .*simple-steps@1 12 decisions/);
      expect(result.warning).toMatch(/Promoted with force\.$/);
    });

    it("should need no force to keep the challengers competing", async () => {
      const result = await service.promote("closing", "simple-steps@1", {
        keepChallengers: true,
        actor: "api",
        now: T0,
      });
      expect(result).toMatchObject({ champion: "simple-steps@1", retired: [], warning: null });
    });

    it("should need no force once the verdict is no longer collecting", async () => {
      const judged = createExperimentsService({
        db: t.db,
        playbooks: fakePlaybooks([...CLOSING, "warm-welcome@1"], { minDecisions: 5, minSuccesses: 1, minDays: 7 }),
        clock: { now: () => T0 },
        rng: createSeededRandom(11),
        logger: silentLogger(),
      });
      await t.db
        .updateTable("variant_versions")
        .set({ status: "retired" })
        .where("variant_id", "in", ["limited-offer", "reassurance-first"])
        .execute();
      await seedEvidence();
      const result = await judged.promote("closing", "simple-steps@1", { actor: "api", now: T0 });
      expect(result).toMatchObject({ retired: ["reserve-now@1"], warning: null });
    });
  });

  describe("retire", () => {
    it("should take the arm out of rotation, record it and recompute the stage's policy at once", async () => {
      const result = await service.retire("closing", "limited-offer@1", {
        reason: "off-brand",
        actor: "api",
        now: T0 + 3,
      });
      expect((await statuses())["limited-offer@1"]).toBe("retired");
      expect(result.champion).toBe("reserve-now@1");
      const latest = await latestPolicyVersion(t.db, "closing");
      expect(latest?.reason).toBe("retirement");
      expect(Object.keys(latest?.weights ?? {}).sort()).toEqual([
        "reassurance-first@2",
        "reserve-now@1",
        "simple-steps@1",
      ]);
      const events = await experimentEventsOf(t.db, "closing");
      expect(events.map((e) => [e.kind, e.variant_id, e.reason])).toEqual([["retire", "limited-offer", "off-brand"]]);
      expect((await recentAudit(t.db))[0]).toMatchObject({ action: "experiment_retire", actor: "api", at: T0 + 3 });
    });

    it("should refuse to retire an arm twice", async () => {
      await service.retire("closing", "limited-offer@1", { actor: "api", now: T0 });
      await expectCode(service.retire("closing", "limited-offer@1", { actor: "api", now: T0 }), "experiment_invalid");
    });

    it("should refuse to retire the last arm in rotation of a stage", async () => {
      await expectCode(
        service.retire("first_contact", "warm-welcome@1", { actor: "api", now: T0 }),
        "experiment_invalid",
        /last arm in rotation/,
      );
      expect((await statuses("first_contact"))["warm-welcome@1"]).toBe("champion");
    });

    it("should let the remaining arms compete after the champion is retired", async () => {
      const result = await service.retire("closing", "reserve-now@1", { actor: "api", now: T0 });
      expect(result.champion).toBeNull();
      expect(Object.keys(result.policy.weights).sort()).toEqual([
        "limited-offer@1",
        "reassurance-first@2",
        "simple-steps@1",
      ]);
    });
  });

  describe("after a restart", () => {
    it("should keep retired arms retired and the promoted champion champion whatever the files say", async () => {
      await service.promote("closing", "simple-steps@1", { force: true, actor: "api", now: T0 });
      const fromFiles = CLOSING.map((key) => {
        const [id, version] = key.split("@") as [string, string];
        return {
          id,
          version: Number(version),
          stage: "closing",
          status: key === "reserve-now@1" ? ("champion" as const) : ("active" as const),
          origin: "hand",
          hash: `hash-${key}`,
          sourceFile: `variants/closing/${id}.yaml`,
        };
      });
      const synced = await syncArms(t.db, fromFiles, T0 + 1000);
      expect(synced.added).toEqual([]);
      expect(await statuses()).toEqual({
        "limited-offer@1": "retired",
        "reassurance-first@2": "retired",
        "reserve-now@1": "retired",
        "simple-steps@1": "champion",
      });
    });
  });
});
