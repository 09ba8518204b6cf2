import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCloserError } from "../../src/errors.js";
import {
  chiSquarePValue,
  createExperimentsService,
  createSeededRandom,
  type ExperimentsService,
  experimentEventsOf,
  stageSrm,
} from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import { latestPolicyVersion, recentAudit } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { fakePlaybooks, seedArms, seedAssignments, seedPolicy, T0, times } from "./experiment-fixtures.js";

const A = "reserve-now@1";
const B = "simple-steps@1";

describe("the SRM guard", () => {
  let t: TestDatabase;
  let service: ExperimentsService;
  let policyId: number;

  beforeEach(async () => {
    t = await createTestDatabase();
    await seedArms(t.db, [
      { key: A, stage: "closing", status: "champion" },
      { key: B, stage: "closing" },
    ]);
    policyId = await seedPolicy(t.db, "closing", { [A]: 0.5, [B]: 0.5 });
    service = createExperimentsService({
      db: t.db,
      playbooks: fakePlaybooks([A, B]),
      clock: { now: () => T0 },
      rng: createSeededRandom(5),
      logger: silentLogger(),
    });
  });
  afterEach(async () => {
    await t.close();
  });

  /** 100 to A and 40 to B under a 50/50 policy: χ² = 2·30²/70, p ≈ 4e-7. */
  async function seedMismatch(at = T0): Promise<void> {
    await seedAssignments(t.db, [
      ...times(100, { arm: A, stage: "closing", policyId, at }),
      ...times(40, { arm: B, stage: "closing", policyId, at }),
    ]);
  }

  const closingStatus = async (now: number) =>
    (await service.updateWeights(now, "schedule")).find((s) => s.stage === "closing");
  const kinds = async () => (await experimentEventsOf(t.db, "closing")).map((e) => e.kind);

  it("should not alarm on a chance imbalance in too few assignments (24 vs 6 at 50/50)", async () => {
    await seedAssignments(t.db, [
      ...times(24, { arm: A, stage: "closing", policyId }),
      ...times(6, { arm: B, stage: "closing", policyId }),
    ]);
    const srm = await stageSrm(t.db, "closing");
    expect(srm.pValue).toBeLessThan(0.0011);
    expect(srm.alarm).toBe(false);
    expect((await closingStatus(T0))?.status).toBe("updated");
  });

  it("should compare observed assignments with the sum of the logged policies' probabilities", async () => {
    const other = await seedPolicy(t.db, "closing", { [A]: 0.8, [B]: 0.2 });
    await seedAssignments(t.db, [
      ...times(6, { arm: A, stage: "closing", policyId }),
      ...times(4, { arm: B, stage: "closing", policyId }),
      ...times(9, { arm: A, stage: "closing", policyId: other }),
      ...times(1, { arm: B, stage: "closing", policyId: other }),
    ]);
    const srm = await stageSrm(t.db, "closing");
    // expected A = 10·0.5 + 10·0.8 = 13, B = 10·0.5 + 10·0.2 = 7; observed 15 and 5
    expect(srm.observed).toEqual({ [A]: 15, [B]: 5 });
    expect(srm.expected[A]).toBeCloseTo(13, 12);
    expect(srm.expected[B]).toBeCloseTo(7, 12);
    const statistic = 2 ** 2 / 13 + 2 ** 2 / 7;
    expect(srm.statistic).toBeCloseTo(statistic, 12);
    expect(srm.pValue).toBeCloseTo(chiSquarePValue(statistic, 1), 12);
    expect(srm.alarm).toBe(false);
  });

  it("should freeze the stage's reweighting on an alarm and record the alarm once", async () => {
    await seedMismatch();
    const before = await latestPolicyVersion(t.db, "closing");
    const first = await closingStatus(T0 + 1);
    expect(first?.status).toBe("skipped");
    expect(first?.detail).toMatch(/SRM alarm/);
    expect((await closingStatus(T0 + 2))?.status).toBe("skipped");
    expect(await kinds()).toEqual(["srm_alarm"]);
    expect((await latestPolicyVersion(t.db, "closing"))?.id).toBe(before?.id);
    expect((await recentAudit(t.db))[0]).toMatchObject({ action: "srm_alarm", actor: "system", subject: "closing" });
  });

  it("should keep the stage frozen after the p-value recovers, until an operator acknowledges", async () => {
    await seedMismatch();
    await closingStatus(T0 + 1);
    await seedAssignments(t.db, times(60, { arm: B, stage: "closing", policyId }));
    expect((await stageSrm(t.db, "closing")).alarm).toBe(false);
    expect((await closingStatus(T0 + 2))?.status).toBe("skipped");
  });

  it("should resume reweighting after an acknowledgement, recorded as an event and in the audit log", async () => {
    await seedMismatch();
    await closingStatus(T0 + 1);
    const ack = await service.acknowledgeSrm("closing", {
      reason: "logging bug fixed",
      actor: "cli:ana",
      now: T0 + 10,
    });
    expect(ack.stage).toBe("closing");
    expect(ack.pValue).toBeLessThan(0.001);
    expect(await kinds()).toEqual(["srm_alarm", "srm_ack"]);
    expect((await recentAudit(t.db))[0]).toMatchObject({ action: "srm_ack", actor: "cli:ana", at: T0 + 10 });
    const status = await closingStatus(T0 + 11);
    expect(status?.status).toBe("updated");
    expect((await latestPolicyVersion(t.db, "closing"))?.createdAt).toBe(T0 + 11);
  });

  it("should check only the assignments after the acknowledgement, and freeze again on a new alarm", async () => {
    await seedMismatch();
    await closingStatus(T0 + 1);
    await service.acknowledgeSrm("closing", { actor: "api", now: T0 + 10 });
    expect((await stageSrm(t.db, "closing")).since).toBe(T0 + 10);
    expect((await stageSrm(t.db, "closing")).alarm).toBe(false);
    await seedMismatch(T0 + 20);
    expect((await closingStatus(T0 + 21))?.status).toBe("skipped");
    expect(await kinds()).toEqual(["srm_alarm", "srm_ack", "srm_alarm"]);
  });

  it("should accept an acknowledgement of an alarm the job has not recorded yet, recording both", async () => {
    await seedMismatch();
    expect((await service.srmState("closing")).frozen).toBe(true);
    await service.acknowledgeSrm("closing", { actor: "api", now: T0 + 1 });
    expect(await kinds()).toEqual(["srm_alarm", "srm_ack"]);
    expect((await service.srmState("closing")).frozen).toBe(false);
  });

  it("should refuse to acknowledge when there is no alarm", async () => {
    await seedAssignments(t.db, [
      ...times(10, { arm: A, stage: "closing", policyId }),
      ...times(10, { arm: B, stage: "closing", policyId }),
    ]);
    const error = await service.acknowledgeSrm("closing", { actor: "api", now: T0 }).catch((e: unknown) => e);
    expect(isCloserError(error, "experiment_invalid")).toBe(true);
    expect(await kinds()).toEqual([]);
  });

  it("should refuse an unknown stage", async () => {
    const error = await service.acknowledgeSrm("checkout", { actor: "api", now: T0 }).catch((e: unknown) => e);
    expect(isCloserError(error, "strategy_unknown")).toBe(true);
  });
});
