/**
 * Delivering the weekly report: files in the reports folder, and the webhook
 * (a real HTTP receiver on 127.0.0.1) retried on 5xx and unreachable, given up
 * on a 4xx, never throwing. Pauses between attempts are recorded, not slept.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  deliverWeeklyReport,
  REPORT_WEBHOOK_ATTEMPTS,
  REPORT_WEBHOOK_FIRST_RETRY_MS,
  weeklyReportSchema,
} from "../../src/analytics/index.js";
import { LoopbackServer, readBody } from "../support/loopback-server.js";
import { fullReport } from "./report-fixture.js";

describe("delivering the weekly report", () => {
  let dir: string;
  let receiver: LoopbackServer;
  let statuses: number[] = [];
  const bodies: string[] = [];
  const pauses: number[] = [];
  const sleep = async (ms: number) => {
    pauses.push(ms);
  };

  beforeAll(async () => {
    receiver = new LoopbackServer(async (req, res) => {
      bodies.push(await readBody(req));
      res.writeHead(statuses.shift() ?? 200).end();
    });
    await receiver.up();
  });
  afterAll(() => receiver.down());
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "closer-reports-"));
    bodies.length = 0;
    pauses.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const url = () => `http://127.0.0.1:${receiver.port}/hooks/report`;

  it("should write the JSON, HTML and Markdown side by side, readable by the owner only", async () => {
    const result = await deliverWeeklyReport(fullReport(), { dir: join(dir, "reports") });
    expect(result).toMatchObject({ fileError: null, webhook: "not_configured", attempts: 0 });
    expect(result.files.map((f) => f.slice(dir.length))).toEqual([
      "/reports/weekly-2026-11-16--2026-11-23.json",
      "/reports/weekly-2026-11-16--2026-11-23.html",
      "/reports/weekly-2026-11-16--2026-11-23.md",
    ]);
    expect(weeklyReportSchema.parse(JSON.parse(readFileSync(result.files[0]!, "utf8")))).toEqual(fullReport());
    expect(readFileSync(result.files[1]!, "utf8")).toMatch(/^<!doctype html>[\s\S]*<svg /);
    expect(statSync(result.files[0]!).mode & 0o777).toBe(0o600);
  });

  it("should post the report as JSON and retry a failing receiver with growing pauses", async () => {
    statuses = [503, 502, 200];
    const result = await deliverWeeklyReport(fullReport(), { dir, webhookUrl: url(), sleep });
    expect(result).toMatchObject({ webhook: "delivered", attempts: 3, webhookError: null });
    expect(pauses).toEqual([REPORT_WEBHOOK_FIRST_RETRY_MS, 2 * REPORT_WEBHOOK_FIRST_RETRY_MS]);
    const posted = JSON.parse(bodies[2]!) as { kind: string; report: unknown };
    expect(posted.kind).toBe("weekly_report");
    expect(weeklyReportSchema.parse(posted.report)).toEqual(fullReport());
  });

  it("should give up at once when the receiver refuses the body (4xx), keeping the files", async () => {
    statuses = [400];
    const result = await deliverWeeklyReport(fullReport(), { dir, webhookUrl: url(), sleep });
    expect(result).toMatchObject({ webhook: "failed", attempts: 1, webhookError: "HTTP 400", fileError: null });
    expect(result.files).toHaveLength(3);
  });

  it("should try every attempt against an unreachable receiver and report it, never throw", async () => {
    await receiver.down();
    try {
      const result = await deliverWeeklyReport(fullReport(), { dir, webhookUrl: url(), sleep });
      expect(result).toMatchObject({ webhook: "failed", attempts: REPORT_WEBHOOK_ATTEMPTS });
      expect(result.webhookError).toMatch(/fetch failed|ECONNREFUSED/);
      expect(pauses).toHaveLength(REPORT_WEBHOOK_ATTEMPTS - 1);
    } finally {
      await receiver.up();
    }
  });

  it("should report a folder it cannot write, and still post", async () => {
    statuses = [200];
    const blocked = join(dir, "file");
    await deliverWeeklyReport(fullReport(), { dir: blocked });
    const result = await deliverWeeklyReport(fullReport(), {
      dir: join(blocked, "weekly-2026-11-16--2026-11-23.json", "x"),
      webhookUrl: url(),
      sleep,
    });
    expect(result.files).toEqual([]);
    expect(result.fileError).toMatch(/ENOTDIR|EEXIST/);
    expect(result.webhook).toBe("delivered");
  });
});
