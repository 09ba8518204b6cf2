import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { llmCostOfDay, llmUsageSummary, type NewLlmUsage, recordLlmUsage } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const DAY_MS = 86_400_000;
const START = Date.UTC(2026, 11, 1);

function usage(at: number, day: string, over: Partial<NewLlmUsage> = {}): NewLlmUsage {
  return {
    at,
    day,
    purpose: "reply",
    model: "m",
    outcome: "ok",
    fallback_reason: null,
    tokens_in: 1000,
    tokens_out: 100,
    cost_usd: 0.002,
    latency_ms: 800,
    ...over,
  };
}

describe("LLM usage", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  it("sums a range per shop day, with the reasons answers were not used", async () => {
    await recordLlmUsage(t.db, usage(START + 1, "2026-12-01"));
    await recordLlmUsage(
      t.db,
      usage(START + 2, "2026-12-01", { outcome: "fallback", fallback_reason: "timeout", cost_usd: 0.001 }),
    );
    await recordLlmUsage(
      t.db,
      usage(START + DAY_MS, "2026-12-02", {
        outcome: "skipped_budget",
        fallback_reason: "budget_reached",
        tokens_in: 0,
        tokens_out: 0,
        cost_usd: 0,
      }),
    );
    await recordLlmUsage(t.db, usage(START + 3 * DAY_MS, "2026-12-04"));

    const summary = await llmUsageSummary(t.db, { fromMs: START, toMs: START + 2 * DAY_MS });
    expect(summary).toMatchObject({ calls: 3, ok: 1, fallbacks: 2, tokensIn: 2000, tokensOut: 200 });
    expect(summary.costUsd).toBeCloseTo(0.003, 9);
    expect(summary.fallbackReasons).toEqual({ timeout: 1, budget_reached: 1 });
    expect(summary.byDay.map((d) => [d.day, d.calls, d.ok, d.fallbacks])).toEqual([
      ["2026-12-01", 2, 1, 1],
      ["2026-12-02", 1, 0, 1],
    ]);
    expect(summary.byDay[0]?.costUsd).toBeCloseTo(0.003, 9);
  });

  it("tells the cost of one shop day, zero for a day without calls", async () => {
    await recordLlmUsage(t.db, usage(START, "2026-12-01", { cost_usd: 0.25 }));
    await recordLlmUsage(t.db, usage(START + 5, "2026-12-01", { cost_usd: 0.5 }));
    expect(await llmCostOfDay(t.db, "2026-12-01")).toBeCloseTo(0.75, 9);
    expect(await llmCostOfDay(t.db, "2026-12-02")).toBe(0);
  });
});
