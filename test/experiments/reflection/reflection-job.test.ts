import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LlmError, ScriptedLlmClient } from "../../../src/engine/index.js";
import { allArms, runReflection } from "../../../src/experiments/index.js";
import { currentReflectionLock, recentAudit, recentReflectionRuns } from "../../../src/store/index.js";
import { seedArms } from "../experiment-fixtures.js";
import {
  answer,
  badProposals,
  goodProposal,
  type ReflectionWorld,
  reflectionWorld,
  secondGoodProposal,
  seedConversations,
} from "./reflection-fixtures.js";

describe("the weekly reflection", () => {
  let world: ReflectionWorld;
  beforeEach(async () => {
    world = await reflectionWorld();
  });
  afterEach(async () => {
    await world.close();
  });

  it("writes exactly the proposals that pass every check, as proposed variant files, and names each rejection's reasons", async () => {
    const bad = badProposals();
    const llm = new ScriptedLlmClient([
      answer([goodProposal(), bad.schema, bad.lint, bad.claim, bad.guardrails, secondGoodProposal()]),
    ]);
    const report = await runReflection(world.deps(llm), { stages: ["intent"] });

    const [run] = report.runs;
    expect(run?.stage).toBe("intent");
    expect(run?.proposed).toBe(6);
    expect(run?.accepted).toEqual([
      { variant: "fit-question-first", version: 1, file: "variants/intent/fit-question-first.yaml" },
      { variant: "budget-first", version: 1, file: "variants/intent/budget-first.yaml" },
    ]);
    const reasons = Object.fromEntries((run?.rejected ?? []).map((r) => [r.id, r.reasons.join("\n")]));
    expect(Object.keys(reasons)).toEqual(["no-templates", "unknown-variable", "invented-discount", "greedy-discount"]);
    expect(reasons["no-templates"]).toMatch(/schema: templates: /);
    expect(reasons["no-templates"]).toMatch(/schema: llm_instructions/);
    expect(reasons["unknown-variable"]).toMatch(
      /lint: variants\/intent\/unknown-variable\.yaml:\d+:\d+ .*product\.colour/,
    );
    expect(reasons["unknown-variable"]).toMatch(/template `haggle` is not an intent of the funnel/);
    expect(reasons["invented-discount"]).toMatch(/claim: llm_instructions: .*40%/);
    expect(reasons["invented-discount"]).toMatch(
      /claim: llm_instructions: "only 2 left" does not match the catalog's stock/,
    );
    expect(reasons["greedy-discount"]).toMatch(
      /guardrails: max_discount_percent 30 is above its parents' 15 \(fit-finder@2\)/,
    );
    expect(reasons["greedy-discount"]).toMatch(/guardrails: template `default`: "Act now"/);

    const text = readFileSync(join(world.dir, "variants/intent/fit-question-first.yaml"), "utf8");
    expect(text).toMatch(/^id: fit-question-first$/m);
    expect(text).toMatch(/^version: 1$/m);
    expect(text).toMatch(/^status: proposed$/m);
    expect(text).toMatch(/^origin: reflection$/m);
    expect(text).toMatch(/^parents:\n {2}- fit-finder@2$/m);
    expect(text).toMatch(/^rationale: "?Design move: change the question asked/m);
    expect(text).toMatch(new RegExp(`^created_at: ${new Date(world.now).toISOString()}$`, "m"));
    expect(text).toMatch(/^model: scripted$/m);
    // The parent's forbidden phrases stay in force in the child.
    expect(text).toMatch(/- act now/);
    expect(existsSync(join(world.dir, "variants/intent/unknown-variable.yaml"))).toBe(false);

    // The arms are recorded as proposed: in the experiment, with no traffic.
    const arms = Object.fromEntries((await allArms(world.t.db, "intent")).map((a) => [a.key, a.status]));
    expect(arms["fit-question-first@1"]).toBe("proposed");
    expect(arms["budget-first@1"]).toBe("proposed");
    expect(world.holder.loadedKeys.has("budget-first@1")).toBe(true);
  });

  it("asks for proposals by name, with the arms worst to best and the customers' redacted words only in the user message", async () => {
    await seedConversations(world);
    const llm = new ScriptedLlmClient([answer([])]);
    await runReflection(world.deps(llm), { stages: ["intent"] });

    const request = llm.requests[0];
    expect(request?.schemaName).toBe("proposals");
    const user = request?.messages.map((m) => m.content).join("\n") ?? "";
    expect(user).toContain('{"proposals": [...]}');
    // fit-finder won its one decision, value-compare has none, straight-price lost its one: worst first.
    const order = ["straight-price@2", "value-compare@2", "fit-finder@2"].map((k) => user.indexOf(`### ${k}`));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(user).toMatch(
      /### fit-finder@2 \(champion\): 1 decisions, 1 successes, posterior mean 66\.7% \(95% interval/,
    );
    expect(user).toContain('<conversation n="1" outcome="won">');
    expect(user).toContain('outcome="lost"');
    expect(user).toContain("customer: Hi, I'm [name]. How much is the dutch oven? Call me on [phone]");
    expect(user).toContain("customer: Too expensive for me. Send it to [address], mail [email]");
    for (const secret of ["Marisol", "Oskar", "415 555", "Baker", "oskar@example.com"]) {
      expect(user).not.toContain(secret);
      expect(request?.system).not.toContain(secret);
    }
    expect(request?.system).not.toContain("Too expensive");
    expect(user).toMatch(/- price: 1 of 1 lost customers/);
    expect(user).toMatch(/Enameled Cast Iron Dutch Oven \(5\.5 qt\): \$129\.00/);
    expect(user).toContain("cross the two best arms");
  });

  it("keeps to 2 new arms per stage in 7 days and rejects near-duplicates of the stage's arms", async () => {
    const first = new ScriptedLlmClient([answer([goodProposal("one"), secondGoodProposal("two")])]);
    await runReflection(world.deps(first), { stages: ["intent"] });
    const fitFinder = readFileSync(join(world.dir, "variants/intent/fit-finder.yaml"), "utf8");
    const copy = goodProposal("copy-of-fit-finder", fitFinderAsProposal(fitFinder));
    const second = new ScriptedLlmClient([answer([copy, goodProposal("three", { description: "Third." })])]);
    const report = await runReflection(world.deps(second), { stages: ["intent"] });

    expect(report.runs[0]?.accepted).toEqual([]);
    const [dup, three] = report.runs[0]?.rejected ?? [];
    expect(dup?.reasons.join("\n")).toMatch(
      /near-duplicate: of fit-finder@2 \(text similarity (0\.9\d|1\.00) > 0\.9\)/,
    );
    expect(three?.reasons).toEqual(expect.arrayContaining([expect.stringMatching(/near-duplicate: of one@1/)]));
    expect(three?.reasons).toContain("quota: stage intent already got its 2 new arms in the last 7 days");
  });

  it("writes candidates when review is off, and stores every run with tokens and estimated cost", async () => {
    const llm = new ScriptedLlmClient([answer([goodProposal()])]);
    const report = await runReflection(world.deps(llm, { review: false, prices: { in: 2, out: 8 } }), {
      stages: ["intent"],
    });
    expect(readFileSync(join(world.dir, "variants/intent/fit-question-first.yaml"), "utf8")).toMatch(
      /^status: candidate$/m,
    );
    expect((await allArms(world.t.db, "intent")).find((a) => a.key === "fit-question-first@1")?.status).toBe(
      "candidate",
    );
    const run = report.runs[0];
    // The scripted client reports no usage: tokens are estimated from the text (4 characters a token).
    expect(run?.tokens.in).toBeGreaterThan(500);
    expect(run?.costUsd).toBeCloseTo(((run?.tokens.in ?? 0) * 2 + (run?.tokens.out ?? 0) * 8) / 1e6, 6);
    const [row] = await recentReflectionRuns(world.t.db);
    expect(row).toMatchObject({ stage: "intent", status: "done", model: "scripted", proposed: 1, tokens_estimated: 1 });
    expect(JSON.parse(row?.accepted_json ?? "[]")).toEqual(run?.accepted);
    const audit = await recentAudit(world.t.db);
    expect(audit.some((a) => a.action === "reflection_run" && a.subject === "intent")).toBe(true);
  });

  it("never reuses the id of a variant the store knows, even when its file is gone", async () => {
    await seedArms(world.t.db, [{ key: "fit-question-first@1", stage: "intent", status: "retired" }]);
    const report = await runReflection(world.deps(new ScriptedLlmClient([answer([goodProposal()])])), {
      stages: ["intent"],
    });
    expect(report.runs[0]?.accepted).toEqual([
      { variant: "fit-question-first-2", version: 1, file: "variants/intent/fit-question-first-2.yaml" },
    ]);
  });

  it("writes nothing on a dry run but reports what would be accepted", async () => {
    const llm = new ScriptedLlmClient([answer([goodProposal()])]);
    const report = await runReflection(world.deps(llm), { stages: ["intent"], dryRun: true });
    expect(report.runs[0]?.accepted.map((a) => a.variant)).toEqual(["fit-question-first"]);
    expect(existsSync(join(world.dir, "variants/intent/fit-question-first.yaml"))).toBe(false);
    expect((await allArms(world.t.db, "intent")).map((a) => a.key)).not.toContain("fit-question-first@1");
  });

  it("records a stage whose model call failed and goes on with the next stage", async () => {
    const llm = new ScriptedLlmClient([
      new LlmError("llm_timeout", "the model did not answer within 180000 ms"),
      answer([]),
    ]);
    const report = await runReflection(world.deps(llm), { stages: ["building_trust", "intent"] });
    expect(report.runs.map((r) => [r.stage, r.error ?? "ok"])).toEqual([
      ["building_trust", "the model did not answer within 180000 ms"],
      ["intent", "ok"],
    ]);
    expect(await currentReflectionLock(world.t.db)).toBeUndefined();
  });

  it("runs one at a time: a second run while one holds the lock is refused", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow = new ScriptedLlmClient([answer([])]);
    const original = slow.completeJson.bind(slow);
    slow.completeJson = async (request) => {
      await gate;
      return original(request);
    };
    const first = runReflection(world.deps(slow), { stages: ["intent"] });
    // Loading and linting the playbooks comes first and takes seconds on a busy machine.
    await expect.poll(() => currentReflectionLock(world.t.db), { timeout: 20_000 }).toBeDefined();
    await expect(runReflection(world.deps(new ScriptedLlmClient([answer([])])))).rejects.toMatchObject({
      code: "reflection_busy",
    });
    release();
    await first;
    expect(await currentReflectionLock(world.t.db)).toBeUndefined();
  });

  it("resumes a run that died: finished stages are kept, the others are run", async () => {
    // A run over two stages died after finishing building_trust (its process is gone).
    const dead = new ScriptedLlmClient([answer([])]);
    const deps = world.deps(dead);
    await runReflection({ ...deps, holder: "elsewhere:1" }, { stages: ["building_trust"] });
    await world.t.db
      .insertInto("reflection_lock")
      .values({
        name: "reflection",
        batch_id: "batch-dead",
        holder: "elsewhere:1",
        stages_json: JSON.stringify(["building_trust", "intent"]),
        options_json: JSON.stringify({ dryRun: false }),
        acquired_at: world.now - 3_600_000,
        heartbeat_at: world.now - 3_600_000,
      })
      .execute();
    await world.t.db
      .updateTable("reflection_runs")
      .set({ batch_id: "batch-dead", proposed: 4 })
      .where("stage", "=", "building_trust")
      .execute();

    const llm = new ScriptedLlmClient([answer([goodProposal()])]);
    const report = await runReflection(world.deps(llm), { stages: ["closing"] });
    expect(report.resumed).toBe(true);
    expect(report.batchId).toBe("batch-dead");
    expect(report.runs.map((r) => [r.stage, r.proposed])).toEqual([
      ["building_trust", 4],
      ["intent", 1],
    ]);
    expect(llm.requests).toHaveLength(1);
    expect(await currentReflectionLock(world.t.db)).toBeUndefined();
  });
});

/** The fit-finder file's fields as a proposal (a near-duplicate by construction). */
function fitFinderAsProposal(yamlText: string): Record<string, unknown> {
  const block = (key: string) =>
    new RegExp(`^ {2}${key}: \\|\\n((?: {4}.*\\n)+)`, "m").exec(yamlText)?.[1]?.replace(/^ {4}/gm, "") ?? "";
  const list = (key: string) =>
    (new RegExp(`^ {2}${key}:\\n((?: {4}- .*\\n)+)`, "m").exec(yamlText)?.[1] ?? "")
      .split("\n")
      .filter(Boolean)
      .map((l) => l.replace(/^ {4}- /, ""));
  const instructions = /^llm_instructions: \|\n((?: {2}.*\n)+)/m.exec(yamlText)?.[1]?.replace(/^ {2}/gm, "") ?? "";
  return {
    strategy: { tone: "direct, concrete and helpful", goals: list("goals"), avoid: list("avoid") },
    templates: {
      default: block("default"),
      price_question: block("price_question"),
      objection: block("objection"),
      shipping_question: block("shipping_question"),
    },
    llm_instructions: instructions,
  };
}
