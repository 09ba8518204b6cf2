import { resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { silentLogger } from "../../../src/log.js";
import { type Closer, startCloser } from "../../../src/main.js";
import { FakeOpenAi } from "../../support/fake-openai.js";
import { tempDir } from "../../support/temp-dir.js";

const PLAYBOOKS = resolve(import.meta.dirname, "../../../playbooks");

describe("the daily LLM budget, as configured", () => {
  let llm: FakeOpenAi;
  let closer: Closer;

  beforeAll(async () => {
    llm = await FakeOpenAi.start({ apiKey: "sk-test", model: "test-model" });
  });
  afterAll(async () => {
    await llm.close();
  });
  afterEach(async () => {
    await closer.stop();
  });

  async function say(from: string, text: string): Promise<string | undefined> {
    const response = await closer.app.inject({
      method: "POST",
      url: "/api/playground/messages",
      payload: { from, name: "Ana", text },
    });
    return (response.json() as { replies: { text: string }[] }).replies[0]?.text;
  }

  it("sends templates once the day's LLM cost reaches LLM_DAILY_BUDGET_USD, and keeps it after a restart", async () => {
    const env = {
      DATA_DIR: tempDir("closer-budget-"),
      PLAYBOOKS_DIR: PLAYBOOKS,
      PORT: "0",
      CLOSER_RANDOM_SEED: "9",
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: "sk-test",
      LLM_MODEL: "test-model",
      // Each call: 1 000 000 tokens in at $1 per million = $1; the budget is $2.
      LLM_PRICE_PER_MTOK_IN: "1",
      LLM_DAILY_BUDGET_USD: "2",
      SHOP_TIMEZONE: "Europe/Madrid",
    };
    llm.always({
      kind: "content",
      content: '{"reply":"Hello from the model."}',
      usage: { prompt_tokens: 1_000_000, completion_tokens: 0 },
    });
    closer = await startCloser(loadConfig(env), silentLogger());
    expect(await say("+15550001001", "Hi")).toBe("Hello from the model.");
    expect(await say("+15550001002", "Hi")).toBe("Hello from the model.");
    const third = await say("+15550001003", "Hi");
    expect(third).toBeDefined();
    expect(third).not.toBe("Hello from the model.");
    expect(llm.requests).toHaveLength(2);
    expect(closer.engine.metrics.llmBudgetSkips).toBe(1);
    await closer.stop();

    closer = await startCloser(loadConfig(env), silentLogger());
    expect(await say("+15550001004", "Hi")).not.toBe("Hello from the model.");
    expect(llm.requests).toHaveLength(2);
    const metrics = await closer.app.inject({ method: "GET", url: "/metrics" });
    expect(metrics.body).toContain('closer_llm_fallback_reasons_total{reason="budget_reached"} 1');
    expect(metrics.body).toContain("closer_llm_budget_skips_total 1");
  });
});
