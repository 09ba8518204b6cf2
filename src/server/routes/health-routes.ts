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
      "# HELP closer_send_success_ratio Share of sends that succeeded.",
      "# TYPE closer_send_success_ratio gauge",
      `closer_send_success_ratio ${m.sendSuccessRate}`,
      "# HELP closer_reply_latency_ms Time from an inbound message to our reply being sent.",
      "# TYPE closer_reply_latency_ms summary",
      `closer_reply_latency_ms{quantile="0.5"} ${m.replyLatencyPercentile(50) ?? "NaN"}`,
      `closer_reply_latency_ms{quantile="0.99"} ${m.replyLatencyPercentile(99) ?? "NaN"}`,
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
