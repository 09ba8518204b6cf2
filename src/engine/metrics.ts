/**
 * The engine's metrics. Engine code increments plain counters on
 * `EngineMetrics` (`metrics.sent++`); a prom-client registry exposes them for
 * `/metrics` with units in their names, together with the histograms (reply
 * latency, HTTP request duration), gauges read at scrape time (queue depths,
 * arm weights, gateway state) and, when enabled, the default process metrics.
 * The alert rules read the same numbers through {@link EngineMetrics.snapshot}.
 * LLM calls, their fallbacks, tokens and cost, message kinds handled and
 * webhook events ignored are counted here too.
 * @module
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/** Reply latencies kept for the alert rules between two reads; older ones are dropped. */
export const LATENCY_SAMPLES_MAX = 2_000;

/** Buckets of `closer_reply_latency_seconds`: around the plan's 30 s reply target. */
export const REPLY_LATENCY_BUCKETS_SECONDS = [1, 2, 5, 10, 15, 20, 30, 45, 60, 120, 300];

/** Buckets of `closer_http_request_duration_seconds`. */
export const HTTP_DURATION_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/** Options of {@link EngineMetrics}. */
export interface EngineMetricsOptions {
  /** The gateway's name, the `gateway` label of `closer_sends_total`. Default `unknown`. */
  gateway?: string;
}

/** Cumulative numbers since start, for the alert rules. */
export interface MetricsSnapshot {
  sendsOk: number;
  sendsFailed: number;
  /** HTTP requests answered (webhooks and API). */
  requests: number;
  /** Of those, answered with a 5xx status. */
  serverErrors: number;
}

/** One labelled value of a gauge read at scrape time. */
export interface GaugeReading {
  labels: Record<string, string>;
  value: number;
}

/** Counters the engine and sender update, and the registry `/metrics` prints. */
export class EngineMetrics {
  inboundAccepted = 0;
  inboundDuplicates = 0;
  /** Inbound messages of forgotten customers (replays, late redeliveries), dropped. */
  inboundForgotten = 0;
  /** Inbound messages older than the webhook age window, dropped. */
  inboundTooOld = 0;
  /** Inbound messages whose text was cut to MAX_MESSAGE_CHARS at intake. */
  inboundTruncated = 0;
  inboundProcessed = 0;
  inboundFailed = 0;
  sent = 0;
  sendFailed = 0;
  sendRetried = 0;
  /** Sends interrupted by a crash that the gateway's history showed had gone out (also counted in `sent`). */
  sendsReconciled = 0;
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
  /** The registry behind `/metrics`. */
  readonly registry = new Registry();
  readonly #latency: Histogram<string>;
  readonly #httpDuration: Histogram<"route">;
  readonly #webhookRequests: Counter<"route" | "status">;
  readonly #apiRequests: Counter<"route" | "status">;
  #requests = 0;
  #serverErrors = 0;
  #latenciesMs: number[] = [];
  #processMetrics = false;

