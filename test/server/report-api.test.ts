/**
 * The weekly report over the admin API and as the weekly job writes it, with
 * the service in-process on a real SQLite file, the shipped playbooks and a
 * ManualClock set to a Monday morning in the shop's time zone.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWeeklyReport, weeklyReportSchema } from "../../src/analytics/index.js";
import { loadConfig } from "../../src/config.js";
import { ManualClock } from "../../src/engine/index.js";
import { silentLogger } from "../../src/log.js";
import { type Closer, startCloser } from "../../src/main.js";
import { createFieldCipher } from "../../src/store/index.js";
import { fakePlaybooks } from "../experiments/experiment-fixtures.js";
import { TEST_DATA_KEY } from "../support/test-database.js";

const TOKEN = "report-api-token-0123456789abcdef";
const NEVER_CRON = "0 0 1 1 *";
/** Monday 2026-11-23 07:00 in Madrid, when the weekly job runs. */
const MONDAY_MORNING = Date.parse("2026-11-23T07:00:00+01:00");

describe("the weekly report API", () => {
  let dir: string;
  let closer: Closer;
  const clock = new ManualClock(MONDAY_MORNING);

  const get = (path: string, token: string | null = TOKEN) =>
    fetch(`${closer.url}${path}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "closer-report-api-"));
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: join(dir, "data"),
      PLAYBOOKS_DIR: resolve(import.meta.dirname, "../../playbooks"),
      CLOSER_ADMIN_TOKEN: TOKEN,
      CLOSER_DATA_KEY: TEST_DATA_KEY.toString("base64"),
      SHOP_TIMEZONE: "Europe/Madrid",
      WEIGHTS_CRON: NEVER_CRON,
      RESOLVE_CRON: NEVER_CRON,
      REFLECT_CRON: NEVER_CRON,
      REPORT_CRON: NEVER_CRON,
      LOG_LEVEL: "silent",
    });
    closer = await startCloser(config, silentLogger(), { clock });
  });
  afterAll(async () => {
    await closer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should answer 401 without the admin token", async () => {
    expect((await get("/api/reports/weekly", null)).status).toBe(401);
    expect((await get("/api/reports/weekly", "wrong-token-0123456789")).status).toBe(401);
  });

  it("should answer the last 7 days as JSON of the documented schema, in the shop's zone", async () => {
    const response = await get("/api/reports/weekly");
    expect(response.status).toBe(200);
    const report = weeklyReportSchema.parse(await response.json());
    expect(report.period).toMatchObject({
      from: "2026-11-16T06:00:00.000Z",
      to: "2026-11-23T06:00:00.000Z",
      timeZone: "Europe/Madrid",
    });
  });

  it("should answer the page with its charts, and the Markdown", async () => {
    const html = await get("/api/reports/weekly?from=2026-11-16&to=2026-11-23&format=html");
    expect(html.headers.get("content-type")).toMatch(/^text\/html/);
    const page = await html.text();
    expect(page).toContain("2026-11-16 → 2026-11-23 (Europe/Madrid)");
    expect(page.match(/<svg /g)?.length).toBeGreaterThanOrEqual(5);
    const md = await get("/api/reports/weekly?since=2w&format=md");
    expect(md.headers.get("content-type")).toMatch(/^text\/markdown/);
    expect(await md.text()).toMatch(/^# Weekly sales report/);
  });

  it.each([
    ["?since=soon", /not a look-back/],
    ["?format=pdf", /format/],
    ["?from=2026-11-23&to=2026-11-16", /start must be before/],
    ["?week=1", /week/],
  ])("should refuse %s with 400 and the reason", async (query, reason) => {
    const response = await get(`/api/reports/weekly${query}`);
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("bad_request");
    expect(body.error.message).toMatch(reason);
  });

  it("should, as the weekly job, report the last full week (Monday to Monday, shop time) into the reports folder", async () => {
    const reports = join(dir, "data", "reports");
    const run = await runWeeklyReport(
      {
        db: closer.db,
        cipher: createFieldCipher({ primary: TEST_DATA_KEY }),
        playbooks: fakePlaybooks([]),
        clock,
        timeZone: "Europe/Madrid",
      },
      { dir: reports },
    );
    expect(run).toMatchObject({
      from: "2026-11-15T23:00:00.000Z",
      to: "2026-11-22T23:00:00.000Z",
      webhook: "not_configured",
      fileError: null,
      narrative: "not_configured",
    });
    expect(readdirSync(reports).sort()).toEqual([
      "weekly-2026-11-16--2026-11-23.html",
      "weekly-2026-11-16--2026-11-23.json",
      "weekly-2026-11-16--2026-11-23.md",
    ]);
  });
});
