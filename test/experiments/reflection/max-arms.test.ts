import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScriptedLlmClient } from "../../../src/engine/index.js";
import { allArms, runReflection } from "../../../src/experiments/index.js";
import { recentAudit } from "../../../src/store/index.js";
import { seedAssignments, seedPolicy, times } from "../experiment-fixtures.js";
import { answer, goodProposal, type ReflectionWorld, reflectionWorld } from "./reflection-fixtures.js";

describe("max_arms: the reflection makes room before it adds an arm", () => {
  let world: ReflectionWorld;
  beforeEach(async () => {
    world = await reflectionWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  /** Writes the funnel's max_arms for every stage and reloads. */
  async function setMaxArms(max: number): Promise<void> {
    const { readFileSync, writeFileSync } = await import("node:fs");
    const file = `${world.dir}/funnel.yaml`;
    const funnel = readFileSync(file, "utf8").replace(/^ {2}max_arms: .*\n/m, "");
    writeFileSync(file, funnel.replace(/^experiment:\n/m, `experiment:\n  max_arms: ${max}\n`));
    await world.candidates().reload();
  }

  it("retires the arm with the lowest P(best) past burn-in, never the champion, and says why in the audit log", async () => {
    await setMaxArms(3);
    const policy = await seedPolicy(world.t.db, "intent", {}, world.now - 5 * 86_400_000);
    const at = world.now - 4 * 86_400_000;
    await seedAssignments(world.t.db, [
      ...times(12, { arm: "fit-finder@2", stage: "intent", policyId: policy, status: "success", at }),
      ...times(8, { arm: "fit-finder@2", stage: "intent", policyId: policy, status: "failure", at }),
      ...times(10, { arm: "straight-price@2", stage: "intent", policyId: policy, status: "success", at }),
      ...times(10, { arm: "straight-price@2", stage: "intent", policyId: policy, status: "failure", at }),
      ...times(2, { arm: "value-compare@2", stage: "intent", policyId: policy, status: "success", at }),
      ...times(18, { arm: "value-compare@2", stage: "intent", policyId: policy, status: "failure", at }),
    ]);
    const report = await runReflection(world.deps(new ScriptedLlmClient([answer([goodProposal()])])), {
      stages: ["intent"],
    });
    expect(report.retired).toEqual(["value-compare@2"]);
    expect(report.runs[0]?.accepted.map((a) => a.variant)).toEqual(["fit-question-first"]);
    const statuses = Object.fromEntries((await allArms(world.t.db, "intent")).map((a) => [a.key, a.status]));
    expect(statuses).toMatchObject({
      "fit-finder@2": "champion",
      "straight-price@2": "active",
      "value-compare@2": "retired",
      "fit-question-first@1": "proposed",
    });
    const audit = (await recentAudit(world.t.db)).find((a) => a.action === "experiment_retire");
    expect(audit?.actor).toBe("reflection");
    expect(JSON.parse(audit?.detail_json ?? "{}").reason).toMatch(/max_arms 3: the weakest arm past burn-in/);
  });

  it("adds nothing to a full stage whose arms are all still in burn-in", async () => {
    await setMaxArms(3);
    const report = await runReflection(world.deps(new ScriptedLlmClient([answer([goodProposal()])])), {
      stages: ["intent"],
    });
    expect(report.runs[0]?.accepted).toEqual([]);
    expect(report.runs[0]?.rejected[0]?.reasons).toEqual([
      "max_arms: stage intent has 3 arms (max_arms 3) and none past burn-in (20 decisions) that could be retired to make room",
    ]);
    expect(report.retired).toEqual([]);
  });
});
