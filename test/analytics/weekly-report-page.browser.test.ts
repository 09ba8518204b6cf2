/**
 * The weekly report page in headless Chromium at a laptop's and a phone's
 * width: no horizontal overflow, a chart in every section that fits the
 * screen, chart labels large enough to read, and screenshots kept in
 * test-artifacts/.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nextActions, renderWeeklyReportHtml, WEEKLY_REPORT_CSS } from "../../src/analytics/index.js";
import { launchBrowser, screenshotPath } from "../support/browser.js";
import { fullReport } from "./report-fixture.js";

/** Smallest chart label height on screen, px (12 px type scaled down no further than ~10 px). */
const MIN_LABEL_PX = 9.5;
const SECTIONS = ["funnel", "sales", "experiments", "customers", "service"];

/** The little of the DOM the page checks read (the test compiles without the DOM library). */
interface PageGlobals {
  innerWidth: number;
  document: {
    documentElement: { scrollWidth: number };
    querySelector(selector: string): Boxed | null;
    querySelectorAll(selector: string): ArrayLike<Boxed>;
  };
}
interface Boxed {
  getBoundingClientRect(): { right: number; width: number; height: number };
}

describe("the weekly report page in Chromium", () => {
  let browser: Browser;
  let html: string;

  beforeAll(async () => {
    const report = fullReport();
    report.nextActions = nextActions(report);
    html = await renderWeeklyReportHtml(report, { standalone: true });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    ["laptop", 1280, 800],
    ["phone", 390, 844],
  ])("should fit a %s screen (%i×%i) with a readable chart in every section", async (name, width, height) => {
    const page = await browser.newPage({ viewport: { width, height } });
    const problems: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    await page.setContent(html, { waitUntil: "load" });
    const layout = await page.evaluate((sections) => {
      const { document, innerWidth } = globalThis as unknown as PageGlobals;
      const charts = sections.map((id) => {
        const svg = document.querySelector(`#report-${id} svg`);
        const box = svg?.getBoundingClientRect();
        return { id, found: svg !== null, right: box?.right ?? 0, width: box?.width ?? 0 };
      });
      const labels = Array.from(document.querySelectorAll("svg text"))
        .map((t) => t.getBoundingClientRect().height)
        .filter((h) => h > 0);
      return {
        scrollWidth: document.documentElement.scrollWidth,
        innerWidth,
        charts,
        smallestLabel: Math.min(...labels),
      };
    }, SECTIONS);
    await page.screenshot({ path: screenshotPath(`weekly-report-${name}`), fullPage: true });
    await page.close();
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    for (const chart of layout.charts) {
      expect(chart.found, chart.id).toBe(true);
      expect(chart.right, chart.id).toBeLessThanOrEqual(width);
      expect(chart.width, chart.id).toBeGreaterThan(200);
    }
    expect(layout.smallestLabel).toBeGreaterThanOrEqual(MIN_LABEL_PX);
    expect(problems).toEqual([]);
  });

  it("should embed as a fragment in a narrow column without spilling out of it", async () => {
    const report = fullReport();
    const fragment = await renderWeeklyReportHtml(report, { standalone: false });
    expect(fragment).not.toMatch(/<html|<head|<body/);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.setContent(`<style>${WEEKLY_REPORT_CSS}</style>
<main style="width: 360px">${fragment}</main>`);
    const widest = await page.evaluate(() => {
      const { document } = globalThis as unknown as PageGlobals;
      const boxes = Array.from(document.querySelectorAll("main svg, main .table-wrap"));
      return Math.max(...boxes.map((e) => e.getBoundingClientRect().right));
    });
    await page.close();
    expect(widest).toBeLessThanOrEqual(368);
  });
});
