/**
 * The guard every configured LLM call passes: at most `LLM_CONCURRENCY` calls
 * at once, none while the circuit breaker is open, none once the day's cost
 * reached `LLM_DAILY_BUDGET_USD` (until midnight in the shop's time zone). It
 * prices each call from its tokens, writes one `llm_usage` row per call (so the
 * budget survives a restart and the report can sum it), counts everything in
 * the engine's metrics, and raises an alert when the breaker opens or the
 * budget is reached.
 * @module
 */
import type { Kysely } from "kysely";
import type { Logger } from "../../log.js";
import { type Database, llmCostOfDay, recordLlmUsage } from "../../store/index.js";
import type { Alerts } from "../alerts.js";
import type { Clock } from "../clock.js";
import type { EngineMetrics } from "../metrics.js";
import { shopDay } from "../shop-day.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { ConcurrencyLimit } from "./concurrency-limit.js";
import type { LlmCallGuard, LlmCallReport, LlmPermit } from "./llm-call-guard.js";
import { LlmError, type LlmPurpose } from "./llm-client.js";

/** What the governor needs. */
export interface LlmGovernorConfig {
  db: Kysely<Database>;
  clock: Clock;
  metrics: EngineMetrics;
  alerts: Alerts;
  logger: Logger;
  /** The model, named in usage rows of calls not made. */
  model: string;
  /** The shop's IANA time zone: the budget's day ends at its midnight. */
  timeZone: string;
  /** Calls in flight at once. */
  concurrency: number;
  /** US dollars a shop day may cost; undefined means no budget. */
  dailyBudgetUsd: number | undefined;
  /** US dollars per million tokens sent and written. */
  pricePerMTokIn: number;
  pricePerMTokOut: number;
  /** Failed calls in a row that open the breaker, and how long it stays open, ms. */
  breakerFailures: number;
  breakerCooldownMs: number;
}

/**
 * Failures of the answer, not of the endpoint: the endpoint answered, so they neither open the breaker
 * (a reflection schema a model keeps missing must not silence replies) nor count as its failures.
 */
const ANSWER_FAILURES: ReadonlySet<string> = new Set(["empty_answer", "not_json", "schema_mismatch"]);

/** Purposes with an offline path (templates, keyword signals): a failure there is a fallback. */
const PURPOSES_WITH_FALLBACK: ReadonlySet<LlmPurpose> = new Set(["reply", "analysis"]);

/** The cost of a call, US dollars. */
export function llmCallCost(tokensIn: number, tokensOut: number, prices: { in: number; out: number }): number {
  return (tokensIn * prices.in + tokensOut * prices.out) / 1_000_000;
}

/** Admits, counts and prices LLM calls. */
export class LlmGovernor implements LlmCallGuard {
  readonly #config: LlmGovernorConfig;
  readonly #breaker: CircuitBreaker;
  readonly #slots: ConcurrencyLimit;
  readonly #writes = new Set<Promise<void>>();
  #day: string | null = null;
  #spentToday = 0;
  #budgetAlertedDay: string | null = null;
  #breakerAlerted = false;

