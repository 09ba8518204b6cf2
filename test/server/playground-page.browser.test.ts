import type { Browser, Page, Route } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotPath } from "../support/browser.js";
import { type RunningServer, startServer } from "../support/start-server.js";

const API_PATH = "/api/playground/messages";
const ANA = { phone: "+15551239001", name: "Ana" };
const BEN = { phone: "+447700900555", name: "Ben" };
const PRICE_QUESTION = "Hi! How much is the blender?";

// One browser page walks through the scenarios in order, as a person trying the playground would.
describe("the playground page, in headless Chromium against the real server", () => {
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  const requestedUrls: string[] = [];
  const pageProblems: string[] = [];

  beforeAll(async () => {
    server = await startServer({ env: { CLOSER_RANDOM_SEED: "11" } });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1360, height: 860 }, locale: "en-US" });
    page.setDefaultTimeout(10_000);
    page.on("request", (request) => requestedUrls.push(request.url()));
    page.on("pageerror", (error) => pageProblems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      // The deliberate 400 and aborted request below log resource errors; anything else is a problem.
      if (message.type() === "error" && !message.text().startsWith("Failed to load resource")) {
        pageProblems.push(`console: ${message.text()}`);
      }
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (server) expect(await server.stop()).toBe(0);
  });

  async function send(text: string, via: "enter" | "button" = "enter"): Promise<void> {
    await page.getByTestId("message-input").fill(text);
    if (via === "enter") await page.getByTestId("message-input").press("Enter");
    else await page.getByTestId("send-button").click();
  }
  const replies = () => page.getByTestId("bubble-reply");
  const customerBubbles = () => page.getByTestId("bubble-customer");

  it("should serve one self-contained HTML page", async () => {
    const response = await page.goto(`${server.url}/playground`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toMatch(/^text\/html/);
    expect(await page.title()).toMatch(/playground/i);
    await expect.poll(() => page.getByTestId("customer-tab").count()).toBe(1);
    expect(await page.getByTestId("profile-panel").textContent()).toMatch(/send a message/i);
    expect(response?.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
  });

  it("should take the admin token, kept in this tab, so replies name their strategy", async () => {
    const token = page.getByTestId("admin-token-input");
    expect(await token.inputValue()).toBe("");
    await token.fill(server.adminToken);
    await Promise.all([page.waitForEvent("load"), token.press("Tab")]);
    expect(await page.getByTestId("admin-token-input").inputValue()).toBe(server.adminToken);
    await expect.poll(() => page.getByTestId("customer-tab").count()).toBe(1);
  });

  it("should show 'typing…' while waiting, then the reply with its stage, variant@version and propensity", async () => {
    await page.getByTestId("phone-input").fill(ANA.phone);
    await page.getByTestId("name-input").fill(ANA.name);
    const release = await holdNextApiCall(page);
    await send(PRICE_QUESTION, "enter");
    await page.getByTestId("typing-indicator").waitFor();
    expect(await page.getByTestId("send-button").isDisabled()).toBe(true);
    release();

    await replies().first().waitFor();
    await page.getByTestId("typing-indicator").waitFor({ state: "detached" });
    expect(await customerBubbles().first().textContent()).toContain(PRICE_QUESTION);
    const replyText = await replies().first().locator(".bubble-text").textContent();
    expect(replyText?.trim().length).toBeGreaterThan(0);

    // In the shop owner's words, with the technical names on hover.
    const meta = replies().first().getByTestId("reply-meta");
    const [stageLabel, strategy, chance] = ((await meta.textContent()) ?? "").split(" · ");
    expect(stageLabel).toMatch(/^[a-z][a-z ]*$/);
    expect(strategy).toMatch(/^strategy [a-z0-9-]+@\d+$/);
    expect(await meta.locator(".variant").getAttribute("title")).toMatch(/variant@version/);
    expect(chance).toMatch(/^\d+(\.\d+)?% chance$/);
    const p = Number(chance?.replace(/% chance$/, "")) / 100;
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThanOrEqual(1);
    expect(await meta.locator('[title^="propensity"]').count()).toBe(1);

    const profileStage = page.getByTestId("profile-stage");
    const stage = await profileStage.getAttribute("data-stage");
    expect(stage).toMatch(/^[a-z_]+$/);
    expect(stageLabel).toBe(stage?.replace(/_/g, " "));
    expect(await profileStage.textContent()).toBe(stageLabel);
    const profile = (await page.getByTestId("profile-panel").textContent()) ?? "";
    for (const field of ["Trust level", "Chance to buy", "Recommended approach", "Interests", "Concerns"]) {
      expect(profile).toContain(field);
    }
    expect(profile).toMatch(/\d+ \/ 10/);
    expect(profile).toMatch(/\d+%/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain(`Reply: ${replyText}`);
  });

  it("should keep each customer's transcript when switching between customers", async () => {
    await page.getByTestId("add-customer").click();
    const tabs = page.getByTestId("customer-tab");
    expect(await tabs.count()).toBe(2);
    expect(await tabs.nth(1).getAttribute("aria-current")).toBe("true");
    expect(await customerBubbles().count()).toBe(0);

    await page.getByTestId("phone-input").fill(BEN.phone);
    await page.getByTestId("name-input").fill(BEN.name);
    await send("Hello! Do you ship to London?", "button");
    await replies().first().waitFor();

    await tabs.first().click();
    expect(await page.getByTestId("phone-input").inputValue()).toBe(ANA.phone);
    expect(await customerBubbles().allTextContents()).toEqual([expect.stringContaining(PRICE_QUESTION)]);
    expect(await replies().count()).toBe(1);

    await tabs.nth(1).click();
    expect(await page.getByTestId("name-input").inputValue()).toBe(BEN.name);
    expect(await customerBubbles().allTextContents()).toEqual([expect.stringContaining("ship to London")]);
    await tabs.first().click();
  });

  it("should confirm an opt-out once and then note that no reply comes", async () => {
    await send("STOP");
    await replies().nth(1).waitFor();
    expect(await replies().nth(1).locator(".bubble-text").textContent()).toMatch(/START/);
    expect(await page.getByTestId("profile-opted-out").textContent()).toBe("Yes");

    await send("hello");
    await page.getByTestId("transcript-note").waitFor();
    expect(await page.getByTestId("transcript-note").textContent()).toMatch(/no reply: opted out/i);
    expect(await replies().count()).toBe(2);
    expect(await customerBubbles().count()).toBe(3);
    await page.screenshot({ path: screenshotPath("playground"), animations: "disabled" });
  });

  it("should insert message text as text, never as HTML", async () => {
    const markup = '<img src="x" data-injected="1"><b>bold?</b>';
    await send(markup);
    await page.getByTestId("transcript-note").nth(1).waitFor();
    expect(await customerBubbles().last().locator(".bubble-text").textContent()).toBe(markup);
    expect(await page.locator("#transcript img, #transcript b").count()).toBe(0);
  });

  it("should show the server's reason when it refuses a message, and send it on retry", async () => {
    await page.getByTestId("add-customer").click();
    await page.getByTestId("phone-input").fill("not a phone");
    await send("Hi there");
    const banner = page.getByTestId("error-banner");
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(/400/);
    expect(await banner.textContent()).toMatch(/phone/i);
    expect(await replies().count()).toBe(0);

    await page.getByTestId("phone-input").fill("+34612000111");
    await page.getByRole("button", { name: "Retry" }).click();
    await replies().first().waitFor();
    expect(await banner.isHidden()).toBe(true);
    expect(await customerBubbles().count()).toBe(1);
  });

  it("should show a network error when the service cannot be reached", async () => {
    await page.route(`**${API_PATH}`, (route) => route.abort("connectionrefused"));
    try {
      await send("Are you still there?");
      const banner = page.getByTestId("error-banner");
      await banner.waitFor();
      expect(await banner.textContent()).toMatch(/network error/i);
      expect(await customerBubbles().last().getAttribute("class")).toContain("failed");
    } finally {
      await page.unroute(`**${API_PATH}`);
    }
    await page.getByRole("button", { name: "Dismiss error" }).click();
    expect(await page.getByTestId("error-banner").isHidden()).toBe(true);
  });

  it("should bring every conversation back after a reload, from the server", async () => {
    const tabsBefore = await page.getByTestId("customer-tab").allTextContents();
    await page.reload();
    const tabs = page.getByTestId("customer-tab");
    await expect.poll(() => tabs.count()).toBe(3);
    const names = await tabs.locator(".tab-name").allTextContents();
    // Ana and Ben, then the customer whose number was fixed on retry (named by the page).
    expect(names).toEqual([ANA.name, BEN.name, "Lucía"]);
    expect(tabsBefore.length).toBeGreaterThanOrEqual(3);

    await tabs.first().click();
    expect(await page.getByTestId("phone-input").inputValue()).toBe(ANA.phone);
    expect(await page.getByTestId("phone-input").isEditable()).toBe(false);
    const texts = await customerBubbles().locator(".bubble-text").allTextContents();
    expect(texts).toEqual(expect.arrayContaining([PRICE_QUESTION, "STOP", "hello"]));
    const meta = (await replies().first().getByTestId("reply-meta").textContent()) ?? "";
    expect(meta).toMatch(/ · strategy [a-z0-9-]+@\d+ · \d+(\.\d+)?% chance$/);
    expect(await page.getByTestId("profile-opted-out").textContent()).toBe("Yes");
  });

  it("should fetch nothing from other origins and raise no script or CSP errors", async () => {
    const origin = new URL(server.url).origin;
    const foreign = requestedUrls.filter((url) => !url.startsWith("data:") && new URL(url).origin !== origin);
    expect(foreign).toEqual([]);
    expect(pageProblems).toEqual([]);
  });
});

/** Holds the next playground API call until the returned function is called. */
async function holdNextApiCall(page: Page): Promise<() => void> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route(
    `**${API_PATH}`,
    async (route: Route) => {
      await released;
      await route.continue();
    },
    { times: 1 },
  );
  return release;
}