  constructor({ gateway = "unknown" }: EngineMetricsOptions = {}) {
    const registers = [this.registry];
    this.#latency = new Histogram({
      name: "closer_reply_latency_seconds",
      help: "Time from a customer's message to our reply being accepted by the gateway.",
      buckets: REPLY_LATENCY_BUCKETS_SECONDS,
      registers,
    });
    this.#httpDuration = new Histogram({
      name: "closer_http_request_duration_seconds",
      help: "Time to answer an HTTP request (webhooks, API, pages), by route pattern.",
      labelNames: ["route"],
      buckets: HTTP_DURATION_BUCKETS_SECONDS,
      registers,
    });
    this.#webhookRequests = new Counter({
      name: "closer_webhook_requests_total",
      help: "Gateway webhook requests answered, by route and HTTP status.",
      labelNames: ["route", "status"],
      registers,
    });
    this.#apiRequests = new Counter({
      name: "closer_api_requests_total",
      help: "Other HTTP requests answered (admin API, pages, playground), by route and HTTP status.",
      labelNames: ["route", "status"],
      registers,
    });
    this.#mirror("closer_inbound_messages_total", "Inbound messages, by what became of them.", ["result"], () => [
      [{ result: "accepted" }, this.inboundAccepted],
      [{ result: "duplicate" }, this.inboundDuplicates],
      [{ result: "forgotten" }, this.inboundForgotten],
      [{ result: "too_old" }, this.inboundTooOld],
      [{ result: "processed" }, this.inboundProcessed],
      [{ result: "failed" }, this.inboundFailed],
    ]);
    this.#mirror(
      "closer_inbound_truncated_total",
      "Inbound messages whose text was longer than MAX_MESSAGE_CHARS and was cut at intake.",
      [],
      () => [[{}, this.inboundTruncated]],
    );
    this.#mirror("closer_sends_total", "Send attempts to the gateway, by result.", ["gateway", "result"], () => [
      [{ gateway, result: "sent" }, this.sent],
      [{ gateway, result: "failed" }, this.sendFailed],
      [{ gateway, result: "retried" }, this.sendRetried],
      [{ gateway, result: "held" }, this.held],
      [{ gateway, result: "reconciled" }, this.sendsReconciled],
    ]);
    this.#mirror("closer_guardrail_fallbacks_total", "Replies replaced by the template by a guardrail.", [], () => [
      [{}, this.guardrailFallbacks],
    ]);
    const byLabel = (label: string, counts: Record<string, number>) => () =>
      Object.entries(counts).map(([value, n]): [Record<string, string>, number] => [{ [label]: value }, n]);
    this.#mirror(
      "closer_inbound_kinds_total",
      "Inbound messages handled, by message kind.",
      ["kind"],
      byLabel("kind", this.inboundByKind),
    );
    this.#mirror(
      "closer_inbound_unknown_kinds_total",
      "Messages of kinds Closer does not answer, by the gateway's type.",
      ["type"],
      byLabel("type", this.unknownKinds),
    );
    this.#mirror(
      "closer_webhook_ignored_total",
      "Webhook events accepted but ignored, by category.",
      ["category"],
      byLabel("category", this.webhookIgnored),
    );
    this.#mirrorLlm();
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

  /** Counts one LLM answer not used, by reason. */
  countLlmFallback(reason: string): void {
    this.llmFallbackReasons.set(reason, (this.llmFallbackReasons.get(reason) ?? 0) + 1);
  }

  /** Records the time from an inbound message to our reply being sent, ms. */
  recordReplyLatency(ms: number): void {
    this.#latency.observe(ms / 1000);
    this.#latenciesMs.push(ms);
    if (this.#latenciesMs.length > LATENCY_SAMPLES_MAX) this.#latenciesMs.shift();
  }

  /**
   * Records one answered HTTP request: `route` is the route pattern (never the
   * raw URL, which may hold a phone number), `seconds` how long it took.
   */
  recordRequest(route: string, status: number, seconds: number): void {
    const labels = { route, status: String(status) };
    if (route.startsWith("/webhooks/")) this.#webhookRequests.inc(labels);
    else this.#apiRequests.inc(labels);
    this.#httpDuration.observe({ route }, seconds);
    this.#requests++;
    if (status >= 500) this.#serverErrors++;
  }

  /** Adds a gauge whose values are read when `/metrics` is scraped. */
  observe(
    name: string,
    help: string,
    labelNames: readonly string[],
    read: () => Promise<GaugeReading[]> | GaugeReading[],
  ): void {
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      async collect() {
        const readings = await read();
        this.reset();
        for (const r of readings) this.set(r.labels, r.value);
      },
    });
  }

  /** Adds the default process metrics (CPU, memory, event loop lag, GC). Once per instance. */
  enableProcessMetrics(): void {
    if (this.#processMetrics) return;
    this.#processMetrics = true;
    collectDefaultMetrics({ register: this.registry, prefix: "closer_" });
  }

  /** The cumulative counts the alert rules compare over windows. */
  snapshot(): MetricsSnapshot {
    return {
      sendsOk: this.sent,
      sendsFailed: this.sendFailed,
      requests: this.#requests,
      serverErrors: this.#serverErrors,
    };
  }

  /** The reply latencies (ms) recorded since the last call, oldest first. */
  takeLatencies(): number[] {
    const taken = this.#latenciesMs;
    this.#latenciesMs = [];
    return taken;
  }

  /** The LLM counters: calls by result, replies, fallback reasons, retries, breaker, budget, tokens, cost. */
  #mirrorLlm(): void {
    this.#mirror(
      "closer_llm_requests_total",
      "LLM calls made (every purpose), by whether the answer was used.",
      ["result"],
      () => [
        [{ result: "ok" }, this.llmCallsOk],
        [{ result: "failed" }, this.llmCallsFailed],
      ],
    );
    this.#mirror(
      "closer_llm_replies_total",
      "Replies the LLM was asked to write, by what was sent.",
      ["result"],
      () => [
        [{ result: "written" }, this.llmReplies],
        [{ result: "fallback" }, this.llmFallbacks],
      ],
    );
    this.#mirror("closer_llm_fallback_reasons_total", "LLM answers not used, by reason.", ["reason"], () =>
      [...this.llmFallbackReasons].map(([reason, n]) => [{ reason }, n]),
    );
    const single: [string, string, () => number][] = [
      ["closer_llm_retries_total", "LLM call retries after 429, 5xx or network errors.", () => this.llmRetries],
      ["closer_llm_breaker_opens_total", "Times the LLM circuit breaker opened.", () => this.llmBreakerOpens],
      [
        "closer_llm_breaker_skips_total",
        "LLM calls not made because the breaker was open.",
        () => this.llmBreakerSkips,
      ],
      [
        "closer_llm_budget_skips_total",
        "LLM calls not made because the daily budget was spent.",
        () => this.llmBudgetSkips,
      ],
      [
        "closer_llm_cost_usd_total",
        "Estimated LLM cost since the start, US dollars (LLM_PRICE_PER_MTOK_*).",
        () => this.llmCostUsd,
      ],
    ];
    for (const [name, help, read] of single) this.#mirror(name, help, [], () => [[{}, read()]]);
    this.#mirror("closer_llm_tokens_total", "Tokens sent to (in) and written by (out) the LLM.", ["direction"], () => [
      [{ direction: "in" }, this.llmTokensIn],
      [{ direction: "out" }, this.llmTokensOut],
    ]);
  }

  /** A counter whose value mirrors plain fields, read at scrape time. */
  #mirror(
    name: string,
    help: string,
    labelNames: readonly string[],
    read: () => [Record<string, string>, number][],
  ): void {
    new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, value] of read()) this.inc(labels, value);
      },
    });
  }
}