  constructor(config: LlmGovernorConfig) {
    this.#config = config;
    this.#breaker = new CircuitBreaker({
      failureThreshold: config.breakerFailures,
      cooldownMs: config.breakerCooldownMs,
    });
    this.#slots = new ConcurrencyLimit(config.concurrency);
  }

  /** The cost of the shop's current day so far, US dollars (read from the store after a restart). */
  async spentToday(): Promise<number> {
    await this.#syncDay();
    return this.#spentToday;
  }

  async admit(purpose: LlmPurpose, deadlineAt: number): Promise<LlmPermit> {
    const { clock, dailyBudgetUsd } = this.#config;
    await this.#syncDay();
    if (dailyBudgetUsd !== undefined && this.#spentToday >= dailyBudgetUsd) {
      this.#budgetReached();
      throw this.#skip(purpose, "budget_reached", "the daily LLM budget is spent; templates until midnight");
    }
    if (!(await this.#slots.acquire(deadlineAt - clock.now()))) {
      const error = new LlmError("llm_timeout", "no free LLM slot before the deadline", { reason: "timeout" });
      this.#finish({ purpose, ...notMade(), outcome: "failed", reason: "timeout" });
      throw error;
    }
    if (this.#breaker.decide(clock.now()) === "no") {
      this.#slots.release();
      throw this.#skip(purpose, "circuit_open", "the LLM circuit breaker is open after repeated failures");
    }
    let finished = false;
    return {
      finish: (report) => {
        if (finished) return;
        finished = true;
        this.#slots.release();
        this.#afterCall(report);
      },
    };
  }

  /** Waits until every usage row handed to the store is written. */
  async flush(): Promise<void> {
    while (this.#writes.size > 0) await Promise.allSettled([...this.#writes]);
  }

  #afterCall(report: LlmCallReport): void {
    const { metrics, clock, alerts, breakerCooldownMs } = this.#config;
    metrics.llmRetries += report.retries;
    if (report.outcome === "ok") metrics.llmCallsOk++;
    else metrics.llmCallsFailed++;
    const endpointOk = report.outcome === "ok" || ANSWER_FAILURES.has(report.reason ?? "");
    if (this.#breaker.record(endpointOk, clock.now())) {
      metrics.llmBreakerOpens++;
      if (!this.#breakerAlerted) {
        this.#breakerAlerted = true;
        alerts.raise("llm_circuit_open", "The LLM keeps failing; replies use templates for a while", {
          model: report.model,
          reason: report.reason,
          cooldownMs: breakerCooldownMs,
        });
      }
    } else if (endpointOk) this.#breakerAlerted = false;
    this.#finish(report);
    const budget = this.#config.dailyBudgetUsd;
    if (budget !== undefined && this.#spentToday >= budget) this.#budgetReached();
  }

  #skip(purpose: LlmPurpose, reason: "budget_reached" | "circuit_open", message: string): LlmError {
    if (reason === "budget_reached") this.#config.metrics.llmBudgetSkips++;
    else this.#config.metrics.llmBreakerSkips++;
    this.#finish({ purpose, ...notMade(), outcome: "failed", reason });
    return new LlmError("llm_unavailable", message, { reason });
  }

  /** Counts, prices and records a call (or a call not made). */
  #finish(report: Omit<LlmCallReport, "model" | "mode" | "thinkSeen"> & { model?: string }): void {
    const { metrics, clock, db, timeZone, logger, pricePerMTokIn, pricePerMTokOut } = this.#config;
    const cost = llmCallCost(report.tokensIn, report.tokensOut, { in: pricePerMTokIn, out: pricePerMTokOut });
    metrics.llmTokensIn += report.tokensIn;
    metrics.llmTokensOut += report.tokensOut;
    metrics.llmCostUsd += cost;
    if (report.reason !== null) metrics.countLlmFallback(report.reason);
    const at = clock.now();
    const day = shopDay(at, timeZone);
    if (day === this.#day) this.#spentToday += cost;
    const write = recordLlmUsage(db, {
      at,
      day,
      purpose: report.purpose,
      model: report.model ?? this.#config.model,
      outcome: outcomeOf(report),
      fallback_reason: report.reason,
      tokens_in: report.tokensIn,
      tokens_out: report.tokensOut,
      cost_usd: cost,
      latency_ms: Math.round(report.latencyMs),
    })
      .catch((error: unknown) => logger.error({ err: error }, "could not record LLM usage"))
      .finally(() => this.#writes.delete(write));
    this.#writes.add(write);
  }

  #budgetReached(): void {
    const day = this.#day;
    if (day === null || this.#budgetAlertedDay === day) return;
    this.#budgetAlertedDay = day;
    this.#config.alerts.raise(
      "llm_budget_reached",
      "The daily LLM budget is spent; replies use templates until midnight",
      {
        day,
        spentUsd: Number(this.#spentToday.toFixed(4)),
        budgetUsd: this.#config.dailyBudgetUsd,
      },
    );
  }

  /** On the first call of a shop day, reads what the day already cost (rows from before a restart). */
  async #syncDay(): Promise<void> {
    const today = shopDay(this.#config.clock.now(), this.#config.timeZone);
    if (today === this.#day) return;
    await this.flush();
    this.#spentToday = await llmCostOfDay(this.#config.db, today);
    this.#day = today;
  }
}

function notMade(): { tokensIn: number; tokensOut: number; latencyMs: number; retries: number } {
  return { tokensIn: 0, tokensOut: 0, latencyMs: 0, retries: 0 };
}

function outcomeOf(report: { outcome: "ok" | "failed"; reason: string | null; purpose: LlmPurpose }): string {
  if (report.outcome === "ok") return "ok";
  if (report.reason === "budget_reached") return "skipped_budget";
  if (report.reason === "circuit_open") return "skipped_breaker";
  return PURPOSES_WITH_FALLBACK.has(report.purpose) ? "fallback" : "failed";
}

/** The `LLM_*` settings and `SHOP_TIMEZONE` the governor reads (see src/config.ts). */
export interface LlmGovernorSettings {
  SHOP_TIMEZONE: string;
  LLM_CONCURRENCY: number;
  LLM_DAILY_BUDGET_USD?: number | undefined;
  LLM_PRICE_PER_MTOK_IN: number;
  LLM_PRICE_PER_MTOK_OUT: number;
  LLM_BREAKER_FAILURES: number;
  LLM_BREAKER_COOLDOWN_MS: number;
}

/** Builds the governor of `model` from the configuration. */
export function llmGovernorFromSettings(
  settings: LlmGovernorSettings,
  deps: Pick<LlmGovernorConfig, "db" | "clock" | "metrics" | "alerts" | "logger" | "model">,
): LlmGovernor {
  return new LlmGovernor({
    ...deps,
    timeZone: settings.SHOP_TIMEZONE,
    concurrency: settings.LLM_CONCURRENCY,
    dailyBudgetUsd: settings.LLM_DAILY_BUDGET_USD,
    pricePerMTokIn: settings.LLM_PRICE_PER_MTOK_IN,
    pricePerMTokOut: settings.LLM_PRICE_PER_MTOK_OUT,
    breakerFailures: settings.LLM_BREAKER_FAILURES,
    breakerCooldownMs: settings.LLM_BREAKER_COOLDOWN_MS,
  });
}
