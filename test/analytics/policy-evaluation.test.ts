import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { evaluateStagePolicy } from "../../src/analytics/index.js";
import { isCloserError } from "../../src/errors.js";
import { createSeededRandom, evaluatePolicy, type LoggedDecision } from "../../src/experiments/index.js";
import {
  type AssignmentSeed,
  fakePlaybooks,
  seedArms,
  seedAssignments,
  seedPolicy,
} from "../experiments/experiment-fixtures.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const A = "reserve-now@1";
const B = "simple-steps@1";
const TRUE_RATE: Record<string, number> = { [A]: 0.3, [B]: 0.6 };

describe("evaluateStagePolicy", () => {
  let t: TestDatabase;
  const playbooks = fakePlaybooks([A, B]);
  const log: LoggedDecision[] = [];

  beforeEach(async () => {
    t = await createTestDatabase();
    await seedArms(t.db, [
      { key: A, stage: "closing", status: "champion" },
      { key: B, stage: "closing" },
    ]);
    // two logging policies, so propensities differ between rows of the same arm
    const rng = createSeededRandom(9);
    const seeds: AssignmentSeed[] = [];
    log.length = 0;
    for (const weights of [
      { [A]: 0.5, [B]: 0.5 },
      { [A]: 0.8, [B]: 0.2 },
    ]) {
      const policyId = await seedPolicy(t.db, "closing", weights);
      for (let i = 0; i < 300; i++) {
        const arm = rng.next() < weights[A] ? A : B;
        const success = rng.next() < TRUE_RATE[arm]!;
        const propensity = weights[arm]!;
        seeds.push({ arm, stage: "closing", policyId, propensity, status: success ? "success" : "failure" });
        log.push({ arm, propensity, reward: success ? 1 : 0 });
      }
      seeds.push({ arm: B, stage: "closing", policyId, propensity: weights[B], status: "pending" });
    }
    await seedAssignments(t.db, seeds);
  });
  afterEach(async () => {
    await t.close();
  });

  it("should equal the estimate over the decision-by-decision log, leaving pending assignments out", async () => {
    const result = await evaluateStagePolicy(t.db, playbooks, "closing", "champion");
    const expected = evaluatePolicy(log, { [A]: 1 });
    expect(result.policy).toBe("champion");
    expect(result.target).toEqual({ [A]: 1 });
    expect(result.n).toBe(600);
    expect(result.matched).toBe(expected.matched);
    expect(result.ips!.estimate).toBeCloseTo(expected.ips!.estimate, 12);
    expect(result.ips!.standardError).toBeCloseTo(expected.ips!.standardError, 12);
    expect(result.snips!.estimate).toBeCloseTo(expected.snips!.estimate, 12);
    expect(result.snips!.standardError).toBeCloseTo(expected.snips!.standardError, 12);
    expect(result.effectiveSampleSize).toBeCloseTo(expected.effectiveSampleSize, 9);
  });

  it("should estimate each policy near its true success rate", async () => {
    const champion = await evaluateStagePolicy(t.db, playbooks, "closing", "champion");
    const uniform = await evaluateStagePolicy(t.db, playbooks, "closing", "uniform");
    const better = await evaluateStagePolicy(t.db, playbooks, "closing", { [B]: 1 });
    expect(uniform.target).toEqual({ [A]: 0.5, [B]: 0.5 });
    expect(better.policy).toBe("weights");
    for (const [estimate, truth] of [
      [champion, 0.3],
      [uniform, 0.45],
      [better, 0.6],
    ] as const) {
      expect(Math.abs(estimate.snips!.estimate - truth)).toBeLessThan(3 * estimate.snips!.standardError);
    }
  });

  it.each([
    ["an unknown stage", "checkout", "uniform" as const, "strategy_unknown"],
    ["weights naming an arm the stage never had", "closing", { "nope@1": 1 }, "strategy_unknown"],
    ["weights that do not sum to 1", "closing", { [A]: 0.5, [B]: 0.4 }, "bad_request"],
  ])("should refuse %s", async (_name, stage, spec, code) => {
    const error = await evaluateStagePolicy(t.db, playbooks, stage, spec).catch((e: unknown) => e);
    expect(isCloserError(error) ? error.code : error).toBe(code);
  });

  it("should refuse the champion policy in a stage without a champion", async () => {
    await t.db.updateTable("variant_versions").set({ status: "active" }).execute();
    const error = await evaluateStagePolicy(t.db, playbooks, "closing", "champion").catch((e: unknown) => e);
    expect(isCloserError(error, "experiment_invalid")).toBe(true);
  });
});
