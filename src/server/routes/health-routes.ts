/**
 * `GET /healthz` (database, playbooks, gateway) and `GET /metrics` (Prometheus text from the
 * engine's prom-client registry; open from loopback, else the admin token or `METRICS_TOKEN`).
 * @module
 */

import type { FastifyInstance } from "fastify";
import { sql } from "kysely";
import type { AppContext } from "../app-context.js";
import { requireMetricsAccess } from "../auth.js";

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

  app.get("/metrics", async function metrics(request, reply) {
    requireMetricsAccess(request, ctx.adminToken, ctx.config.METRICS_TOKEN);
    const registry = ctx.engine.metrics.registry;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
}
