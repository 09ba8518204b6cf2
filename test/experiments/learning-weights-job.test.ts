import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/clock.js";
import {
  type ChangeAlarm,
  createExperimentsService,
  createSeededRandom,
  experimentEventsOf,
} from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import { latestPolicyVersion } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { fakePlaybooks, seedArms, seedAssignments, seedPolicy, T0 } from "./experiment-fixtures.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STAGE = "intent";
const LEARNING = {
  pendingOutcomes: true,
  changeDetection: true,
  changeFalseAlarmRate: 0.01,
  changePreWeight: 0.1,
  changeHorizon: 0.5,
  newcomerPrior: false,
  newcomerPriorStrength: 4,
};

describe("the weights job with learning that keeps up (SQLite file, in-process clock)", () => {
  let t: TestDatabase;
  let clock: ManualClock;
  const found: { stage: string; change: ChangeAlarm }[] = [];

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = new ManualClock(T0);
    found.length = 0;
  });
  afterEach(async () => {
    await t.close();
  });

  function service(learning = LEARNING) {
    return createExperimentsService({
      db: t.db,
      playbooks: fakePlaybooks(["a@1", "b@1"], { learning, draws: 2000 }, [STAGE]),
      clock,
      rng: createSeededRandom(3),
      logger: silentLogger(),
      onChangeDetected: (stage, change) => found.push({ stage, change }),
    });
  }

  /** 40 days of 40 assignments a day per arm; a converts at 0.4 until day 20, then at 0.1; b at 0.3. */
  async function history(): Promise<void> {
    await seedArms(t.db, [
      { key: "a@1", stage: STAGE },
      { key: "b@1", stage: STAGE },
    ]);
    const policyId = await seedPolicy(t.db, STAGE, { "a@1": 0.5, "b@1": 0.5 }, T0);
    const rng = createSeededRandom(11);
    const seeds = [];
    for (let day = 0; day < 40; day++) {
      for (let i = 0; i < 40; i++) {
        const at = T0 + day * DAY + i * (DAY / 40);
        for (const arm of ["a@1", "b@1"]) {
          const p = arm === "b@1" ? 0.3 : day < 20 ? 0.4 : 0.1;
          const status = rng.next() < p ? ("success" as const) : ("failure" as const);
          seeds.push({ arm, stage: STAGE, policyId, at, status });
        }
      }
    }
    await seedAssignments(t.db, seeds);
    clock.set(T0 + 42 * DAY);
  }

  it("should record a changed arm once as change_detected, call the alert hook, and store which switches were on", async () => {
    await history();
    const experiments = service();
    const [status] = await experiments.updateWeights(clock.now(), "schedule");
    expect(status?.detail).toMatch(/^thompson\+pending\+change; a@1 changed \(down\)/);
    const events = (await experimentEventsOf(t.db, STAGE)).filter((e) => e.kind === "change_detected");
    expect(events.map((e) => [e.variant_id, e.actor])).toEqual([["a", "system"]]);
    expect(events[0]?.reason).toMatch(/^conversion went down from 2026-03-2\d/);
    expect(found.map((f) => [f.stage, f.change.arm, f.change.direction])).toEqual([[STAGE, "a@1", "down"]]);
    const policy = await latestPolicyVersion(t.db, STAGE);
    expect(policy?.algorithm).toBe("thompson");
    expect(policy?.learning).toEqual({ pendingOutcomes: true, changeDetection: true, newcomerPrior: false });
    // a's 20 good days weigh 0.1 now: b, stable at 0.3, is the better arm.
    expect(policy?.weights["b@1"]).toBeGreaterThan(0.9);

    clock.advance(HOUR);
    await experiments.updateWeights(clock.now(), "schedule");
    expect((await experimentEventsOf(t.db, STAGE)).filter((e) => e.kind === "change_detected")).toHaveLength(1);
    expect(found).toHaveLength(1);
  });

  it("should stay with plain resolved counts when every switch is off", async () => {
    await history();
    const off = { ...LEARNING, pendingOutcomes: false, changeDetection: false };
    await service(off).updateWeights(clock.now(), "schedule");
    const policy = await latestPolicyVersion(t.db, STAGE);
    expect(policy?.learning).toBeUndefined();
    expect(policy?.counts["a@1"]?.successes).toBeGreaterThan(350);
    expect((await experimentEventsOf(t.db, STAGE)).filter((e) => e.kind === "change_detected")).toEqual([]);
    expect(found).toEqual([]);
  });
});
