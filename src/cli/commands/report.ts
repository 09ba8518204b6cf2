/**
 * `closer report [--since 7d | --from … --to …] [--format html|md|json] [--out FILE]`:
 * the weekly sales report of any span, printed or written to a file.
 * @module
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  buildWeeklyReport,
  llmUsageSource,
  renderWeeklyReportHtml,
  renderWeeklyReportMarkdown,
  resolveReportSpan,
} from "../../analytics/index.js";
import { type Alerts, createServingLlm, EngineMetrics } from "../../engine/index.js";
import { silentLogger } from "../../log.js";
import type { Command } from "../command.js";
import { parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";

const USAGE = "closer report [--since 7d | --from DATE [--to DATE]] [--format md|html|json] [--out FILE]";
const HELP = `${USAGE} — the sales report

The weekly sales analysis: the funnel (customers entering each stage, conversion,
won, lost, median time per stage), sales (won customers, revenue, average order,
revenue per strategy on the customers' path), experiments (verdict, each arm's
rate with its 95% interval, chance it is best, weight, early wins, what changed),
customers (interests, concerns, objections, lost reasons, languages), service
(send success, reply latency, first response, opt-outs, takeovers, automation,
LLM usage), each figure with its change against the period before; then what to
do next, and a summary written by the LLM when one is configured (dropped if it
names a number the report does not hold). Figures this version does not record
read "not tracked yet".

  --since D     look back D from now: 7d (default), 36h, 2w
  --from DATE   start: 2026-11-23 (midnight in SHOP_TIMEZONE) or an ISO date-time with offset
  --to DATE     end (exclusive), same forms; default now
  --format F    md (default), html (a page with SVG charts) or json (the documented schema)
  --out FILE    write to FILE instead of printing
  --no-narrative  skip the LLM's summary

The service writes the last full week's report every Monday 07:00 shop time
(REPORT_CRON) to DATA_DIR/reports/ and posts it to REPORT_WEBHOOK_URL when set.
Exit status: 0 ok, 1 bad input or configuration, 2 unexpected.`;

/** `closer report`. */
export const reportCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "report", USAGE, async () => {
    const { values, positionals } = parseCommandArgs(argv, {
      since: { type: "string" },
      from: { type: "string" },
      to: { type: "string" },
      format: { type: "string", default: "md" },
      out: { type: "string" },
      "no-narrative": { type: "boolean" },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    const format = values.format ?? "md";
    if (!["md", "html", "json"].includes(format)) throw new UsageError(`--format: "${format}" is not md, html or json`);
    return withCliContext(io, async (ctx) => {
      const span = resolveReportSpan(values, ctx.clock.now(), ctx.config.SHOP_TIMEZONE);
      // The service's governed LLM: the daily budget, the breaker and a usage row (purpose `report`) per call.
      const alerts: Alerts = { raise: (_kind, message) => io.err(`closer report: ${message}`) };
      const { llm, governor } =
        values["no-narrative"] === true
          ? { llm: undefined, governor: undefined }
          : createServingLlm(ctx.config, {
              db: ctx.db,
              clock: ctx.clock,
              metrics: new EngineMetrics(),
              alerts,
              logger: silentLogger(),
            });
      const report = await buildWeeklyReport(
        {
          db: ctx.db,
          cipher: ctx.cipher,
          playbooks: ctx.playbooks,
          clock: ctx.clock,
          timeZone: ctx.config.SHOP_TIMEZONE,
          llm,
          sources: { llmUsage: llmUsageSource(ctx.db) },
        },
        span,
      ).finally(() => governor?.flush());
      const text =
        format === "json"
          ? `${JSON.stringify(report, null, 2)}\n`
          : format === "html"
            ? await renderWeeklyReportHtml(report, { standalone: true })
            : renderWeeklyReportMarkdown(report);
      if (values.out === undefined) io.out(text.trimEnd());
      else {
        writeFileSync(resolve(io.cwd, values.out), text);
        io.err(`wrote ${values.out}`);
      }
      return 0;
    });
  });
};
