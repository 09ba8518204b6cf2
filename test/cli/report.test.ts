/**
 * `closer report` on a fresh install and after a simulated week of real
 * traffic: customers talking through the playground API of the in-process
 * service (real SQLite file, shipped playbooks, a ManualClock), outcomes with
 * order values reported through the admin API, then the command run against
 * the same DATA_DIR as a user runs it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WeeklyReport, weeklyReportSchema } from "../../src/analytics/index.js";
import { loadConfig } from "../../src/config.js";
import { ManualClock } from "../../src/engine/index.js";
import { silentLogger } from "../../src/log.js";
import { type Closer, startCloser } from "../../src/main.js";
import { openDatabase } from "../../src/store/index.js";
import { FakeOpenAi } from "../support/fake-openai.js";
import { type TempInstall, tempInstall } from "./cli-fixtures.js";

const TOKEN = "report-admin-token-0123456789abcdef";
const NEVER_CRON = "0 0 1 1 *";
const HOUR = 3_600_000;
/** Monday 2026-11-16 00:00 UTC: the simulated week is 16–23 November. */
const WEEK_START = Date.UTC(2026, 10, 16);
const WEEK_ARGS = ["--from", "2026-11-16", "--to", "2026-11-23"];
/** What each simulated customer writes, in order; the keyword signals move them through the funnel. */
const SCRIPT = ["Hi there!", "What is the quality of the material?", "How much is the skillet?", "How do I order?"];

