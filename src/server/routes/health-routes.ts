/**
 * `GET /healthz` (database, playbooks, gateway) and `GET /metrics` (Prometheus text).
 * @module
 */

import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import { countInboxByStatus, countOutboxByStatus } from "../../store/index.js";
import type { AppContext } from "../app-context.js";

/** Registers the health and metrics routes. */
export function registerHealthRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/healthz", async function healthz(_request, reply) {
    let database = { ok: true, detail: "ok" };
    try {
      await sql`select 1`.execute(ctx.db);
    } catch (error) {
      database = { ok: false, detail: error instanceof Error ? error.message : String(error) };
    }
    const gw = ctx.gatewayHealth();
    const status = !database.ok ? "down" : gw.connected ? "ok" : "degraded";
    return reply.status(database.ok ? 200 : 503).send({
      status,
      database,
      playbooks: { ok: true, ...ctx.playbookSummary() },
      gateway: {
        name: ctx.engine.gateway.name,
        ok: gw.connected,
        detail: gw.detail,
        since: new Date(gw.since).toISOString(),
      },
    });
  });

  app.get("/metrics", async function metrics(_request, reply) {
    const m = ctx.engine.metrics;
    const inbox = await countInboxByStatus(ctx.db);
    const outbox = await countOutboxByStatus(ctx.db);
    const lines = [
      "# HELP closer_inbound_accepted_total Inbound messages accepted into the inbox.",
      "# TYPE closer_inbound_accepted_total counter",
      `closer_inbound_accepted_total ${m.inboundAccepted}`,
      "# TYPE closer_inbound_duplicates_total counter",
      `closer_inbound_duplicates_total ${m.inboundDuplicates}`,
      "# TYPE closer_inbound_processed_total counter",
      `closer_inbound_processed_total ${m.inboundProcessed}`,
      "# TYPE closer_inbound_failed_total counter",
      `closer_inbound_failed_total ${m.inboundFailed}`,
      "# TYPE closer_sent_total counter",
      `closer_sent_total ${m.sent}`,
      "# TYPE closer_send_failed_total counter",
      `closer_send_failed_total ${m.sendFailed}`,
      "# TYPE closer_send_retried_total counter",
      `closer_send_retried_total ${m.sendRetried}`,
      "# TYPE closer_held_total counter",
      `closer_held_total ${m.held}`,
      "# TYPE closer_guardrail_fallbacks_total counter",
      `closer_guardrail_fallbacks_total ${m.guardrailFallbacks}`,
      "# HELP closer_llm_replies_total Replies an LLM wrote that were sent as written.",
      "# TYPE closer_llm_replies_total counter",
      `closer_llm_replies_total ${m.llmReplies}`,
      "# HELP closer_llm_fallbacks_total Replies sent as the template because the LLM failed or broke a rule.",
      "# TYPE closer_llm_fallbacks_total counter",
      `closer_llm_fallbacks_total ${m.llmFallbacks}`,
      "# HELP closer_llm_calls_total LLM calls made (every purpose), by whether the answer was used.",
      "# TYPE closer_llm_calls_total counter",
      `closer_llm_calls_total{outcome="ok"} ${m.llmCallsOk}`,
      `closer_llm_calls_total{outcome="failed"} ${m.llmCallsFailed}`,
      "# HELP closer_llm_fallback_reasons_total LLM answers not used, by reason.",
      "# TYPE closer_llm_fallback_reasons_total counter",
      ...[...m.llmFallbackReasons].map(([r, n]) => `closer_llm_fallback_reasons_total{reason="${r}"} ${n}`),
      "# HELP closer_llm_retries_total LLM call retries after 429, 5xx or network errors.",
      "# TYPE closer_llm_retries_total counter",
      `closer_llm_retries_total ${m.llmRetries}`,
      "# HELP closer_llm_breaker_opens_total Times the LLM circuit breaker opened.",
      "# TYPE closer_llm_breaker_opens_total counter",
      `closer_llm_breaker_opens_total ${m.llmBreakerOpens}`,
      "# TYPE closer_llm_breaker_skips_total counter",
      `closer_llm_breaker_skips_total ${m.llmBreakerSkips}`,
      "# HELP closer_llm_budget_skips_total LLM calls not made because the daily budget was spent.",
      "# TYPE closer_llm_budget_skips_total counter",
      `closer_llm_budget_skips_total ${m.llmBudgetSkips}`,
      "# TYPE closer_llm_tokens_total counter",
      `closer_llm_tokens_total{direction="in"} ${m.llmTokensIn}`,
      `closer_llm_tokens_total{direction="out"} ${m.llmTokensOut}`,
      "# HELP closer_llm_cost_usd_total Estimated LLM cost since the start (LLM_PRICE_PER_MTOK_*).",
      "# TYPE closer_llm_cost_usd_total counter",
      `closer_llm_cost_usd_total ${m.llmCostUsd}`,
      "# HELP closer_send_success_ratio Share of sends that succeeded.",
      "# TYPE closer_send_success_ratio gauge",
      `closer_send_success_ratio ${m.sendSuccessRate}`,
      "# HELP closer_reply_latency_ms Time from an inbound message to our reply being sent.",
      "# TYPE closer_reply_latency_ms summary",
      `closer_reply_latency_ms{quantile="0.5"} ${m.replyLatencyPercentile(50) ?? "NaN"}`,
      `closer_reply_latency_ms{quantile="0.99"} ${m.replyLatencyPercentile(99) ?? "NaN"}`,
      "# HELP closer_inbound_kinds_total Inbound messages handled, by message kind.",
      "# TYPE closer_inbound_kinds_total counter",
      ...labelled("closer_inbound_kinds_total", "kind", m.inboundByKind),
      "# HELP closer_inbound_unknown_kinds_total Messages of kinds Closer does not answer, by the gateway's type.",
      "# TYPE closer_inbound_unknown_kinds_total counter",
      ...labelled("closer_inbound_unknown_kinds_total", "type", m.unknownKinds),
      "# HELP closer_webhook_ignored_total Webhook events accepted but ignored, by category.",
      "# TYPE closer_webhook_ignored_total counter",
      ...labelled("closer_webhook_ignored_total", "category", m.webhookIgnored),
      "# TYPE closer_inbox_rows gauge",
      ...Object.entries(inbox).map(([s, n]) => `closer_inbox_rows{status="${s}"} ${n}`),
      "# TYPE closer_outbox_rows gauge",
      ...Object.entries(outbox).map(([s, n]) => `closer_outbox_rows{status="${s}"} ${n}`),
      "# TYPE closer_gateway_connected gauge",
      `closer_gateway_connected ${ctx.gatewayHealth().connected ? 1 : 0}`,
    ];
    return reply.type("text/plain; version=0.0.4").send(`${lines.join("\n")}\n`);
  });
}

/** `name{label="value"} n` lines of a counter keyed by one label (values are our own kind and type names). */
function labelled(name: string, label: string, counts: Record<string, number>): string[] {
  return Object.entries(counts).map(([value, n]) => `${name}{${label}="${value.replace(/["\\\n]/g, "_")}"} ${n}`);
}
