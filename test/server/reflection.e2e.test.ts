/**
 * Issue 13, done when: against a fake OpenAI-compatible server answering with
 * good and bad proposals, `closer reflect --stage intent --json` writes exactly
 * the good ones and names every rejection's reasons, and the running service
 * (started as a user starts it, over a real SQLite file) shows each new arm —
 * `proposed` until approved, then `candidate` on at most the cap — without a
 * restart.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCommand } from "../cli/cli-fixtures.js";
import {
  answer,
  badProposals,
  goodProposal,
  secondGoodProposal,
} from "../experiments/reflection/reflection-fixtures.js";
import { FakeOpenAi } from "../support/fake-openai.js";
import { type RunningServer, startServer, TEST_ADMIN_TOKEN } from "../support/start-server.js";

interface ReportArm {
  variant: string;
  version: number;
  status: string;
  weight: number;
}

describe("closer reflect against an OpenAI-compatible model, with the service running", () => {
  let fake: FakeOpenAi;
  let server: RunningServer;
  let home: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), "closer-reflect-e2e-"));
    const playbooks = join(home, "playbooks");
    cpSync(resolve(import.meta.dirname, "../../playbooks"), playbooks, { recursive: true });
    fake = await FakeOpenAi.start({ apiKey: "sk-reflect", model: "reflect-model" });
    const bad = badProposals();
    fake.always({
      kind: "content",
      content: answer([goodProposal(), bad.schema, bad.lint, bad.claim, bad.guardrails, secondGoodProposal()]),
    });
    const shared = {
      PLAYBOOKS_DIR: playbooks,
      LLM_BASE_URL: fake.baseUrl,
      LLM_MODEL: "reflect-model",
      LLM_API_KEY: "sk-reflect",
      LLM_PRICE_PER_MTOK_IN: "1.5",
      LLM_PRICE_PER_MTOK_OUT: "6",
      CLOSER_RANDOM_SEED: "13",
    };
    mkdirSync(join(home, "data"), { mode: 0o700 });
    server = await startServer({ env: shared, dataDir: join(home, "data") });
    env = {
      ...shared,
      DATA_DIR: server.dataDir,
      CLOSER_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
      USER: "reviewer",
      LOG_LEVEL: "silent",
      PATH: process.env.PATH,
    };
  });

  afterAll(async () => {
    await server?.stop();
    await fake?.close();
    rmSync(home, { recursive: true, force: true });
  });

  async function intentArms(): Promise<Record<string, ReportArm>> {
    const response = await fetch(`${server.url}/api/experiments`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    expect(response.status).toBe(200);
    const report = (await response.json()) as { stages: { stage: string; arms: ReportArm[] }[] };
    const arms = report.stages.find((s) => s.stage === "intent")?.arms ?? [];
    return Object.fromEntries(arms.map((a) => [`${a.variant}@${a.version}`, a]));
  }

  it("writes exactly the good proposals, names every rejection's reasons, and the service shows them proposed, then candidate once approved", async () => {
    expect(Object.keys(await intentArms())).not.toContain("fit-question-first@1");

    const reflect = await runCommand("reflect", ["--stage", "intent", "--json"], env, home);
    expect(reflect.err).toMatch(/The running service \(http:\/\/127\.0\.0\.1:\d+\) reloaded its playbooks/);
    expect(reflect.code).toBe(0);
    const output = JSON.parse(reflect.out) as { runs: unknown[] };
    expect(Object.keys(output)).toEqual(["runs"]);
    expect(output.runs).toHaveLength(1);
    const run = output.runs[0] as Record<string, unknown>;
    expect(Object.keys(run)).toEqual(["stage", "proposed", "accepted", "rejected", "tokens", "costUsd"]);
    expect(run).toMatchObject({
      stage: "intent",
      proposed: 6,
      accepted: [
        { variant: "fit-question-first", version: 1, file: "playbooks/variants/intent/fit-question-first.yaml" },
        { variant: "budget-first", version: 1, file: "playbooks/variants/intent/budget-first.yaml" },
      ],
      // The fake reports 100 prompt and 20 completion tokens.
      tokens: { in: 100, out: 20 },
      costUsd: (100 * 1.5 + 20 * 6) / 1e6,
    });
    const rejected = run.rejected as { id: string; reasons: string[] }[];
    expect(rejected.map((r) => r.id)).toEqual([
      "no-templates",
      "unknown-variable",
      "invented-discount",
      "greedy-discount",
    ]);
    for (const r of rejected) expect(r.reasons.length).toBeGreaterThan(0);
    const kinds = rejected.map((r) => new Set(r.reasons.map((reason) => reason.split(":")[0])));
    expect(["schema", "lint", "claim", "guardrails"].map((kind, i) => kinds[i]?.has(kind))).toEqual([
      true,
      true,
      true,
      true,
    ]);

    expect(readdirSync(join(home, "playbooks/variants/intent")).sort()).toEqual([
      "budget-first.yaml",
      "fit-finder.yaml",
      "fit-question-first.yaml",
      "straight-price.yaml",
      "value-compare.yaml",
    ]);
    const request = fake.requests.at(-1)?.body;
    expect(request?.response_format).toMatchObject({ type: "json_schema", json_schema: { name: "proposals" } });
    expect(request?.messages?.at(-1)?.content).toContain("proposals");

    // The running service shows both without a restart: proposed, no traffic.
    const arms = await intentArms();
    expect(arms["fit-question-first@1"]).toMatchObject({ status: "proposed", weight: 0 });
    expect(arms["budget-first@1"]).toMatchObject({ status: "proposed", weight: 0 });
    const listed = await runCommand("experiments", ["--json"], env, home);
    expect(listed.code).toBe(0);
    expect(listed.out).toMatch(/"variant": "fit-question-first",\s+"version": 1,\s+"status": "proposed"/);

    const show = await runCommand("candidates", ["show", "intent", "budget-first@1"], env, home);
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/^budget-first@1 \(intent, proposed\) — variants\/intent\/budget-first\.yaml$/m);
    expect(show.out).toMatch(/^Rationale: Design move: answer the top objection/m);
    expect(show.out).toMatch(
      /^--- fit-finder@2 \(variants\/intent\/fit-finder\.yaml\) {2}\| {2}\+\+\+ budget-first@1$/m,
    );
    expect(show.out).toMatch(/^version: 2 {50} \| version: 1$/m);

    const approve = await runCommand(
      "candidates",
      ["approve", "intent", "fit-question-first@1", "--reason", "ok"],
      env,
      home,
    );
    expect(approve.err).toMatch(/reloaded its playbooks/);
    expect(approve.code).toBe(0);
    const after = await intentArms();
    expect(after["fit-question-first@1"]?.status).toBe("candidate");
    expect(after["fit-question-first@1"]?.weight).toBeGreaterThan(0);
    expect(after["fit-question-first@1"]?.weight).toBeLessThanOrEqual(0.1 + 1e-9);
    expect(after["budget-first@1"]).toMatchObject({ status: "proposed", weight: 0 });

    const runs = await fetch(`${server.url}/api/reflection/runs`, {
      headers: { authorization: `Bearer ${TEST_ADMIN_TOKEN}` },
    });
    const stored = (await runs.json()) as { runs: { stage: string; model: string; tokens: unknown; status: string }[] };
    expect(stored.runs[0]).toMatchObject({
      stage: "intent",
      model: "reflect-model",
      status: "done",
      tokens: { in: 100, out: 20, estimated: false },
    });
  });
});
