/**
 * The weekly sales report for an assistant: the `report_weekly` tool (the
 * report's JSON for any span, as `GET /api/reports/weekly` answers it) and the
 * latest report the weekly job wrote to `DATA_DIR/reports` as a resource.
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { buildWeeklyReport, resolveReportSpan, weeklyReportSchema } from "../analytics/index.js";
import { CloserError } from "../errors.js";
import type { McpContext } from "./mcp-context.js";
import { audited } from "./tool-audit.js";

/** The URI of the newest weekly report the weekly job wrote. */
export const LATEST_WEEKLY_REPORT_URI = "closer://reports/weekly-latest";

/** Registers `report_weekly` and the latest report resource. */
export function registerReportTool(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    "report_weekly",
    {
      title: "Weekly sales report",
      description:
        "The sales report (funnel, sales, experiments, customers, service, next steps) of the last 7 days, of " +
        "`since` (like 14d), or of from/to (dates in the shop's time zone), compared with the period before. " +
        "narrative: true asks the configured LLM for a summary (costs tokens).",
      inputSchema: z.strictObject({
        since: z.string().min(1).optional().describe("a span ending now, like 7d or 30d"),
        from: z.string().min(1).optional().describe("start date, like 2026-03-02"),
        to: z.string().min(1).optional().describe("end date (exclusive), like 2026-03-09"),
        narrative: z.boolean().default(false),
      }),
      outputSchema: weeklyReportSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "report_weekly", args, async () => {
        const span = resolveReportSpan(args, ctx.clock.now(), ctx.config.SHOP_TIMEZONE);
        const deps = {
          db: ctx.db,
          cipher: ctx.cipher,
          playbooks: ctx.playbooks,
          clock: ctx.clock,
          timeZone: ctx.config.SHOP_TIMEZONE,
          llm: args.narrative ? ctx.llm : undefined,
        };
        return buildWeeklyReport(deps, span);
      }),
  );

  server.registerResource(
    "weekly-report-latest",
    LATEST_WEEKLY_REPORT_URI,
    {
      title: "Latest weekly report",
      description: "The newest report the weekly job wrote (DATA_DIR/reports), as JSON.",
      mimeType: "application/json",
    },
    async (uri) => {
      const dir = join(ctx.config.DATA_DIR, "reports");
      const newest = listReports(dir).at(-1);
      if (newest === undefined) {
        throw new CloserError("not_found", "No weekly report has been written yet; the report_weekly tool builds one.");
      }
      return {
        contents: [{ uri: uri.href, mimeType: "application/json", text: readFileSync(join(dir, newest), "utf8") }],
      };
    },
  );
}

/** The weekly report files, oldest period first (their names start with the period's dates). */
function listReports(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => /^weekly-.*\.json$/.test(f))
      .sort();
  } catch {
    return [];
  }
}
