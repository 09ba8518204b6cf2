/**
 * In-process counters for `/metrics`: send success rate, reply latency, LLM calls and their costs,
 * message kinds handled and webhook events ignored.
 * @module
 */

/** Latency samples kept for percentiles. */
export const LATENCY_SAMPLES_MAX = 2_000;

/** Counters the engine and sender update. */
export class EngineMetrics {
  inboundAccepted = 0;
  inboundDuplicates = 0;
  inboundProcessed = 0;
  inboundFailed = 0;
  sent = 0;
  sendFailed = 0;
  sendRetried = 0;
  held = 0;
  guardrailFallbacks = 0;
  /** Replies an LLM wrote that were sent as written. */
  llmReplies = 0;
  /** Replies sent as the template draft because the LLM failed, timed out or broke a rule. */
  llmFallbacks = 0;
  /** LLM calls (every purpose) whose answer was used. */
  llmCallsOk = 0;
  /** LLM calls made whose answer could not be used. */
  llmCallsFailed = 0;
  /** Retries of LLM calls after 429, 5xx or network errors. */
  llmRetries = 0;
  /** Times the LLM circuit breaker opened. */
  llmBreakerOpens = 0;
  /** LLM calls not made because the breaker was open. */
  llmBreakerSkips = 0;
  /** LLM calls not made because the daily budget was spent. */
  llmBudgetSkips = 0;
  /** Tokens sent to and written by the LLM. */
  llmTokensIn = 0;
  llmTokensOut = 0;
  /** Estimated LLM cost since the start, US dollars. */
  llmCostUsd = 0;
  /** Why LLM answers were not used (`timeout`, `schema_mismatch`, `circuit_open`, `guardrail`, …), counted. */
  readonly llmFallbackReasons = new Map<string, number>();
  /** Inbound messages handled, by message kind (`text`, `image`, `voice`, `order`, …). */
  readonly inboundByKind: Record<string, number> = {};
  /** Messages of kinds Closer does not answer (stored as `system`), by the gateway's type name. */
  readonly unknownKinds: Record<string, number> = {};
  /** Webhook events accepted but ignored (groups, status, newsletters, calls, presence, sessions, …), by category. */
  readonly webhookIgnored: Record<string, number> = {};
  #latencies: number[] = [];

  /** Counts one LLM answer not used, by reason. */
  countLlmFallback(reason: string): void {
    this.llmFallbackReasons.set(reason, (this.llmFallbackReasons.get(reason) ?? 0) + 1);
  }

  /** Counts one handled inbound message of `kind` (and, for `system`, its gateway type name). */
  countKind(kind: string, systemType: string | null = null): void {
    this.inboundByKind[kind] = (this.inboundByKind[kind] ?? 0) + 1;
    if (systemType !== null) this.unknownKinds[systemType] = (this.unknownKinds[systemType] ?? 0) + 1;
  }

  /** Counts webhook events ignored, each by its category (see `ignoredCategory`). */
  countIgnored(categories: readonly string[]): void {
    for (const category of categories) this.webhookIgnored[category] = (this.webhookIgnored[category] ?? 0) + 1;
  }

  /** Records the time from an inbound message to our reply being sent, ms. */
  recordReplyLatency(ms: number): void {
    this.#latencies.push(ms);
    if (this.#latencies.length > LATENCY_SAMPLES_MAX) this.#latencies.shift();
  }

  /** Share of sends that succeeded (1 when nothing was sent). */
  get sendSuccessRate(): number {
    const total = this.sent + this.sendFailed;
    return total === 0 ? 1 : this.sent / total;
  }

  /** A latency percentile (0–100) in ms, or null without samples. */
  replyLatencyPercentile(p: number): number | null {
    if (this.#latencies.length === 0) return null;
    const sorted = [...this.#latencies].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? null;
  }
}
