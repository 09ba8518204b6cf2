/**
 * The reflection, candidate and reload endpoints of the admin API, on the
 * in-process service (real SQLite file, real HTTP on loopback) with a scripted
 * model: run the reflection now, review the candidates, reload the playbooks
 * on request and on SIGHUP, and refuse a folder that fails lint.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { ManualClock, ScriptedLlmClient } from "../../src/engine/index.js";
import { silentLogger } from "../../src/log.js";
import { type Closer, startCloser } from "../../src/main.js";
import { answer, goodProposal, secondGoodProposal } from "../experiments/reflection/reflection-fixtures.js";

const TOKEN = "reflection-api-token-0123456789ab";
const NEVER_CRON = "0 0 1 1 *";

describe("the reflection and candidates API", () => {
  let dir: string;
  let playbooks: string;
  let closer: Closer;
  const llm = new ScriptedLlmClient([answer([goodProposal(), secondGoodProposal()])]);

  async function api<T>(method: "GET" | "POST", path: string, body?: unknown, auth = true) {
    const response = await fetch(`${closer.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(auth ? { authorization: `Bearer ${TOKEN}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as T };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "closer-reflection-api-"));
    playbooks = join(dir, "playbooks");
    cpSync(resolve(import.meta.dirname, "../../playbooks"), playbooks, { recursive: true });
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: join(dir, "data"),
      PLAYBOOKS_DIR: playbooks,
      CLOSER_ADMIN_TOKEN: TOKEN,
      CLOSER_RANDOM_SEED: "5",
      WEIGHTS_CRON: NEVER_CRON,
      RESOLVE_CRON: NEVER_CRON,
      REFLECT_CRON: NEVER_CRON,
      // Reloads happen on request and SIGHUP only, so each test knows what reloaded.
      PLAYBOOKS_WATCH: "off",
      LOG_LEVEL: "silent",
    });
    closer = await startCloser(config, silentLogger(), { clock: new ManualClock(Date.UTC(2026, 11, 7, 3)), llm });
  });
  afterAll(async () => {
    await closer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs the reflection on request (admin only) and stores the run", async () => {
    expect((await api("POST", "/api/reflection/run", { stage: "intent" }, false)).status).toBe(401);
    expect(
      (await api<{ error: { code: string } }>("POST", "/api/reflection/run", { stage: "nope" })).json.error.code,
    ).toBe("strategy_unknown");
    const run = await api<{ runs: { accepted: { variant: string }[] }[] }>("POST", "/api/reflection/run", {
      stage: "intent",
    });
    expect(run.status).toBe(200);
    expect(run.json.runs[0]?.accepted.map((a) => a.variant)).toEqual(["fit-question-first", "budget-first"]);
    const health = await api<{ playbooks: { variants: number } }>("GET", "/healthz", undefined, false);
    expect(health.json.playbooks.variants).toBe(15);
    const runs = await api<{ runs: { stage: string; status: string }[] }>("GET", "/api/reflection/runs");
    expect(runs.json.runs[0]).toMatchObject({ stage: "intent", status: "done" });
  });

  it("lists, shows, approves and rejects candidates", async () => {
    const list = await api<{ candidates: { arm: string; status: string }[] }>("GET", "/api/candidates?stage=intent");
    expect(list.json.candidates.map((c) => [c.arm, c.status])).toEqual([
      ["budget-first@1", "proposed"],
      ["fit-question-first@1", "proposed"],
    ]);
    const shown = await api<{ text: string; rationale: string; parentDiffs: { parent: string }[] }>(
      "GET",
      "/api/candidates/intent/fit-question-first@1",
    );
    expect(shown.json.text).toMatch(/^origin: reflection$/m);
    expect(shown.json.parentDiffs.map((d) => d.parent)).toEqual(["fit-finder@2"]);
    const approved = await api<{ status: string }>("POST", "/api/candidates/intent/fit-question-first@1/approve", {});
    expect(approved.json.status).toBe("candidate");
    const again = await api<{ error: { code: string } }>(
      "POST",
      "/api/candidates/intent/fit-question-first@1/approve",
      {},
    );
    expect(again.status).toBe(409);
    const rejected = await api<{ status: string }>("POST", "/api/candidates/intent/budget-first@1/reject", {
      reason: "too close to straight-price",
    });
    expect(rejected.json.status).toBe("retired");
    expect(readFileSync(join(playbooks, "variants/intent/budget-first.yaml"), "utf8")).toMatch(/^status: retired$/m);
  });

  it("refuses a folder that fails lint with every problem and keeps serving the old set", async () => {
    const file = join(playbooks, "variants/closing/reserve-now.yaml");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("{{product.name}}", "{{product.nam}}"));
    try {
      const refused = await api<{ error: { code: string; message: string } }>("POST", "/api/playbooks/reload", {});
      expect(refused.status).toBe(422);
      expect(refused.json.error.code).toBe("playbook_invalid");
      expect(refused.json.error.message).toMatch(/variants\/closing\/reserve-now\.yaml:\d+:\d+ .*product\.nam/);
      const reply = await api<{ replies: { text: string }[] }>(
        "POST",
        "/api/playground/messages",
        { from: "+15550001111", text: "hi" },
        false,
      );
      expect(reply.status).toBe(200);
      expect(reply.json.replies[0]?.text.length).toBeGreaterThan(0);
    } finally {
      writeFileSync(file, original);
    }
  });

  it("reloads on SIGHUP", async () => {
    const text = readFileSync(join(playbooks, "variants/intent/straight-price.yaml"), "utf8").replace(
      /^id: straight-price$/m,
      "id: numbers-first",
    );
    writeFileSync(join(playbooks, "variants/intent/numbers-first.yaml"), text);
    process.emit("SIGHUP", "SIGHUP");
    await expect
      .poll(
        async () =>
          (await api<{ playbooks: { variants: number } }>("GET", "/healthz", undefined, false)).json.playbooks.variants,
        {
          timeout: 15_000,
        },
      )
      .toBe(16);
  });
});
