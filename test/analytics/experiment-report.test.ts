import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildExperimentReport, buildStageReport, experimentReportSchema } from "../../src/analytics/index.js";
import {
  betaQuantile,
  createExperimentsService,
  createSeededRandom,
  probabilityBestExact,
} from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import { fakePlaybooks, seedArms, seedAssignments, seedPolicy, T0, times } from "../experiments/experiment-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const A = "reserve-now@1";
const B = "simple-steps@1";
const C = "limited-offer@1";
const DAY = 86_400_000;
const WEEK = 7 * DAY;

describe("the experiment report", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  describe("on a fresh install", () => {
    it("should list every stage in funnel order with every arm at zero counts and equal weights", async () => {
      await seedArms(t.db, [
        { key: "warm-welcome@1", stage: "first_contact", status: "champion" },
        { key: "question-led@1", stage: "first_contact" },
        { key: A, stage: "closing", status: "champion" },
        { key: B, stage: "closing" },
        { key: C, stage: "closing" },
        { key: "pilot@1", stage: "closing", status: "candidate" },
      ]);
      const playbooks = fakePlaybooks(["warm-welcome@1", "question-led@1", A, B, C, "pilot@1"]);
      const report = experimentReportSchema.parse(await buildExperimentReport(t.db, playbooks, T0));
      expect(report.stages.map((s) => s.stage)).toEqual(["first_contact", "building_trust", "intent", "closing"]);
      for (const stage of report.stages) {
        expect(stage.verdict).not.toBe("winner");
        expect(stage.winner).toBeNull();
        expect(stage.srm).toEqual({ pValue: 1, alarm: false });
        for (const arm of stage.arms) {
          expect([arm.decisions, arm.successes, arm.failures, arm.pending]).toEqual([0, 0, 0, 0]);
          expect(arm.posteriorMean).toBe(0.5);
          expect(arm.credibleInterval[0]).toBeCloseTo(0.025, 10);
          expect(arm.credibleInterval[1]).toBeCloseTo(0.975, 10);
        }
      }
      const first = report.stages[0]!;
      expect(first.verdict).toBe("collecting");
      expect(first.arms.map((a) => [a.variant, a.weight])).toEqual([
        ["question-led", 0.5],
        ["warm-welcome", 0.5],
      ]);
      expect(report.stages[1]!.arms).toEqual([]);
      const closing = report.stages[3]!;
      // the candidate is capped at 0.1; the other three share the rest equally
      expect(closing.arms.find((a) => a.variant === "pilot")?.weight).toBeCloseTo(0.1, 12);
      for (const key of ["reserve-now", "simple-steps", "limited-offer"]) {
        expect(closing.arms.find((a) => a.variant === key)?.weight).toBeCloseTo(0.3, 12);
      }
    });

    it("should not store the weights it shows before the first assignment", async () => {
      await seedArms(t.db, [{ key: A, stage: "closing" }]);
      await buildExperimentReport(t.db, fakePlaybooks([A]), T0);
      expect(await t.db.selectFrom("policy_versions").selectAll().execute()).toEqual([]);
    });
  });

  describe("with assignments", () => {
    beforeEach(async () => {
      await seedArms(t.db, [
        { key: A, stage: "closing", status: "champion" },
        { key: B, stage: "closing" },
        { key: C, stage: "closing", status: "retired" },
      ]);
      const old = await seedPolicy(t.db, "closing", { [C]: 1 }, T0 - DAY);
      const current = await seedPolicy(t.db, "closing", { [A]: 0.5, [B]: 0.5 }, T0);
      await seedAssignments(t.db, [
        ...times(2, { arm: C, stage: "closing", policyId: old, status: "success", at: T0 - DAY, windowEndsAt: T0 + 1 }),
        ...times(3, { arm: A, stage: "closing", policyId: current, status: "success", windowEndsAt: T0 + 1 }),
        ...times(2, { arm: A, stage: "closing", policyId: current, status: "failure", windowEndsAt: T0 + 1 }),
        ...times(1, { arm: A, stage: "closing", policyId: current, status: "pending" }),
        ...times(1, { arm: B, stage: "closing", policyId: current, status: "success", windowEndsAt: T0 + 1 }),
        ...times(4, { arm: B, stage: "closing", policyId: current, status: "failure", windowEndsAt: T0 + 1 }),
      ]);
    });

    it("should leave outcomes inside a still-open window out of the decided counts", async () => {
      const { report } = await buildStageReport(t.db, fakePlaybooks([A, B, C]), "closing", T0);
      const reserve = report.arms.find((a) => a.variant === "reserve-now");
      expect(reserve).toMatchObject({ decisions: 0, successes: 0, failures: 0, pending: 6 });
      expect(reserve!.posteriorMean).toBeCloseTo(1 / 2, 12);
    });

    it("should match counts, posteriors, P(best), SRM and weights computed by hand", async () => {
      const { report } = await buildStageReport(t.db, fakePlaybooks([A, B, C]), "closing", T0 + DAY);
      const [limited, reserve, simple] = report.arms;
      expect(reserve).toMatchObject({
        variant: "reserve-now",
        version: 1,
        status: "champion",
        decisions: 5,
        successes: 3,
        failures: 2,
        pending: 1,
        weight: 0.5,
      });
      expect(reserve!.posteriorMean).toBeCloseTo(4 / 7, 12);
      expect(reserve!.credibleInterval[0]).toBeCloseTo(betaQuantile(0.025, 4, 3), 12);
      expect(reserve!.credibleInterval[1]).toBeCloseTo(betaQuantile(0.975, 4, 3), 12);
      expect(simple).toMatchObject({ decisions: 5, successes: 1, failures: 4, pending: 0, weight: 0.5 });
      expect(simple!.posteriorMean).toBeCloseTo(2 / 7, 12);

      const exact = probabilityBestExact([
        { alpha: 4, beta: 3 },
        { alpha: 2, beta: 5 },
      ]);
      expect(reserve!.pBest).toBeCloseTo(exact[0]!, 1);
      expect(Math.abs(reserve!.pBest! - exact[0]!)).toBeLessThan(0.03);
      expect(reserve!.pBest! + simple!.pBest!).toBeCloseTo(1, 12);
      expect(simple!.expectedLoss!).toBeGreaterThan(reserve!.expectedLoss!);

      // the retired arm keeps its statistics but competes no more
      expect(limited).toMatchObject({
        status: "retired",
        decisions: 2,
        successes: 2,
        pBest: null,
        expectedLoss: null,
        weight: 0,
      });
      expect(limited!.posteriorMean).toBeCloseTo(3 / 4, 12);

      // expected: A 5.5, B 5.5 (11 under 50/50), C 2 (2 under C-only); observed 6, 5, 2; χ² with 2 df
      const statistic = 0.5 ** 2 / 5.5 + 0.5 ** 2 / 5.5;
      expect(report.srm.pValue).toBeCloseTo(Math.exp(-statistic / 2), 10);
      expect(report.srm.alarm).toBe(false);
      expect(report.verdict).toBe("collecting");
    });

    it("should give the same report for the same data", async () => {
      const playbooks = fakePlaybooks([A, B, C]);
      const first = await buildExperimentReport(t.db, playbooks, T0 + DAY);
      const second = await buildExperimentReport(t.db, playbooks, T0 + DAY);
      expect(second).toEqual(first);
    });

    it("should discount old evidence in the posterior when the stage asks for it, but count decisions as they are", async () => {
      const playbooks = fakePlaybooks([A, B, C], { discountPerWeek: 0.5 });
      // every outcome resolved at T0 + 1 h; one week later each weighs 0.5
      const { report } = await buildStageReport(t.db, playbooks, "closing", T0 + 3_600_000 + WEEK);
      const reserve = report.arms.find((a) => a.variant === "reserve-now")!;
      expect(reserve.decisions).toBe(5);
      expect(reserve.posteriorMean).toBeCloseTo((1 + 1.5) / (2 + 2.5), 10);
    });

    it("should show an arm that is new since the last policy with the weight the next assignment will compute", async () => {
      await seedArms(t.db, [{ key: "pilot@1", stage: "closing" }]);
      const { report, notes } = await buildStageReport(t.db, fakePlaybooks([A, B, C, "pilot@1"]), "closing", T0);
      // burn-in: every arm in rotation gets an equal share
      for (const arm of report.arms.filter((a) => a.status !== "retired")) expect(arm.weight).toBeCloseTo(1 / 3, 12);
      expect(notes.join("\n")).toMatch(/arms changed since the last policy/);
    });

    it("should show the champion alone with weight 1 after a promotion, the others retired with their statistics", async () => {
      const playbooks = fakePlaybooks([A, B, C]);
      const service = createExperimentsService({
        db: t.db,
        playbooks,
        clock: { now: () => T0 },
        rng: createSeededRandom(2),
        logger: silentLogger(),
      });
      await service.promote("closing", B, { force: true, actor: "api", now: T0 + 1 });
      const { report } = await buildStageReport(t.db, playbooks, "closing", T0 + 2);
      expect(report.arms.map((a) => [a.variant, a.status, a.weight, a.decisions, a.pBest])).toEqual([
        ["limited-offer", "retired", 0, 2, null],
        ["reserve-now", "retired", 0, 5, null],
        ["simple-steps", "champion", 1, 5, 1],
      ]);
    });
  });

  describe("the verdict", () => {
    beforeEach(async () => {
      await seedArms(t.db, [
        { key: A, stage: "closing", status: "champion" },
        { key: B, stage: "closing" },
      ]);
      const policy = await seedPolicy(t.db, "closing", { [A]: 0.5, [B]: 0.5 });
      await seedAssignments(t.db, [
        ...times(80, { arm: A, stage: "closing", policyId: policy, status: "success", at: T0, windowEndsAt: T0 + DAY }),
        ...times(20, {
          arm: A,
          stage: "closing",
          policyId: policy,
          status: "failure",
          at: T0 + DAY,
          windowEndsAt: T0 + DAY,
        }),
        ...times(30, {
          arm: B,
          stage: "closing",
          policyId: policy,
          status: "success",
          at: T0 + DAY,
          windowEndsAt: T0 + DAY,
        }),
        ...times(70, {
          arm: B,
          stage: "closing",
          policyId: policy,
          status: "failure",
          at: T0 + DAY,
          windowEndsAt: T0 + DAY,
        }),
      ]);
    });
    const rules = { minDecisions: 20, minSuccesses: 5, minDays: 3 };

    it("should be collecting until the experiment has run the minimum days since its first assignment", async () => {
      const { report, notes } = await buildStageReport(t.db, fakePlaybooks([A, B], rules), "closing", T0 + 2 * DAY);
      expect(report.verdict).toBe("collecting");
      expect(notes[0]).toMatch(/running 2 of 3 days/);
    });

    it("should name the clearly better arm the winner once every rule is met", async () => {
      const { report } = await buildStageReport(t.db, fakePlaybooks([A, B], rules), "closing", T0 + 3 * DAY);
      expect(report.verdict).toBe("winner");
      expect(report.winner).toBe(A);
    });

    it("should be collecting while an arm lacks the minimum successes", async () => {
      const strict = { ...rules, minSuccesses: 31 };
      const { report } = await buildStageReport(t.db, fakePlaybooks([A, B], strict), "closing", T0 + 3 * DAY);
      expect(report.verdict).toBe("collecting");
    });
  });
});