describe("closer report", () => {
  describe("on a fresh install", () => {
    let install: TempInstall;
    beforeAll(() => {
      install = tempInstall();
    });
    afterAll(() => install.remove());

    it("should print JSON that validates against the documented schema, with zeros and untracked figures as null", async () => {
      const run = await install.run("report", "--format", "json");
      expect(run.code).toBe(0);
      const report = weeklyReportSchema.parse(JSON.parse(run.out));
      expect(report.funnel.stages.map((s) => s.stage)).toEqual([
        "first_contact",
        "building_trust",
        "intent",
        "closing",
      ]);
      expect(report.funnel.stages.every((s) => s.entered.value === 0 && s.conversion.value === null)).toBe(true);
      expect(report.sales).toMatchObject({ wonCustomers: { value: 0, previous: 0, delta: 0 }, revenue: [] });
      // LLM usage is tracked (llm_usage): zero calls, and no cost per won customer without a win.
      expect(report.service.llm).toMatchObject({
        calls: { value: 0, previous: 0 },
        costUsd: { value: 0, previous: 0 },
        costPerWonCustomerUsd: { value: null, previous: null },
      });
      expect(report.service.humanRequested).toBeNull();
      expect(report.customers.sources).toEqual([]);
      expect(report.narrative).toEqual({ status: "not_configured", text: null, reason: null });
      expect(report.nextActions).toEqual([]);
    });

    it("should say 'not tracked yet' for what this version does not record, never 0", async () => {
      const run = await install.run("report");
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/\| Human requested \| not tracked yet \|/);
      expect(run.out).toMatch(/\| LLM cost \(USD\) \| 0\.00 \(±0\) \|/);
      expect(run.out).toMatch(/Sources \(ad referrals\): none/);
    });

    it.each([
      [["--since", "3x"], /not a look-back/],
      [["--since", "7d", "--from", "2026-11-16"], /either since or from/],
      [["--from", "2026-11-23", "--to", "2026-11-16"], /start must be before/],
      [["--format", "pdf"], /not md, html or json/],
    ])("should refuse %j with a reason and exit 1", async (args, reason) => {
      const run = await install.run("report", ...args);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(reason);
    });
  });

  describe("with an LLM configured (a fake OpenAI-compatible server on loopback)", () => {
    let install: TempInstall;
    let llm: FakeOpenAi;
    beforeAll(async () => {
      llm = await FakeOpenAi.start();
      install = tempInstall({ LLM_BASE_URL: llm.baseUrl, LLM_API_KEY: "sk-test", LLM_MODEL: "test-model" });
    });
    afterAll(async () => {
      install.remove();
      await llm.close();
    });
    const summaryOf = async (content: string) => {
      llm.script({ kind: "content", content: JSON.stringify({ summary: content }) });
      const run = await install.run("report", "--format", "json", ...WEEK_ARGS);
      expect(run.code).toBe(0);
      return weeklyReportSchema.parse(JSON.parse(run.out)).narrative;
    };

    it("should keep the model's summary when its numbers are the report's, having sent it the report's JSON", async () => {
      const narrative = await summaryOf("A quiet week: 0 customers entered the funnel, against 0 the week before.");
      expect(narrative).toEqual({
        status: "written",
        text: "A quiet week: 0 customers entered the funnel, against 0 the week before.",
        reason: null,
      });
      const sent = llm.requests.at(-1)?.body.messages?.at(-1)?.content ?? "";
      expect(JSON.parse(sent)).toMatchObject({ schemaVersion: 1, period: { from: "2026-11-16T00:00:00.000Z" } });
    });

    it("should drop a summary with an invented figure and say why", async () => {
      expect(await summaryOf("Sales grew 12% this week.")).toEqual({
        status: "dropped",
        text: null,
        reason: "the summary named numbers the report does not hold: 12",
      });
    });

    it("should account the summary's call like the service's: one usage row for purpose report", async () => {
      await summaryOf("A quiet week: 0 customers entered the funnel.");
      const db = openDatabase({ DATA_DIR: install.env["DATA_DIR"] ?? "" });
      try {
        const rows = await db.selectFrom("llm_usage").selectAll().where("purpose", "=", "report").execute();
        expect(rows.length).toBeGreaterThanOrEqual(1);
        expect(rows.at(-1)).toMatchObject({ model: "test-model", outcome: "ok", tokens_in: 100, tokens_out: 20 });
      } finally {
        await db.destroy();
      }
    });

    it("should skip the model with --no-narrative", async () => {
      const before = llm.requests.length;
      const run = await install.run("report", "--format", "json", "--no-narrative", ...WEEK_ARGS);
      expect(weeklyReportSchema.parse(JSON.parse(run.out)).narrative.status).toBe("not_configured");
      expect(llm.requests.length).toBe(before);
    });
  });

  describe("with the day's LLM budget spent", () => {
    let install: TempInstall;
    let llm: FakeOpenAi;
    beforeAll(async () => {
      llm = await FakeOpenAi.start();
      install = tempInstall({
        LLM_BASE_URL: llm.baseUrl,
        LLM_API_KEY: "sk-test",
        LLM_MODEL: "test-model",
        LLM_DAILY_BUDGET_USD: "0",
      });
    });
    afterAll(async () => {
      install.remove();
      await llm.close();
    });

    it("should not call the model, say why the summary is missing, and record the skipped call", async () => {
      const run = await install.run("report", "--format", "json", ...WEEK_ARGS);
      expect(run.code).toBe(0);
      expect(weeklyReportSchema.parse(JSON.parse(run.out)).narrative).toMatchObject({
        status: "failed",
        reason: expect.stringMatching(/daily LLM budget is spent/),
      });
      expect(run.err).toMatch(/daily LLM budget is spent/);
      expect(llm.requests).toHaveLength(0);
      const db = openDatabase({ DATA_DIR: install.env["DATA_DIR"] ?? "" });
      try {
        const rows = await db.selectFrom("llm_usage").selectAll().execute();
        expect(rows).toMatchObject([
          { purpose: "report", outcome: "skipped_budget", fallback_reason: "budget_reached" },
        ]);
      } finally {
        await db.destroy();
      }
    });
  });

  describe("after a simulated week of traffic", () => {
    let dir: TempInstall;
    let closer: Closer;
    let report: WeeklyReport;
    const clock = new ManualClock(WEEK_START);
    const customers = Array.from({ length: 12 }, (_, i) => `+1555200${String(i).padStart(4, "0")}`);

    async function call(path: string, body: unknown): Promise<Record<string, unknown>> {
      const response = await fetch(`${closer.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as Record<string, unknown>;
      if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
      return json;
    }

    beforeAll(async () => {
      dir = tempInstall({ CLOSER_ADMIN_TOKEN: TOKEN });
      const config = loadConfig({
        ...dir.env,
        HOST: "127.0.0.1",
        PORT: "0",
        CLOSER_RANDOM_SEED: "5",
        WEIGHTS_CRON: NEVER_CRON,
        RESOLVE_CRON: NEVER_CRON,
        REFLECT_CRON: NEVER_CRON,
        REPORT_CRON: NEVER_CRON,
      });
      closer = await startCloser(config, silentLogger(), { clock });
      // Twelve customers over the week; customer i writes i % 4 + 1 lines of the script.
      for (const [i, phone] of customers.entries()) {
        clock.set(WEEK_START + i * 12 * HOUR + HOUR);
        for (const text of SCRIPT.slice(0, (i % 4) + 1)) {
          await call("/api/playground/messages", { from: phone, name: `Customer ${i}`, text });
          clock.advance(10 * 60_000);
        }
      }
      clock.set(WEEK_START + 6 * 24 * HOUR);
      // Three orders in two currencies and two losses, one with a reason.
      await call("/api/outcomes", { customer: customers[3], outcome: "won", value: 120, currency: "EUR" });
      await call("/api/outcomes", { customer: customers[7], outcome: "won", value: 80, currency: "EUR" });
      await call("/api/outcomes", { customer: customers[11], outcome: "won", value: 50, currency: "USD" });
      await call("/api/outcomes", { customer: customers[0], outcome: "lost", reason: "too expensive" });
      await call("/api/outcomes", { customer: customers[4], outcome: "lost" });
      const run = await dir.run("report", "--format", "json", ...WEEK_ARGS);
      expect(run.err).toBe("");
      report = weeklyReportSchema.parse(JSON.parse(run.out));
    }, 120_000);
    afterAll(async () => {
      await closer?.stop();
      dir?.remove();
    });

    it("should count every customer entering the funnel and how far they got", () => {
      const entered = Object.fromEntries(report.funnel.stages.map((s) => [s.stage, s.entered.value]));
      expect(entered).toEqual({ first_contact: 12, building_trust: 9, intent: 6, closing: 3 });
      const first = report.funnel.stages[0]!;
      expect(first.movedOn.value).toBe(9);
      expect(first.conversion.value).toBeCloseTo(9 / 12, 12);
      expect(first.conversion).toMatchObject({ previous: null, delta: null });
      expect(first.medianHoursInStage.value).toBeCloseTo(10 / 60, 6);
      expect(report.funnel.newCustomers).toEqual({ value: 12, previous: 0, delta: 12 });
      expect(report.funnel.won.value).toBe(3);
      expect(report.funnel.lost.value).toBe(2);
      expect(report.funnel.weekly.at(-1)).toMatchObject({ entered: 12, won: 3, conversion: 0.25 });
    });

    it("should report revenue, orders and average order per currency, and revenue by arm on the won customers' paths", () => {
      expect(report.sales.wonCustomers.value).toBe(3);
      expect(report.sales.revenue).toEqual([
        {
          currency: "EUR",
          revenue: { value: 200, previous: 0, delta: 200 },
          orders: { value: 2, previous: 0, delta: 2 },
          averageOrderValue: { value: 100, previous: null, delta: null },
        },
        {
          currency: "USD",
          revenue: { value: 50, previous: 0, delta: 50 },
          orders: { value: 1, previous: 0, delta: 1 },
          averageOrderValue: { value: 50, previous: null, delta: null },
        },
      ]);
      // Every won customer's path starts in first_contact: its arms share all the revenue.
      const firstEur = report.sales.revenueByArm.filter((r) => r.stage === "first_contact" && r.currency === "EUR");
      expect(firstEur.reduce((total, r) => total + r.revenue, 0)).toBe(200);
      expect(firstEur.reduce((total, r) => total + r.customers, 0)).toBe(2);
      const closingUsd = report.sales.revenueByArm.filter((r) => r.stage === "closing" && r.currency === "USD");
      expect(closingUsd.reduce((total, r) => total + r.revenue, 0)).toBe(50);
    });

    it("should show the early wins the bandit learns from before the verdict counts them", () => {
      const closing = report.experiments.stages.find((s) => s.stage === "closing")!;
      expect(closing.arms.reduce((total, a) => total + a.assignedInPeriod, 0)).toBe(3);
      // Windows are still open at the period's end: no matured decisions, but the won customers show as early wins.
      expect(closing.arms.reduce((total, a) => total + a.earlyWins, 0)).toBe(3);
      expect(closing.verdict).toBe("collecting");
    });

    it("should read customers' languages and lost reasons from their (encrypted) profiles and outcomes", () => {
      expect(report.customers.languages).toEqual([{ name: "en", count: 12 }]);
      expect(report.customers.lostReasons).toEqual([
        { name: "(none given)", count: 1 },
        { name: "too expensive", count: 1 },
      ]);
      expect(report.customers.won.customers).toBe(3);
      expect(report.customers.lost.customers).toBe(2);
    });

    it("should measure the service: every reply sent, answered at once, no takeover", () => {
      const s = report.service;
      expect(s.messagesSent.value).toBe(30);
      expect(s.sendSuccessRate.value).toBe(1);
      expect(s.replyLatencyP95Seconds.value).toBe(0);
      expect(s.firstResponseP50Seconds.value).toBe(0);
      expect(s.conversations.value).toBe(12);
      expect(s.automationRate.value).toBe(1);
      expect(s.humanTakeovers.value).toBe(0);
      // Template replies only: no LLM call, no LLM cost.
      expect(s.llm).toMatchObject({ calls: { value: 0 }, costUsd: { value: 0 }, costPerWonCustomerUsd: { value: 0 } });
    });

    it("should write an HTML page with an SVG chart in every section", async () => {
      const out = join(dir.dir, "week.html");
      const run = await dir.run("report", "--format", "html", "--out", out, ...WEEK_ARGS);
      expect(run.code).toBe(0);
      const html = readFileSync(out, "utf8");
      for (const id of ["funnel", "sales", "experiments", "customers", "service"]) {
        const section = new RegExp(`<section id="report-${id}">([\\s\\S]*?)</section>`).exec(html)?.[1] ?? "";
        expect(section, id).toMatch(/<svg [^>]*role="img"/);
      }
      expect(html).not.toMatch(/<script/);
    });
  });
});
