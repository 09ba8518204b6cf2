/**
 * A benchmark child that computes what `closer experiments` prints, over the
 * database in DATA_DIR, at the time REPORT_NOW (epoch ms), and reports how long
 * the computation took and the process's peak resident memory.
 * @module
 */
import { buildExperimentReportWithNotes, formatExperimentReport } from "../../src/analytics/index.js";
import { loadConfig } from "../../src/config.js";
import { createPlaybookRuntime } from "../../src/engine/index.js";
import { loadServablePlaybooks } from "../../src/main.js";
import { openDatabase } from "../../src/store/index.js";
import { announceReady, serveParent } from "../support/child-process.js";

const started = performance.now();
const config = loadConfig(process.env);
const now = Number(process.env["REPORT_NOW"]);
const db = openDatabase(config);
const playbooks = createPlaybookRuntime(await loadServablePlaybooks(config, db));
const rssBeforeKb = Math.round(process.memoryUsage().rss / 1024);
const startupMillis = performance.now() - started;

const t0 = performance.now();
const { report, notes } = await buildExperimentReportWithNotes(db, playbooks, now);
const table = formatExperimentReport(report, notes);
const millis = performance.now() - t0;
await db.destroy();

serveParent({}, async () => undefined);
announceReady({
  millis,
  startupMillis,
  maxRssKb: process.resourceUsage().maxRSS,
  rssBeforeKb,
  stages: report.stages.length,
  arms: report.stages.reduce((n, s) => n + s.arms.length, 0),
  decisions: report.stages.reduce((n, s) => n + s.arms.reduce((m, a) => m + a.decisions + a.pending, 0), 0),
  tableLines: table.split("\n").length,
});
