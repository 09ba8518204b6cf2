/**
 * The weekly sales report over the admin API (bearer token):
 * `GET /api/reports/weekly[?since=7d | ?from=…&to=…][&format=json|html|md][&narrative=false]`.
 * JSON by default (the documented schema, `weeklyReportSchema`); `html` is the
 * standalone page with its charts, `md` the Markdown. The narrative is written
 * by the configured LLM unless `narrative=false`.
 * @module
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  buildWeeklyReport,
  llmUsageSource,
  renderWeeklyReportHtml,
  renderWeeklyReportMarkdown,
  resolveReportSpan,
} from "../../analytics/index.js";
import type { AppContext } from "../app-context.js";
import { requireAdmin } from "../auth.js";

/** The query of `GET /api/reports/weekly`. */
export const weeklyReportQuerySchema = z.strictObject({
  since: z.string().min(1).optional(),
  from: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  format: z.enum(["json", "html", "md"]).default("json"),
  /** `false` skips the LLM's summary (quicker, no LLM cost). */
  narrative: z.enum(["true", "false"]).default("true"),
});

/** Registers `GET /api/reports/weekly`. */
export function registerReportRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.get("/api/reports/weekly", async function weeklyReport(request, reply) {
    requireAdmin(request, ctx.adminToken);
    const query = weeklyReportQuerySchema.parse(request.query ?? {});
    const span = resolveReportSpan(query, ctx.clock.now(), ctx.config.SHOP_TIMEZONE);
    const report = await buildWeeklyReport(
      {
        db: ctx.db,
        cipher: ctx.cipher,
        playbooks: ctx.playbooks,
        clock: ctx.clock,
        timeZone: ctx.config.SHOP_TIMEZONE,
        llm: query.narrative === "true" ? ctx.llm : undefined,
        sources: { llmUsage: llmUsageSource(ctx.db) },
      },
      span,
    );
    if (query.format === "html") {
      return reply.type("text/html; charset=utf-8").send(await renderWeeklyReportHtml(report, { standalone: true }));
    }
    if (query.format === "md")
      return reply.type("text/markdown; charset=utf-8").send(renderWeeklyReportMarkdown(report));
    return report;
  });
}
