import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type AlertKind,
  EngineMetrics,
  type LlmCallReport,
  LlmError,
  LlmGovernor,
  type LlmGovernorConfig,
  ManualClock,
} from "../../../src/engine/index.js";
import { silentLogger } from "../../../src/log.js";
import { llmUsageSummary } from "../../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

const NOON_UTC = Date.UTC(2026, 11, 2, 12);
const HOUR = 3_600_000;

function report(over: Partial<LlmCallReport> = {}): LlmCallReport {
  return {
    purpose: "reply",
    model: "m",
    outcome: "ok",
    reason: null,
    tokensIn: 1_000_000,
    tokensOut: 0,
    latencyMs: 900,
    retries: 0,
    mode: "json_schema",
    thinkSeen: false,
    ...over,
  };
}
const failed = (over: Partial<LlmCallReport> = {}) =>
  report({ outcome: "failed", reason: "server_error", tokensIn: 0, ...over });

describe("the LLM governor", () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let metrics: EngineMetrics;
  let alerts: { kind: AlertKind; message: string }[];

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = new ManualClock(NOON_UTC);
    metrics = new EngineMetrics();
    alerts = [];
  });
  afterEach(async () => {
    await t.close();
  });

  function governor(over: Partial<LlmGovernorConfig> = {}): LlmGovernor {
    return new LlmGovernor({
      db: t.db,
      clock,
      metrics,
      alerts: { raise: (kind, message) => alerts.push({ kind, message }) },
      logger: silentLogger(),
      model: "m",
      timeZone: "UTC",
      concurrency: 4,
      dailyBudgetUsd: undefined,
      // $0.50 per million tokens in: each `report()` costs $0.50.
      pricePerMTokIn: 0.5,
      pricePerMTokOut: 0,
      breakerFailures: 3,
      breakerCooldownMs: 60_000,
      ...over,
    });
  }

  async function call(g: LlmGovernor, result: LlmCallReport): Promise<void> {
    const permit = await g.admit(result.purpose, clock.now() + 5_000);
    permit.finish(result);
  }

  async function refusal(g: LlmGovernor): Promise<LlmError> {
    const error = await g.admit("reply", clock.now() + 5_000).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LlmError);
    return error as LlmError;
  }

  it("opens the breaker after repeated failures: templates for the cool-down, one alert", async () => {
    const g = governor();
    for (let i = 0; i < 3; i++) await call(g, failed());
    expect(alerts.map((a) => a.kind)).toEqual(["llm_circuit_open"]);
    expect(metrics.llmBreakerOpens).toBe(1);

    expect(await refusal(g)).toMatchObject({ code: "llm_unavailable", reason: "circuit_open" });
    clock.advance(59_000);
    expect((await refusal(g)).reason).toBe("circuit_open");
    expect(metrics.llmBreakerSkips).toBe(2);
    expect(metrics.llmFallbackReasons.get("circuit_open")).toBe(2);

    await g.flush();
    const rows = await t.db.selectFrom("llm_usage").select(["outcome", "fallback_reason"]).execute();
    expect(rows.filter((r) => r.outcome === "skipped_breaker")).toHaveLength(2);
  });

  it("does not open the breaker for answers of the wrong shape: the endpoint is answering", async () => {
    const g = governor();
    for (let i = 0; i < 5; i++) await call(g, failed({ purpose: "reflection", reason: "schema_mismatch" }));
    await call(g, failed());
    await call(g, failed({ reason: "not_json" }));
    await call(g, failed());
    await call(g, report());
    expect(alerts).toEqual([]);
    expect(metrics.llmCallsFailed).toBe(8);
  });

  it("lets one trial call through after the cool-down; a success closes the breaker", async () => {
    const g = governor();
    for (let i = 0; i < 3; i++) await call(g, failed());
    clock.advance(60_000);
    const trial = await g.admit("reply", clock.now() + 5_000);
    // While the trial is out, other calls still get templates.
    expect((await refusal(g)).reason).toBe("circuit_open");
    trial.finish(report());
    await call(g, report());
    expect(metrics.llmCallsOk).toBe(2);
  });

  it("opens again when the trial call fails, without a second alert", async () => {
    const g = governor();
    for (let i = 0; i < 3; i++) await call(g, failed());
    clock.advance(60_000);
    await call(g, failed({ reason: "timeout" }));
    expect((await refusal(g)).reason).toBe("circuit_open");
    expect(metrics.llmBreakerOpens).toBe(2);
    expect(alerts).toHaveLength(1);
  });

  it("stops calling once the day's cost reaches the budget, says so once, and starts again at the shop's midnight", async () => {
    const g = governor({ dailyBudgetUsd: 1, timeZone: "America/New_York" });
    await call(g, report());
    expect(alerts).toEqual([]);
    await call(g, report());
    expect(alerts.map((a) => a.kind)).toEqual(["llm_budget_reached"]);
    expect(await refusal(g)).toMatchObject({ code: "llm_unavailable", reason: "budget_reached" });
    expect(metrics.llmBudgetSkips).toBe(1);
    expect(alerts).toHaveLength(1);

    // Noon UTC is 07:00 in New York: midnight there is 17 hours later.
    clock.advance(16 * HOUR);
    expect((await refusal(g)).reason).toBe("budget_reached");
    clock.advance(HOUR);
    await call(g, report());
    expect(await g.spentToday()).toBeCloseTo(0.5, 9);
  });

  it("keeps the day's spending across a restart, from the usage rows", async () => {
    const before = governor({ dailyBudgetUsd: 1 });
    await call(before, report());
    await call(before, report());
    await before.flush();

    const after = governor({ dailyBudgetUsd: 1 });
    expect(await after.spentToday()).toBeCloseTo(1, 9);
    expect((await refusal(after)).reason).toBe("budget_reached");
    await after.flush();
    const summary = await llmUsageSummary(t.db, { fromMs: NOON_UTC - HOUR, toMs: NOON_UTC + HOUR });
    expect(summary).toMatchObject({ calls: 3, ok: 2, fallbacks: 1, fallbackReasons: { budget_reached: 1 } });
    expect(summary.costUsd).toBeCloseTo(1, 9);
  });

  it("holds calls beyond LLM_CONCURRENCY until a slot frees, and gives up at the deadline", async () => {
    const g = governor({ concurrency: 1 });
    const first = await g.admit("analysis", clock.now() + 5_000);
    let secondAdmitted = false;
    const second = g.admit("analysis", clock.now() + 5_000).then((permit) => {
      secondAdmitted = true;
      return permit;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondAdmitted).toBe(false);
    first.finish(report({ purpose: "analysis" }));
    (await second).finish(report({ purpose: "analysis" }));
    expect(secondAdmitted).toBe(true);

    const third = await g.admit("analysis", clock.now() + 5_000);
    // The deadline is 1 ms away: no slot comes free in time.
    const error = await g.admit("analysis", clock.now() + 1).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: "llm_timeout", reason: "timeout" });
    third.finish(report({ purpose: "analysis" }));
  });

  it("records failures of calls with no offline path as failed, the others as fallbacks", async () => {
    const g = governor();
    await call(g, failed({ purpose: "reflection", reason: "schema_mismatch" }));
    await call(g, failed({ purpose: "analysis", reason: "not_json" }));
    await g.flush();
    const rows = await t.db.selectFrom("llm_usage").select(["purpose", "outcome", "fallback_reason"]).execute();
    expect(rows).toEqual([
      { purpose: "reflection", outcome: "failed", fallback_reason: "schema_mismatch" },
      { purpose: "analysis", outcome: "fallback", fallback_reason: "not_json" },
    ]);
  });
});
