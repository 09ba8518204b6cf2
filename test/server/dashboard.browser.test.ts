import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchBrowser, screenshotPath } from "../support/browser.js";
import { type DashboardClient, signInOverHttp } from "../support/dashboard-client.js";
import { FakeGowa } from "../support/fake-gowa.js";
import { type RunningServer, startServer } from "../support/start-server.js";
import { customerView, eventually } from "./gateways-helpers.js";

const SECRET = "dashboard-e2e-webhook-secret";
const BUDI = { phone: "6281111000101", name: "Budi Santoso", text: "Hi! How much is the blender?" };
const ANA = { phone: "6281111000102", name: "Ana Lima", text: "Hello, do you ship to Bandung?" };
const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 390, height: 844 },
] as const;

// One server with a fake GOWA; two customers write first, then an operator works through the dashboard.
describe("the dashboard, in headless Chromium against the real server and a fake GOWA", () => {
  let fake: FakeGowa;
  let server: RunningServer;
  let browser: Browser;
  let http: DashboardClient;
  const problems: string[] = [];
  let budiId = "";
  let session: Awaited<ReturnType<BrowserContext["storageState"]>>;

  beforeAll(async () => {
    fake = await FakeGowa.start({ devices: ["org_2"], webhookSecret: SECRET });
    server = await startServer({
      env: {
        GATEWAY: "gowa",
        GOWA_URL: fake.url,
        GOWA_WEBHOOK_SECRET: SECRET,
        GOWA_DEVICE_ID: "org_2",
        CLOSER_PACING: "off",
        CLOSER_RANDOM_SEED: "5",
      },
    });
    fake.webhookUrl = `${server.url}/webhooks/gowa`;
    for (const [i, c] of [BUDI, ANA].entries()) {
      await fake.postMessage({ from: c.phone, text: c.text, name: c.name, id: `3ADASH000${i}` });
    }
    await eventually(() => fake.sent.length >= 2, "the bot's replies to both customers");
    budiId = (await customerView(server, `+${BUDI.phone}`))?.id ?? "";
    http = await signInOverHttp(server.url, server.adminToken);
    browser = await launchBrowser();
    // Signs in through the form once, as a person would; the other tests reuse that session.
    const context = await browser.newContext({ viewport: VIEWPORTS[0], locale: "en-US" });
    const page = await context.newPage();
    watch(page);
    await page.goto(`${server.url}/dashboard`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/login");
    await page.getByTestId("token-input").fill(server.adminToken);
    await page.getByTestId("login-button").click();
    await page.getByTestId("alerts").waitFor();
    expect(new URL(page.url()).pathname).toBe("/dashboard");
    session = await context.storageState();
    await context.close();
  });
  afterAll(async () => {
    await browser?.close();
    if (server) expect(await server.stop()).toBe(0);
    await fake?.close();
  });

  /** A browser context with the session the beforeAll sign-in got (sign-ins are throttled, so tests share one). */
  async function signedInPage(viewport: {
    width: number;
    height: number;
  }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport, locale: "en-US", storageState: session });
    const page = await context.newPage();
    watch(page);
    await page.goto(`${server.url}/dashboard`);
    await page.getByTestId("alerts").waitFor();
    return { context, page };
  }

  function watch(page: Page): void {
    page.setDefaultTimeout(10_000);
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") problems.push(`console at ${page.url()}: ${message.text()}`);
    });
  }

  const pages = () => [
    { name: "overview", path: "/dashboard" },
    { name: "conversations", path: "/dashboard/conversations" },
    { name: "conversation", path: `/dashboard/conversations/${budiId}` },
    { name: "experiments", path: "/dashboard/experiments" },
    { name: "candidates", path: "/dashboard/candidates" },
  ];

  it("sends every page to the sign-in page without the session cookie", async () => {
    for (const { path } of [...pages(), { path: `/dashboard/conversations/${budiId}/export` }]) {
      const response = await fetch(`${server.url}${path}`, { redirect: "manual" });
      expect(response.status, path).toBe(303);
      expect(response.headers.get("location"), path).toBe(`/dashboard/login?next=${encodeURIComponent(path)}`);
    }
  });

  it("refuses every form POST without the CSRF token, signed in or not", async () => {
    const forms = [
      "/dashboard/login",
      "/dashboard/logout",
      `/dashboard/conversations/${budiId}/send`,
      `/dashboard/conversations/${budiId}/take-over`,
      `/dashboard/conversations/${budiId}/give-back`,
      `/dashboard/conversations/${budiId}/won`,
      `/dashboard/conversations/${budiId}/forget`,
      "/dashboard/experiments/closing/promote",
      "/dashboard/experiments/closing/retire",
      "/dashboard/experiments/closing/srm-ack",
    ];
    const form = { text: "hi", value: "10", currency: "USD", confirm: "yes", arm: "x@1", reason: "r", token: "t" };
    for (const path of forms) {
      expect((await http.post(path, form, { withCsrf: false })).status, path).toBe(403);
      const anonymous = await fetch(`${server.url}${path}`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form),
      });
      expect(anonymous.status, path).toBe(403);
    }
    // Nothing happened: Budi is still there, with the bot.
    expect((await customerView(server, `+${BUDI.phone}`))?.handoffUntil).toBeNull();
  });

  it("sets a signed, HttpOnly, SameSite=Strict session cookie and strict security headers", async () => {
    const page = await http.get("/dashboard");
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.headers.get("x-content-type-options")).toBe("nosniff");
    expect(page.headers.get("x-frame-options")).toBe("DENY");

    const loginPage = await fetch(`${server.url}/dashboard/login`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? "";
    const csrfCookie = loginPage.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const signedIn = await fetch(`${server.url}/dashboard/login`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie },
      body: new URLSearchParams({ _csrf: token, token: server.adminToken }),
    });
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith("closer_session=")) ?? "";
    expect(session).toMatch(/; HttpOnly/i);
    expect(session).toMatch(/; SameSite=Strict/i);
    expect(session).toMatch(/; Max-Age=\d+/i);
    expect(session).toMatch(/; Path=\/dashboard/i);
    // The value is signed: a tampered cookie is no session.
    const forged = session.split(";")[0]?.replace(/.$/, (c) => (c === "A" ? "B" : "A")) ?? "";
    const withForged = await fetch(`${server.url}/dashboard`, { redirect: "manual", headers: { cookie: forged } });
    expect(withForged.status).toBe(303);
  });

  it("refuses a wrong admin token and says so", async () => {
    const context = await browser.newContext({ viewport: VIEWPORTS[0] });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${server.url}/dashboard/conversations`);
    expect(new URL(page.url()).pathname).toBe("/dashboard/login");
    await page.getByTestId("token-input").fill("not-the-token-at-all");
    await page.getByTestId("login-button").click();
    expect(await page.getByTestId("login-error").textContent()).toMatch(/not the admin token/i);
    await page.screenshot({ path: screenshotPath("dashboard-login-1280x800") });
    await context.close();
  });

  for (const viewport of VIEWPORTS) {
    it(`shows every page at ${viewport.width}×${viewport.height} without horizontal overflow`, async () => {
      const { context, page } = await signedInPage(viewport);
      for (const { name, path } of pages()) {
        const response = await page.goto(`${server.url}${path}`);
        expect(response?.status(), path).toBe(200);
        const overflow = await page.evaluate<number>("document.documentElement.scrollWidth - window.innerWidth");
        expect(overflow, `${path} overflows by ${overflow}px`).toBeLessThanOrEqual(0);
        await page.screenshot({
          path: screenshotPath(`dashboard-${name}-${viewport.width}x${viewport.height}`),
          fullPage: true,
        });
      }
      await context.close();
    });
  }

  it("lists every customer newest first with masked phones, and finds them by name, phone or stage", async () => {
    const { context, page } = await signedInPage(VIEWPORTS[0]);
    await page.goto(`${server.url}/dashboard/conversations`);
    const rows = page.getByTestId("conversation-row");
    expect(await rows.count()).toBe(2);
    const text = (await page.getByTestId("conversation-table").textContent()) ?? "";
    expect(text.indexOf(ANA.name)).toBeLessThan(text.indexOf(BUDI.name));
    expect(text).toContain(`…${BUDI.phone.slice(-4)}`);
    expect(text).not.toContain(BUDI.phone);
    for (const query of ["budi", BUDI.phone.slice(-6), `+${BUDI.phone}`]) {
      await page.goto(`${server.url}/dashboard/conversations?q=${encodeURIComponent(query)}`);
      expect(await rows.count(), query).toBe(1);
      expect(await rows.first().textContent(), query).toContain(BUDI.name);
    }
    const stage = (await customerView(server, `+${ANA.phone}`))?.stage ?? "";
    await page.goto(`${server.url}/dashboard/conversations?q=${encodeURIComponent(stage.replace(/_/g, " "))}`);
    expect(await rows.count()).toBeGreaterThanOrEqual(1);
    await context.close();
  });

  it("takes over a chat: the bot goes silent, the shop's message reaches the gateway, and the chat can be given back", async () => {
    const { context, page } = await signedInPage(VIEWPORTS[0]);
    await page.goto(`${server.url}/dashboard/conversations/${budiId}`);
    expect(await page.getByTestId("transcript").textContent()).toContain(BUDI.text);
    await page.getByTestId("take-over").click();
    expect(await page.getByTestId("handoff-state").textContent()).toMatch(/you have this chat/i);

    const words = "Hi Budi, this is Sari from the shop. I can hold one blender for you.";
    await page.getByTestId("shop-message").fill(words);
    await page.getByTestId("send-button").click();
    expect(await page.getByTestId("notice").textContent()).toMatch(/sent/i);
    const delivered = await eventually(() => fake.sent.find((s) => s.message === words), "the shop's message at GOWA");
    expect(delivered.phone).toBe(`${BUDI.phone}@s.whatsapp.net`);

    // While the person has the chat the bot stays silent.
    const before = fake.sent.length;
    await fake.postMessage({ from: BUDI.phone, text: "Great, thanks!", name: BUDI.name, id: "3ADASH0100" });
    await eventually(
      async () => (await customerView(server, `+${BUDI.phone}`))?.transcript.some((t) => t.text === "Great, thanks!"),
      "Budi's answer in the transcript",
    );
    expect(fake.sent.length).toBe(before);
    // The open page picks up the customer's answer by itself.
    await expect
      .poll(() => page.getByTestId("transcript").textContent(), { timeout: 15_000 })
      .toContain("Great, thanks!");
    expect(await page.getByTestId("transcript").textContent()).toContain(words);

    await page.getByTestId("give-back").click();
    expect(await page.getByTestId("handoff-state").textContent()).toMatch(/the bot answers/i);
    await page.screenshot({ path: screenshotPath("dashboard-conversation-after-takeover-1280x800"), fullPage: true });
    await context.close();
  });

  it("marks a customer won with its value, and the overview's revenue counts it", async () => {
    const { context, page } = await signedInPage(VIEWPORTS[0]);
    expect(await page.getByTestId("revenue").first().textContent()).toBe("—");
    await page.goto(`${server.url}/dashboard/conversations/${budiId}`);
    await page.getByTestId("won-value").fill("129.50");
    await page.getByTestId("won-currency").fill("EUR");
    await page.getByTestId("won-button").click();
    expect(await page.getByTestId("notice").textContent()).toMatch(/marked won/i);
    expect(await page.getByTestId("events").textContent()).toContain("won 129.5 EUR, reported by dashboard");

    await page.goto(`${server.url}/dashboard`);
    expect(await page.getByTestId("won-customers").textContent()).toBe("1");
    expect(await page.getByTestId("revenue").allTextContents()).toEqual(["129.5 EUR"]);
    await page.screenshot({ path: screenshotPath("dashboard-overview-after-sale-1280x800") });

    // The same form sent twice (a double click without JavaScript) carries one event id: one sale.
    const anaId = (await customerView(server, `+${ANA.phone}`))?.id ?? "";
    const form = { value: "20", currency: "USD", eventId: "dashboard-form-1" };
    for (let i = 0; i < 2; i++) {
      expect((await http.post(`/dashboard/conversations/${anaId}/won`, form)).status).toBe(303);
    }
    await page.reload();
    expect(await page.getByTestId("won-customers").textContent()).toBe("2");
    expect((await page.getByTestId("revenue").allTextContents()).sort()).toEqual(["129.5 EUR", "20 USD"]);
    const report = page.getByTestId("weekly-report");
    expect(await report.locator("section").count()).toBeGreaterThanOrEqual(5);
    expect(await report.locator("svg[role=img]").count()).toBeGreaterThanOrEqual(5);
    expect(await report.textContent()).toContain("EUR");
    await context.close();
  });

  it("promotes a strategy, warning while the stage is still collecting evidence", async () => {
    const { context, page } = await signedInPage(VIEWPORTS[0]);
    await page.goto(`${server.url}/dashboard/experiments`);
    expect(await page.getByTestId("interval-chart").locator("svg[role=img]").count()).toBe(4);
    const stage = page.getByTestId("stage-closing");
    await stage.getByTestId("change-strategies").locator("summary").click();
    const arm = (await stage.getByTestId("promote-arm").locator("option").nth(1).getAttribute("value")) ?? "";
    expect(arm).toMatch(/^[a-z0-9-]+@\d+$/);
    expect(await stage.getByTestId("promote-warning").textContent()).toMatch(/still collecting/i);
    await stage.getByTestId("promote-arm").selectOption(arm);
    await stage.getByTestId("promote-reason").fill("the owner likes its tone");
    await stage.getByTestId("promote-force").check();
    await stage.getByTestId("promote-button").click();
    expect(await page.getByTestId("notice").textContent()).toMatch(/promoted/i);
    const row = page.getByTestId("stage-closing").locator(`[data-arm="${arm}"]`);
    expect(await row.textContent()).toContain("default");
    await context.close();
  });

  it("ends the session on the server at sign-out: the old cookie no longer opens a page", async () => {
    const client = await signInOverHttp(server.url, server.adminToken);
    expect((await client.get("/dashboard")).status).toBe(200);
    const cookie = client.cookie;
    const out = await client.post("/dashboard/logout", {});
    expect(out.status).toBe(303);
    expect(out.headers.get("location")).toBe("/dashboard/login");
    const again = await fetch(`${server.url}/dashboard`, { redirect: "manual", headers: { cookie } });
    expect(again.status).toBe(303);
  });

  it("throttles sign-in attempts from one address", async () => {
    const loginPage = await fetch(`${server.url}/dashboard/login`);
    const token = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())?.[1] ?? "";
    const cookie = loginPage.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const statuses: number[] = [];
    for (let i = 0; i < 12 && !statuses.includes(429); i++) {
      const response = await fetch(`${server.url}/dashboard/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({ _csrf: token, token: `guess-${i}` }),
      });
      statuses.push(response.status);
    }
    expect(statuses).toContain(401);
    expect(statuses.at(-1)).toBe(429);
  });

  it("never logs a console error or throws on any page", () => {
    expect(problems).toEqual([]);
  });
});
