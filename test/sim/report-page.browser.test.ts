/**
 * The simulation report (`closer simulate --report`) in headless Chromium at
 * 1,280 × 800: the default scenario with all five policies, run as a user runs
 * it; no horizontal overflow, one readable line per policy in every chart,
 * regret and conversion per week. A screenshot is kept in test-artifacts/.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { simulateCommand } from "../../src/cli/commands/simulate.js";
import { launchBrowser, screenshotPath } from "../support/browser.js";

const POLICIES = ["thompson", "uniform", "epsilon-greedy", "ucb1", "oracle"];
const SCENARIO = resolve(import.meta.dirname, "../../playbooks/scenarios/default.yaml");

/** The little of the DOM the checks read (the test compiles without the DOM library). */
interface PageGlobals {
  innerWidth: number;
  document: {
    documentElement: { scrollWidth: number };
    querySelectorAll(selector: string): ArrayLike<{
      getBoundingClientRect(): { right: number; width: number };
      querySelectorAll(selector: string): ArrayLike<unknown>;
      getAttribute(name: string): string | null;
    }>;
  };
}

describe("the simulation report in Chromium", () => {
  let dir: string;
  let browser: Browser;
  let html: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "closer-sim-report-"));
    const io = { out: () => undefined, err: () => undefined, env: {}, cwd: dir, isTty: false };
    const args = ["--scenario", SCENARIO, "--seeds", "1", "--customers", "4000", "--policies", POLICIES.join(",")];
    expect(await simulateCommand([...args, "--workers", "1", "--report", "r.html"], io)).toBe(0);
    html = readFileSync(join(dir, "r.html"), "utf8");
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should fit 1,280 px with one line per policy in every chart, per week of arrival", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.setContent(html, { waitUntil: "load" });
    const layout = await page.evaluate(() => {
      const { document, innerWidth } = globalThis as unknown as PageGlobals;
      const charts = Array.from(document.querySelectorAll("figure svg")).map((svg) => ({
        label: svg.getAttribute("aria-label"),
        right: svg.getBoundingClientRect().right,
        lines: svg.querySelectorAll(".mark-line path").length,
      }));
      const tables = Array.from(document.querySelectorAll("table")).map((t) => t.getBoundingClientRect().right);
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth, charts, tables };
    });
    await page.screenshot({ path: screenshotPath("simulation-report-1280"), fullPage: true });
    await page.close();
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.innerWidth);
    expect(Math.max(...layout.tables)).toBeLessThanOrEqual(1280);
    expect(layout.charts.map((c) => c.label)).toEqual([
      "Cumulative regret by week of arrival",
      "Conversion per week of arrival (share won)",
      "Cumulative regret over the customers",
    ]);
    for (const chart of layout.charts) {
      expect(chart.lines, chart.label ?? "").toBe(POLICIES.length);
      expect(chart.right).toBeLessThanOrEqual(1280);
    }
  });

  it("should show the weeks the customers arrived in (4,000 at 500 a day: 2 weeks)", () => {
    expect(html).toMatch(/aria-label="Cumulative regret by week of arrival"/);
    const weekTicks = /aria-label="Cumulative regret by week of arrival"[\s\S]*?<\/svg>/.exec(html)?.[0] ?? "";
    expect(weekTicks).toContain(">week<");
  });
});
