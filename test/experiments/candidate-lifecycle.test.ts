import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/clock.js";
import {
  allArms,
  assignOnEntry,
  createExperimentsService,
  createSeededRandom,
  type ExperimentsService,
  experimentEventsOf,
} from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import { latestPolicyVersion, recentAudit } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { fakePlaybooks, seedArms, seedAssignments, seedPolicy, stageSettings, T0 } from "./experiment-fixtures.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const INTENT = "intent";

/** Successes and failures per arm, resolved in one batch. */
type Batch = Record<string, readonly [successes: number, failures: number]>;

describe("candidates earn their traffic (the weights job, on a SQLite file, with the in-process clock)", () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let service: ExperimentsService;
  const keys = ["fit-finder@1", "value-compare@1", "bold-ask@1", "soft-ask@1", "new-angle@1"];
  const playbooks = fakePlaybooks(keys, { burnIn: 20, minDecisions: 100, maxArms: 6, draws: 4000 });

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = new ManualClock(T0);
    service = createExperimentsService({
      db: t.db,
      playbooks,
      clock,
      rng: createSeededRandom(7),
      logger: silentLogger(),
    });
  });
  afterEach(async () => {
    await t.close();
  });

  /** Resolved assignments made under a policy whose propensities match the batch, so the SRM check stays quiet. */
  async function resolve(batch: Batch): Promise<void> {
    const total = Object.values(batch).reduce((n, [s, f]) => n + s + f, 0);
    const weights = Object.fromEntries(Object.entries(batch).map(([arm, [s, f]]) => [arm, (s + f) / total]));
    const policyId = await seedPolicy(t.db, INTENT, weights, clock.now());
    for (const [arm, [successes, failures]] of Object.entries(batch)) {
      const common = { arm, stage: INTENT, policyId, at: clock.now() - 2 * DAY };
      await seedAssignments(t.db, [
        ...Array.from({ length: successes }, () => ({ ...common, status: "success" as const })),
        ...Array.from({ length: failures }, () => ({ ...common, status: "failure" as const })),
      ]);
    }
  }

  const statuses = async () => Object.fromEntries((await allArms(t.db, INTENT)).map((a) => [a.key, a.status]));
  const weightsJob = () => service.updateWeights(clock.now(), "schedule");
  const auditOf = async (action: string) =>
    (await recentAudit(t.db)).filter((row) => row.action === action && row.subject?.startsWith(`${INTENT}/`));

  describe("graduation", () => {
    beforeEach(async () => {
      await seedArms(t.db, [
        { key: "fit-finder@1", stage: INTENT, status: "champion" },
        { key: "new-angle@1", stage: INTENT, status: "candidate" },
      ]);
    });

    it("should keep a strong candidate on capped traffic until it has 60 decisions, then make it active", async () => {
      await resolve({ "fit-finder@1": [60, 140], "new-angle@1": [30, 25] });
      clock.advance(HOUR);
      await weightsJob();
      expect((await statuses())["new-angle@1"]).toBe("candidate");
      const capped = await latestPolicyVersion(t.db, INTENT);
      expect(capped?.weights["new-angle@1"]).toBeCloseTo(0.1, 10);

      await resolve({ "new-angle@1": [5, 4] });
      clock.advance(HOUR);
      const [status] = (await weightsJob()).filter((s) => s.stage === INTENT);
      expect(await statuses()).toEqual({ "fit-finder@1": "champion", "new-angle@1": "active" });
      expect(status?.detail).toMatch(/new-angle@1 graduated/);
      const free = await latestPolicyVersion(t.db, INTENT);
      expect(free?.createdAt).toBe(clock.now());
      expect(free?.weights["new-angle@1"]).toBeGreaterThan(0.5);

      const [audit] = await auditOf("experiment_graduate");
      expect(audit?.actor).toBe("system");
      expect(audit?.at).toBe(clock.now());
      expect(JSON.parse(audit?.detail_json ?? "{}")).toMatchObject({
        arm: "new-angle@1",
        cause: "automatic",
        decisions: 64,
        reference: "fit-finder@1",
      });
      expect(audit?.detail_json).toMatch(/P\(beats fit-finder@1\) [01]\.\d+ ≥ 0\.9 after 64 resolved decisions/);
      const events = await experimentEventsOf(t.db, INTENT);
      expect(events.map((e) => [e.kind, e.variant_id])).toEqual([["graduate", "new-angle"]]);
    });

    it("should leave a candidate that trails the champion a candidate", async () => {
      await resolve({ "fit-finder@1": [60, 140], "new-angle@1": [4, 36] });
      clock.advance(HOUR);
      await weightsJob();
      expect((await statuses())["new-angle@1"]).toBe("candidate");
      expect(await auditOf("experiment_graduate")).toEqual([]);
    });
  });

  describe("automatic retirement", () => {
    beforeEach(async () => {
      await seedArms(t.db, [
        { key: "fit-finder@1", stage: INTENT, status: "champion" },
        { key: "value-compare@1", stage: INTENT, status: "active" },
        { key: "new-angle@1", stage: INTENT, status: "candidate" },
      ]);
    });

    it("should retire a hopeless candidate only once it has min_decisions, with the reason in the audit log", async () => {
      await resolve({ "fit-finder@1": [120, 280], "value-compare@1": [70, 230], "new-angle@1": [5, 75] });
      clock.advance(HOUR);
      await weightsJob();
      expect((await statuses())["new-angle@1"]).toBe("candidate");

      clock.advance(DAY);
      await resolve({ "new-angle@1": [1, 29] });
      clock.advance(HOUR);
      await weightsJob();
      expect(await statuses()).toEqual({
        "fit-finder@1": "champion",
        "new-angle@1": "retired",
        "value-compare@1": "active",
      });
      const [audit] = await auditOf("experiment_retire");
      expect(audit?.subject).toBe("intent/new-angle@1");
      expect(audit?.actor).toBe("system");
      const detail = JSON.parse(audit?.detail_json ?? "{}");
      expect(detail).toMatchObject({ cause: "automatic", decisions: 110 });
      expect(detail.reason).toMatch(/^P\(best\) 0\.\d{4} < 0\.01 after 110 resolved decisions \(min_decisions 100\)$/);
      const latest = await latestPolicyVersion(t.db, INTENT);
      expect(Object.keys(latest?.weights ?? {}).sort()).toEqual(["fit-finder@1", "value-compare@1"]);
      const events = await experimentEventsOf(t.db, INTENT);
      expect(events.map((e) => [e.kind, e.variant_id, e.actor])).toEqual([["retire", "new-angle", "system"]]);
    });

    it("should never retire an arm that is not a candidate, however weak", async () => {
      await resolve({ "fit-finder@1": [150, 250], "value-compare@1": [5, 295], "new-angle@1": [40, 80] });
      clock.advance(HOUR);
      await weightsJob();
      expect((await statuses())["value-compare@1"]).toBe("active");
    });
  });

  describe("max_arms", () => {
    beforeEach(async () => {
      await seedArms(t.db, [
        { key: "fit-finder@1", stage: INTENT, status: "champion" },
        { key: "value-compare@1", stage: INTENT, status: "active" },
        { key: "bold-ask@1", stage: INTENT, status: "active" },
        { key: "soft-ask@1", stage: INTENT, status: "active" },
        { key: "new-angle@1", stage: INTENT, status: "proposed" },
      ]);
    });

    it("should fit new arms without retiring anything while the stage is below max_arms", async () => {
      const room = await service.makeRoom(INTENT, 1, { now: clock.now() });
      expect(room).toEqual({ stage: INTENT, retired: [], room: 1 });
    });

    it("should retire the weakest hopeless arm past burn-in (never the champion, counting proposed arms) to stay at max_arms", async () => {
      // soft-ask is the weakest but still in burn-in; the champion is weaker than value-compare but never goes.
      await resolve({
        "fit-finder@1": [30, 170],
        "value-compare@1": [60, 140],
        "bold-ask@1": [10, 190],
        "soft-ask@1": [1, 18],
      });
      clock.advance(HOUR);
      const room = await service.makeRoom(INTENT, 2, { now: clock.now() });
      expect(room).toEqual({ stage: INTENT, retired: ["bold-ask@1"], room: 2 });
      expect(await statuses()).toEqual({
        "bold-ask@1": "retired",
        "fit-finder@1": "champion",
        "new-angle@1": "proposed",
        "soft-ask@1": "active",
        "value-compare@1": "active",
      });
      const [audit] = await auditOf("experiment_retire");
      const detail = JSON.parse(audit?.detail_json ?? "{}");
      expect(detail.cause).toBe("max_arms");
      expect(detail.reason).toMatch(/^max_arms 6: the weakest arm past burn-in/);
      const latest = await latestPolicyVersion(t.db, INTENT);
      expect(latest?.reason).toBe("retirement");
      expect(latest?.weights["bold-ask@1"]).toBeUndefined();
    });

    it("should say how many new arms fit when too few arms are past burn-in or hopeless", async () => {
      await resolve({ "fit-finder@1": [60, 140], "value-compare@1": [10, 190], "bold-ask@1": [50, 150] });
      clock.advance(HOUR);
      const room = await service.makeRoom(INTENT, 3, { now: clock.now() });
      expect(room).toEqual({ stage: INTENT, retired: ["value-compare@1"], room: 2 });
    });
  });

  describe("traffic", () => {
    beforeEach(async () => {
      await seedArms(t.db, [
        { key: "fit-finder@1", stage: INTENT, status: "champion" },
        { key: "value-compare@1", stage: INTENT, status: "active" },
        { key: "bold-ask@1", stage: INTENT, status: "candidate" },
        { key: "soft-ask@1", stage: INTENT, status: "candidate" },
        { key: "new-angle@1", stage: INTENT, status: "proposed" },
      ]);
    });

    it("should give candidates together at most candidate_cap of new customers, logged, and proposed arms none", async () => {
      await resolve({ "fit-finder@1": [60, 140], "value-compare@1": [50, 150] });
      const rng = createSeededRandom(3);
      const settings = stageSettings(INTENT, { draws: 4000 });
      const arms: string[] = [];
      for (let i = 0; i < 600; i++) {
        const result = await assignOnEntry(t.db, {
          customerId: `customer-new-${i}`,
          journey: 1,
          stage: INTENT,
          now: clock.now(),
          rng,
          settings,
          loadedKeys: playbooks.loadedKeys,
        });
        const a = result!.assignment;
        arms.push(`${a.variant_id}@${a.variant_version}`);
      }
      const policy = await latestPolicyVersion(t.db, INTENT);
      const candidateShare = (policy?.weights["bold-ask@1"] ?? 0) + (policy?.weights["soft-ask@1"] ?? 0);
      expect(candidateShare).toBeCloseTo(0.1, 10);
      expect(policy?.weights["new-angle@1"]).toBeUndefined();
      const logged = await t.db
        .selectFrom("assignments")
        .select(["variant_id", "propensity"])
        .where("customer_id", "like", "customer-new-%")
        .execute();
      for (const row of logged) {
        expect(row.propensity).toBeCloseTo(policy?.weights[`${row.variant_id}@1`] ?? Number.NaN, 12);
      }
      const toCandidates = arms.filter((arm) => arm === "bold-ask@1" || arm === "soft-ask@1").length;
      // Binomial(600, 0.1): mean 60, sd 7.3; 85 is more than 3 sd above.
      expect(toCandidates).toBeGreaterThan(30);
      expect(toCandidates).toBeLessThan(85);
      expect(arms).not.toContain("new-angle@1");
    });
  });
});
