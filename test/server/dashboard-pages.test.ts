/**
 * The dashboard's rules over real HTTP, with the service in-process on a real
 * SQLite file, the playground gateway and a manual clock: sessions expire,
 * destructive actions need their confirmation, a bad form changes nothing,
 * and sign-in never redirects off the dashboard.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/index.js";
import type { Closer } from "../../src/main.js";
import { SESSION_TTL_MS } from "../../src/server/pages/dashboard-session.js";
import { csrfTokenIn, type DashboardClient, signInOverHttp } from "../support/dashboard-client.js";
import { type InProcessCloser, startInProcessCloser } from "../support/in-process-closer.js";
import { PROPOSED_ARM, playbooksWithProposal } from "../support/proposed-playbooks.js";

const TOKEN = "dashboard-admin-token-0123456789";
const ANA = "+15551230101";

describe("the dashboard's rules", () => {
  let service: InProcessCloser;
  let closer: Closer;
  let client: DashboardClient;
  let anaId: string;
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const dir = mkdtempSync(join(tmpdir(), "closer-dashboard-pages-"));

  beforeAll(async () => {
    service = await startInProcessCloser({
      token: TOKEN,
      clock,
      env: { CLOSER_RANDOM_SEED: "3", PLAYBOOKS_DIR: playbooksWithProposal(dir) },
    });
    closer = service.closer;
    const answer = await fetch(`${closer.url}/api/playground/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ from: ANA, name: "Ana", text: "Hi! How much is the blender?" }),
    });
    anaId = ((await answer.json()) as { customer: { id: string } }).customer.id;
    client = await signInOverHttp(closer.url, TOKEN);
  });
  afterAll(async () => {
    await service?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the reflection's proposal with its parents and rationale, and approves it only with a reason", async () => {
    const page = await (await client.get("/dashboard/candidates")).text();
    expect(page).toContain(PROPOSED_ARM);
    expect(page).toMatch(/Grew from: fit-finder@2/);
    expect(page).toMatch(/ask about their cooking first/);
    expect(page).not.toMatch(/None\. New strategies/);
    const action = `/dashboard/candidates/intent/${PROPOSED_ARM}/approve`;
    expect(page).toContain(`action="${action}"`);
    expect((await client.post(action, { reason: "" })).status).toBe(400);
    const done = await client.post(action, { reason: "worth a try" });
    expect(done.status).toBe(303);
    const after = await (await client.get("/dashboard/candidates?done=approved")).text();
    expect(after).toMatch(/on trial now/);
    expect(after).toMatch(/fit-question-first@1 <small>\(intent, on trial\)/);
    expect(after).not.toContain(`action="${action}"`);
  });

  it("shows on the overview the alerts the alert engine raised, with their message", async () => {
    closer.alerts.raise("order_received", "Order from …4567: 2 items, $178.00 (customer in closing)");
    await closer.alerts.settled();
    const page = await (await client.get("/dashboard")).text();
    expect(page).toContain("Order from …4567: 2 items, $178.00 (customer in closing)");
  });

  it("answers an unknown customer with a 404 page that says so", async () => {
    const response = await client.get("/dashboard/conversations/no-such-customer");
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await response.text()).toMatch(/No such customer/);
  });

  it("refuses an empty shop message and forgets nobody without the ticked confirmation", async () => {
    const empty = await client.post(`/dashboard/conversations/${anaId}/send`, { text: "" });
    expect(empty.status).toBe(400);
    const unconfirmed = await client.post(`/dashboard/conversations/${anaId}/forget`, {});
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toMatch(/tick the box/);
    expect((await client.get(`/dashboard/conversations/${anaId}`)).status).toBe(200);
    const bad = await client.post(`/dashboard/conversations/${anaId}/won`, { value: "-3", currency: "USD" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/value/);
  });

  it("promotes while a stage is still collecting only after the owner confirms, seeing the evidence", async () => {
    const page = await (await client.get("/dashboard/experiments")).text();
    expect(page).toMatch(/Still collecting evidence: 0 customers judged so far/);
    const refused = await client.post("/dashboard/experiments/closing/promote", {
      arm: "simple-steps@2",
      reason: "owner's choice",
    });
    expect(refused.status).toBe(200);
    const question = await refused.text();
    expect(question).toMatch(/Promote anyway/);
    expect(question).toMatch(/still collecting evidence: .*simple-steps@2 0 decisions/);
    const done = await client.post("/dashboard/experiments/closing/promote", {
      arm: "simple-steps@2",
      reason: "owner's choice",
      force: "yes",
    });
    expect(done.status).toBe(303);
    const report = (await (
      await fetch(`${closer.url}/api/experiments`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()) as { stages: { stage: string; arms: { variant: string; status: string }[] }[] };
    const closing = report.stages.find((s) => s.stage === "closing");
    expect(closing?.arms.find((a) => a.variant === "simple-steps")?.status).toBe("champion");
  });

  it("never redirects off the dashboard after sign-in", async () => {
    const login = await fetch(`${closer.url}/dashboard/login?next=//evil.example/x`);
    const cookie = login.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const token = csrfTokenIn(await login.text()) ?? "";
    for (const next of ["//evil.example/x", "https://evil.example", "/dashboard/../api", "/dashboard/experiments"]) {
      const response = await fetch(`${closer.url}/dashboard/login`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie },
        body: new URLSearchParams({ _csrf: token, token: TOKEN, next }),
      });
      expect(response.status, next).toBe(303);
      expect(response.headers.get("location"), next).toBe(
        next === "/dashboard/experiments" ? "/dashboard/experiments" : "/dashboard",
      );
    }
  });

  it("forgets a customer once confirmed", async () => {
    const done = await client.post(`/dashboard/conversations/${anaId}/forget`, { confirm: "yes" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe("/dashboard/conversations?done=forgotten");
    expect((await client.get(`/dashboard/conversations/${anaId}`)).status).toBe(404);
  });

  it("ends a session after 12 hours", async () => {
    expect((await client.get("/dashboard")).status).toBe(200);
    clock.advance(SESSION_TTL_MS);
    const expired = await client.get("/dashboard");
    expect(expired.status).toBe(303);
    expect(expired.headers.get("location")).toBe("/dashboard/login?next=%2Fdashboard");
  });
});
