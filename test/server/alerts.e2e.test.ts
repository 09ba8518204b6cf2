/**
 * The plan's four alerts, end to end: the service runs in-process on a real
 * SQLite file with an in-process clock, talks to the fake GOWA over loopback,
 * and delivers alerts to a webhook receiver. Each alert fires once, and
 * resolves when its condition clears; `closer alerts` reads the same rows.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/index.js";
import type { Closer } from "../../src/main.js";
import { listAlerts } from "../../src/store/index.js";
import { AlertReceiver } from "../support/alert-receiver.js";
import { FakeGowa } from "../support/fake-gowa.js";
import { type InProcessCloser, startInProcessCloser } from "../support/in-process-closer.js";
import { eventually } from "./gateways-helpers.js";

const TOKEN = "alerts-admin-token-0123456789abcdef";
const MINUTE = 60_000;
/** Far longer than any test: the rules are evaluated by the test, at the in-process clock. */
const NO_TIMER_MS = String(24 * 60 * MINUTE);

describe("the plan's alerts", () => {
  const clock = new ManualClock(Date.UTC(2026, 2, 10, 12, 0, 0));
  let service: InProcessCloser;
  let fake: FakeGowa;
  let receiver: AlertReceiver;
  let closer: Closer;
  let phoneSeq = 0;

  const nextPhone = () => `62812000${String(++phoneSeq).padStart(5, "0")}`;
  const attempts = () => closer.engine.metrics.sent + closer.engine.metrics.sendFailed;

  /** Lets the current window empty: the rate rules judge only the last 15 minutes. */
  async function quietWindow() {
    clock.advance(16 * MINUTE);
    await closer.alerts.evaluate();
  }

  beforeAll(async () => {
    receiver = await AlertReceiver.start();
    fake = await FakeGowa.start({ now: () => clock.now() });
    service = await startInProcessCloser({
      token: TOKEN,
      clock,
      env: {
        CLOSER_RANDOM_SEED: "5",
        GATEWAY: "gowa",
        GOWA_URL: fake.url,
        GOWA_WEBHOOK_SECRET: "secret",
        CLOSER_PACING: "off",
        CLOSER_QUIET_HOURS: "off",
        GATEWAY_HEALTH_CHECK_MS: "100",
        ALERT_CHECK_MS: NO_TIMER_MS,
        ALERT_WEBHOOK_URL: receiver.url,
      },
    });
    closer = service.closer;
    fake.webhookUrl = `${closer.url}/webhooks/gowa`;
  });
  afterAll(async () => {
    await service?.close();
    await fake?.close();
    await receiver?.close();
  });
  beforeEach(async () => {
    await quietWindow();
    await closer.alerts.settled();
    receiver.received.length = 0;
  });

  it("fires send_success_low when 2 of 20 sends fail, and resolves once the window is clean", async () => {
    const before = attempts();
    fake.failNext(2, 400, { code: "INVALID_JID", message: "your JID is invalid" });
    for (let i = 0; i < 20; i++) await fake.postMessage({ from: nextPhone(), text: "Hi, do you sell skillets?" });
    await eventually(() => attempts() - before >= 20, "20 send attempts");

    expect(await closer.alerts.evaluate()).toContainEqual({ kind: "send_success_low", step: "fire" });
    await closer.alerts.evaluate();
    await closer.alerts.settled();
    expect(receiver.history("send_success_low")).toEqual(["firing"]);
    const [notice] = receiver.received;
    expect(notice?.message).toMatch(/Send success 90\.0% over the last 15 min \(2 of 20 sends failed/);
    expect(notice?.detail).toMatchObject({ sends: 20, failed: 2, threshold: 0.95 });

    await quietWindow();
    await closer.alerts.settled();
    expect(receiver.history("send_success_low")).toEqual(["firing", "resolved"]);
    const [stored] = await listAlerts(closer.db, { limit: 1 });
    expect(stored).toMatchObject({ kind: "send_success_low", status: "resolved", deliveries: 1 });
  });

  it("fires reply_latency_high when replies wait a minute for the gateway, and resolves after", async () => {
    const before = closer.engine.metrics.sent;
    const retriedBefore = closer.engine.metrics.sendRetried;
    fake.failNext(5, 500);
    for (let i = 0; i < 5; i++) await fake.postMessage({ from: nextPhone(), text: "Hello there" });
    await eventually(() => closer.engine.metrics.sendRetried - retriedBefore >= 5, "5 failed attempts");
    clock.advance(MINUTE);
    closer.engine.kickSender();
    await eventually(() => closer.engine.metrics.sent - before >= 5, "5 replies sent a minute late");

    expect(await closer.alerts.evaluate()).toContainEqual({ kind: "reply_latency_high", step: "fire" });
    await closer.alerts.settled();
    expect(receiver.received.find((a) => a.alert === "reply_latency_high")?.detail).toMatchObject({
      replies: 5,
      thresholdSeconds: 30,
    });

    await quietWindow();
    await closer.alerts.settled();
    expect(receiver.history("reply_latency_high")).toEqual(["firing", "resolved"]);
  });

  it("fires api_errors_high when webhooks answer 500 because the database refuses writes", async () => {
    await sql`pragma query_only = on`.execute(closer.db);
    const statuses: number[] = [];
    try {
      for (let i = 0; i < 3; i++) statuses.push((await fake.postMessage({ from: nextPhone(), text: "Hi" })).status);
    } finally {
      await sql`pragma query_only = off`.execute(closer.db);
    }
    expect(statuses).toEqual([500, 500, 500]);
    const metrics = await (await fetch(`${closer.url}/metrics`)).text();
    expect(metrics).toContain('closer_webhook_requests_total{route="/webhooks/gowa",status="500"} 3\n');
    for (let i = 0; i < 20; i++) {
      const health = await fetch(`${closer.url}/healthz`);
      await health.body?.cancel();
    }

    expect(await closer.alerts.evaluate()).toContainEqual({ kind: "api_errors_high", step: "fire" });
    await closer.alerts.settled();
    expect(receiver.received.find((a) => a.alert === "api_errors_high")?.detail).toMatchObject({
      serverErrors: 3,
      requests: 24,
    });

    await quietWindow();
    await closer.alerts.settled();
    expect(receiver.history("api_errors_high")).toEqual(["firing", "resolved"]);
  });

  it("fires gateway_offline after 5 minutes disconnected, repeats hourly, and resolves when it is back", async () => {
    fake.setConnected(false);
    await eventually(async () => !(await healthz()).gateway.ok, "healthz disconnected");
    expect(await closer.alerts.evaluate()).toContainEqual({ kind: "gateway_offline", step: "none" });
    clock.advance(5 * MINUTE);
    expect(await closer.alerts.evaluate()).toContainEqual({ kind: "gateway_offline", step: "fire" });
    clock.advance(30 * MINUTE);
    expect(await closer.alerts.evaluate()).toContainEqual({ kind: "gateway_offline", step: "none" });
    clock.advance(30 * MINUTE);
    expect(await closer.alerts.evaluate()).toContainEqual({ kind: "gateway_offline", step: "repeat" });
    expect((await listAlerts(closer.db, { activeOnly: true })).map((a) => [a.kind, a.deliveries])).toEqual([
      ["gateway_offline", 2],
    ]);

    fake.setConnected(true);
    await eventually(async () => (await healthz()).gateway.ok, "healthz connected");
    expect(await closer.alerts.evaluate()).toContainEqual({ kind: "gateway_offline", step: "resolve" });
    await closer.alerts.settled();
    expect(receiver.history("gateway_offline")).toEqual(["firing", "firing (repeat)", "resolved"]);
    expect(await listAlerts(closer.db, { activeOnly: true })).toEqual([]);
  });

  async function healthz(): Promise<{ gateway: { ok: boolean } }> {
    return (await (await fetch(`${closer.url}/healthz`)).json()) as { gateway: { ok: boolean } };
  }
});
