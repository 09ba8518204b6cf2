/**
 * Delivering a weekly report: its JSON, HTML and Markdown written side by side
 * in a folder (`DATA_DIR/reports/`), and its JSON POSTed to a webhook when one
 * is configured, retried on network errors, 5xx and 429 with a growing pause.
 * Never throws: what happened comes back as a status for the caller to log.
 * @module
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { renderWeeklyReportHtml } from "./weekly-report-html.js";
import { renderWeeklyReportMarkdown } from "./weekly-report-markdown.js";
import type { WeeklyReport } from "./weekly-report-schema.js";

/** Webhook attempts before giving up. */
export const REPORT_WEBHOOK_ATTEMPTS = 4;
/** Pause before the second attempt, ms; doubled before each further one. */
export const REPORT_WEBHOOK_FIRST_RETRY_MS = 2_000;
/** Time one webhook attempt may take, ms. */
export const REPORT_WEBHOOK_TIMEOUT_MS = 10_000;

/** Where and how to deliver. */
export interface ReportDeliveryOptions {
  /** Folder for the files; created when missing. */
  dir: string;
  /** Receives the JSON as a POST; omitted means no webhook. */
  webhookUrl?: string | undefined;
  /** Injected for tests; default the global fetch. */
  fetch?: typeof fetch;
  /** Injected for tests; default a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** What delivery did. */
export interface ReportDeliveryResult {
  /** Absolute or `dir`-relative paths of the files written (empty when writing failed). */
  files: string[];
  /** Why writing the files failed, if it did. */
  fileError: string | null;
  webhook: "not_configured" | "delivered" | "failed";
  /** Webhook attempts made. */
  attempts: number;
  /** The last webhook failure (status or error), if any. */
  webhookError: string | null;
}

/** Writes the report's files and posts it; never throws. */
export async function deliverWeeklyReport(
  report: WeeklyReport,
  options: ReportDeliveryOptions,
): Promise<ReportDeliveryResult> {
  const { files, fileError } = await writeReportFiles(report, options.dir);
  if (options.webhookUrl === undefined) {
    return { files, fileError, webhook: "not_configured", attempts: 0, webhookError: null };
  }
  const posted = await postReport(report, options.webhookUrl, options);
  return { files, fileError, ...posted };
}

/** The files' base name: `weekly-<from>--<to>` with the period's dates in the shop's time zone. */
export function reportBaseName(report: WeeklyReport): string {
  const { from, to, timeZone } = report.period;
  const day = (iso: string) => new Intl.DateTimeFormat("en-CA", { timeZone }).format(new Date(iso));
  return `weekly-${day(from)}--${day(to)}`;
}

async function writeReportFiles(
  report: WeeklyReport,
  dir: string,
): Promise<{ files: string[]; fileError: string | null }> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const base = join(dir, reportBaseName(report));
    const files = [`${base}.json`, `${base}.html`, `${base}.md`];
    await writeFile(files[0]!, `${JSON.stringify(report, null, 2)}\n`, { mode: 0o600 });
    await writeFile(files[1]!, await renderWeeklyReportHtml(report, { standalone: true }), { mode: 0o600 });
    await writeFile(files[2]!, renderWeeklyReportMarkdown(report), { mode: 0o600 });
    return { files, fileError: null };
  } catch (error) {
    return { files: [], fileError: error instanceof Error ? error.message : String(error) };
  }
}

async function postReport(
  report: WeeklyReport,
  url: string,
  options: ReportDeliveryOptions,
): Promise<Pick<ReportDeliveryResult, "webhook" | "attempts" | "webhookError">> {
  const send = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  let last = "";
  for (let attempt = 1; attempt <= REPORT_WEBHOOK_ATTEMPTS; attempt++) {
    if (attempt > 1) await sleep(REPORT_WEBHOOK_FIRST_RETRY_MS * 2 ** (attempt - 2));
    try {
      const response = await send(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ kind: "weekly_report", report }),
        signal: AbortSignal.timeout(REPORT_WEBHOOK_TIMEOUT_MS),
      });
      if (response.ok) return { webhook: "delivered", attempts: attempt, webhookError: null };
      last = `HTTP ${response.status}`;
      // The receiver refused this body: sending it again will not help.
      if (response.status < 500 && response.status !== 429) {
        return { webhook: "failed", attempts: attempt, webhookError: last };
      }
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
  }
  return { webhook: "failed", attempts: REPORT_WEBHOOK_ATTEMPTS, webhookError: last };
}
