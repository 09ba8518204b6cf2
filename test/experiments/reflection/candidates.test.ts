import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ScriptedLlmClient } from "../../../src/engine/index.js";
import {
  allArms,
  approveCandidate,
  listCandidates,
  rejectCandidate,
  runReflection,
  showCandidate,
} from "../../../src/experiments/index.js";
import { latestPolicyVersion, recentAudit } from "../../../src/store/index.js";
import {
  answer,
  goodProposal,
  type ReflectionWorld,
  reflectionWorld,
  secondGoodProposal,
} from "./reflection-fixtures.js";

describe("the review of reflection candidates", () => {
  let world: ReflectionWorld;
  beforeEach(async () => {
    world = await reflectionWorld();
    const llm = new ScriptedLlmClient([answer([goodProposal(), secondGoodProposal()])]);
    await runReflection(world.deps(llm), { stages: ["intent"] });
  });
  afterEach(async () => {
    await world.close();
  });

  const status = async (key: string) => (await allArms(world.t.db, "intent")).find((a) => a.key === key)?.status;
  const fileOf = (id: string) => readFileSync(join(world.dir, `variants/intent/${id}.yaml`), "utf8");

  it("lists the proposals awaiting review", async () => {
    const list = await listCandidates(world.candidates());
    expect(list.map((c) => [c.arm, c.status, c.origin, c.parents])).toEqual([
      ["budget-first@1", "proposed", "reflection", ["straight-price@2", "fit-finder@2"]],
      ["fit-question-first@1", "proposed", "reflection", ["fit-finder@2"]],
    ]);
  });

  it("shows the file, each parent beside it and the rationale", async () => {
    const detail = await showCandidate(world.candidates(), "intent", "budget-first@1");
    expect(detail.text).toBe(fileOf("budget-first"));
    expect(detail.rationale).toMatch(/answer the top objection/);
    expect(detail.parentDiffs.map((d) => [d.parent, d.file])).toEqual([
      ["straight-price@2", "variants/intent/straight-price.yaml"],
      ["fit-finder@2", "variants/intent/fit-finder.yaml"],
    ]);
    const rows = detail.parentDiffs[1]?.rows ?? [];
    expect(rows.find((r) => r.left === "id: fit-finder")?.mark).not.toBe("=");
    expect(rows.find((r) => r.right === "id: budget-first")?.mark).not.toBe("=");
    expect(rows).toContainEqual({ mark: "|", left: "version: 2", right: "version: 1" });
  });

  it("approves a proposal: it becomes a candidate in the store and the file, gets a share of traffic, and is audited", async () => {
    const done = await approveCandidate(world.candidates(), "intent", "fit-question-first@1", {
      actor: "cli:tester",
      reason: "reads well",
    });
    expect(done.status).toBe("candidate");
    expect(await status("fit-question-first@1")).toBe("candidate");
    expect(fileOf("fit-question-first")).toMatch(/^status: candidate$/m);
    const policy = await latestPolicyVersion(world.t.db, "intent");
    expect(Object.keys(policy?.weights ?? {})).toContain("fit-question-first@1");
    expect(Object.keys(policy?.weights ?? {})).not.toContain("budget-first@1");
    expect(policy?.weights["fit-question-first@1"]).toBeLessThanOrEqual(0.1 + 1e-9);
    const audit = (await recentAudit(world.t.db)).find((a) => a.action === "candidate_approve");
    expect(audit).toMatchObject({ actor: "cli:tester", subject: "intent/fit-question-first@1" });
    expect(JSON.parse(audit?.detail_json ?? "{}")).toMatchObject({ reason: "reads well" });
  });

  it("rejects a proposal: it is retired with the reason and never served", async () => {
    await rejectCandidate(world.candidates(), "intent", "budget-first@1", { actor: "api", reason: "too pushy" });
    expect(await status("budget-first@1")).toBe("retired");
    expect(fileOf("budget-first")).toMatch(/^status: retired$/m);
    const actions = (await recentAudit(world.t.db)).map((a) => [a.action, a.subject]);
    expect(actions).toContainEqual(["candidate_reject", "intent/budget-first@1"]);
    expect(actions).toContainEqual(["experiment_retire", "intent/budget-first@1"]);
  });

  it("refuses to approve what is not a proposal, with a clear reason", async () => {
    await expect(
      approveCandidate(world.candidates(), "intent", "fit-finder@2", { actor: "api" }),
    ).rejects.toMatchObject({
      code: "experiment_invalid",
      message: "fit-finder@2 is champion, not proposed.",
    });
    await expect(showCandidate(world.candidates(), "nowhere", "x@1")).rejects.toMatchObject({
      code: "strategy_unknown",
    });
  });
});
