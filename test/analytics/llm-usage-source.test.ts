import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { llmUsageSource } from "../../src/analytics/index.js";
import { recordLlmUsage } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const AT = Date.UTC(2026, 11, 2, 12);

describe("the weekly report's LLM usage source", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  it("sums the span's calls, fallbacks (skipped calls included), tokens in and out, and cost", async () => {
    const row = {
      day: "2026-12-02",
      purpose: "reply",
      model: "m",
      tokens_in: 900,
      tokens_out: 100,
      cost_usd: 0.01,
      latency_ms: 700,
    };
    await recordLlmUsage(t.db, { ...row, at: AT, outcome: "ok", fallback_reason: null });
    await recordLlmUsage(t.db, { ...row, at: AT + 1, outcome: "fallback", fallback_reason: "timeout" });
    await recordLlmUsage(t.db, {
      ...row,
      at: AT + 2,
      outcome: "skipped_budget",
      fallback_reason: "budget_reached",
      tokens_in: 0,
      tokens_out: 0,
      cost_usd: 0,
    });
    await recordLlmUsage(t.db, { ...row, at: AT + 10_000, outcome: "ok", fallback_reason: null });

    const usage = await llmUsageSource(t.db)({ fromMs: AT, toMs: AT + 10_000 });
    expect(usage).toMatchObject({ calls: 3, fallbacks: 2, tokens: 2_000 });
    expect(usage.costUsd).toBeCloseTo(0.02, 9);
  });
});
