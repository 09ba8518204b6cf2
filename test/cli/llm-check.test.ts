import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FakeOpenAi } from "../support/fake-openai.js";
import { type TempInstall, tempInstall } from "./cli-fixtures.js";

describe("closer llm check", () => {
  let fake: FakeOpenAi;
  let install: TempInstall;

  beforeAll(async () => {
    fake = await FakeOpenAi.start({ apiKey: "sk-test", model: "MiniMax-M2" });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
    install = tempInstall({
      LLM_BASE_URL: fake.baseUrl,
      LLM_API_KEY: "sk-test",
      LLM_MODEL: "MiniMax-M2",
      LLM_TIMEOUT_MS: "2000",
      LLM_PRICE_PER_MTOK_IN: "0.3",
      LLM_PRICE_PER_MTOK_OUT: "1.2",
      LLM_EXTRA_BODY: '{"reasoning_split":true}',
    });
  });
  afterEach(() => {
    install.remove();
  });

  it("reports the mode that works, the think blocks it dropped, tokens and the cost per 1,000 replies", async () => {
    fake.responseFormats = ["json_object", "none"];
    fake.always({
      kind: "content",
      content: '<think>They want the price.</think>\n{"reply":"The 5.5 qt Dutch Oven is $129.00. Stews or bread?"}',
      usage: { prompt_tokens: 1_000, completion_tokens: 250 },
    });
    const run = await install.run("llm check");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/endpoint:\s+http:\/\/127\.0\.0\.1:\d+\/v1 \(reachable\)/);
    expect(run.out).toMatch(/model:\s+MiniMax-M2/);
    expect(run.out).toMatch(/structured output:\s+json_object/);
    expect(run.out).toMatch(/think blocks:\s+seen/);
    expect(run.out).toMatch(/tokens:\s+1000 in, 250 out/);
    // 1 000 × $0.30 + 250 × $1.20 per million = $0.0006 per reply → $0.60 per 1,000
    expect(run.out).toMatch(/cost per 1,000 replies:\s+\$0\.60/);
    expect(run.out).toContain("OK: the model wrote a valid reply");
    expect(run.out).not.toContain("They want the price");
    // The provider's extras travel with the probe.
    expect(fake.requests.at(-1)?.body["reasoning_split"]).toBe(true);
  });

  it("prints JSON with --json", async () => {
    fake.always({ kind: "content", content: '{"reply":"Hello!"}' });
    const run = await install.run("llm check", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ ok: true, reachable: true, mode: "json_schema", reply: "Hello!" });
  });

  it("exits 1 and says why when the model cannot write a valid reply", async () => {
    fake.always({ kind: "content", content: "I'm sorry, I can only chat in plain text." });
    const run = await install.run("llm check");
    expect(run.code).toBe(1);
    expect(run.out).toContain("FAILED (not_json)");
  });

  it("exits 1 when the endpoint cannot be reached", async () => {
    const down = tempInstall({ LLM_BASE_URL: "http://127.0.0.1:9/v1", LLM_MODEL: "m", LLM_TIMEOUT_MS: "1000" });
    try {
      const run = await down.run("llm check");
      expect(run.code).toBe(1);
      expect(run.out).toContain("not reachable");
      expect(run.out).toContain("Check LLM_BASE_URL");
    } finally {
      down.remove();
    }
  });

  it("exits 1 when no LLM is configured", async () => {
    const offline = tempInstall();
    try {
      const run = await offline.run("llm check");
      expect(run.code).toBe(1);
      expect(run.err).toContain("no LLM is configured");
    } finally {
      offline.remove();
    }
  });
});
