import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AlertService } from "../../../src/engine/alerting/alert-service.js";
import { ManualClock } from "../../../src/engine/clock.js";
import { GroupCommit } from "../../../src/engine/group-commit.js";
import { silentLogger } from "../../../src/log.js";
import { listAlerts } from "../../../src/store/index.js";
import { AlertReceiver } from "../../support/alert-receiver.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

describe("the alert service", () => {
  let t: TestDatabase;
  let receiver: AlertReceiver;
  const clock = new ManualClock(Date.UTC(2026, 0, 1, 12));
  const services: AlertService[] = [];

  function service(gateway?: { connected: boolean; since: number }) {
    const alerts = new AlertService({
      db: t.db,
      clock,
      logger: silentLogger(),
      webhookUrl: receiver.url,
      webhookRetryDelaysMs: [0, 0],
    });
    if (gateway !== undefined) {
      alerts.watch(
        { snapshot: () => ({ sendsOk: 0, sendsFailed: 0, requests: 0, serverErrors: 0 }), takeLatencies: () => [] },
        () => ({
          name: "waha",
          ...gateway,
        }),
      );
    }
    services.push(alerts);
    return alerts;
  }

  beforeEach(async () => {
    t = await createTestDatabase();
    receiver = await AlertReceiver.start();
  });
  afterEach(async () => {
    for (const s of services.splice(0)) await s.stop();
    await receiver.close();
    await t.close();
  });

  it("stores and posts a one-off alert with phone numbers masked, at most once an hour per message", async () => {
    const alerts = service();
    alerts.raise("number_paused", "Customer +62 812 3456 7890 asked for a person", { chat: "6281234567890" });
    alerts.raise("number_paused", "Customer +62 812 3456 7890 asked for a person", { chat: "6281234567890" });
    clock.advance(HOUR);
    alerts.raise("number_paused", "Customer +62 812 3456 7890 asked for a person", { chat: "6281234567890" });
    await alerts.settled();
    expect(receiver.received.map((a) => [a.alert, a.message, a.detail, a.oneOff])).toEqual([
      ["number_paused", "Customer …7890 asked for a person", { chat: "…7890" }, true],
      ["number_paused", "Customer …7890 asked for a person", { chat: "…7890" }, true],
    ]);
    const stored = await listAlerts(t.db);
    expect(stored.map((a) => [a.status, a.message, a.detail])).toEqual([
      ["event", "Customer …7890 asked for a person", { chat: "…7890" }],
      ["event", "Customer …7890 asked for a person", { chat: "…7890" }],
    ]);
  });

  it("stores one-off alerts through the engine's shared commits when given them, one transaction for a turn's alerts", async () => {
    const alerts = service();
    const commits = new GroupCommit(t.db);
    const transactions = new Set<object>();
    alerts.shareCommits((work) =>
      commits.run((trx) => {
        transactions.add(trx);
        return work(trx);
      }),
    );
    alerts.raise("hot_lead", "Hot lead: customer …7890 is ready to buy");
    alerts.raise("hot_lead", "Hot lead: customer …1234 is ready to buy");
    alerts.raise("human_requested", "Customer …7890 asked for a person");
    await alerts.settled();
    expect(transactions.size).toBe(1);
    const stored = await listAlerts(t.db);
    expect(stored.map((a) => [a.kind, a.status])).toEqual([
      ["human_requested", "event"],
      ["hot_lead", "event"],
      ["hot_lead", "event"],
    ]);
    expect(receiver.received).toHaveLength(3);
  });

  it("retries the webhook after a 503 and a 429, and gives up on a 400", async () => {
    const alerts = service();
    receiver.failNext(503, 429);
    alerts.raise("send_failures", "first");
    await alerts.settled();
    expect(receiver.attempts).toBe(3);
    expect(receiver.history("send_failures")).toEqual(["firing"]);

    receiver.failNext(400);
    alerts.raise("send_failures", "second");
    await alerts.settled();
    expect(receiver.attempts).toBe(4);
    expect(receiver.received).toHaveLength(1);
  });

  it("after a restart, a condition still active repeats or resolves instead of firing again", async () => {
    const down = { connected: false, since: clock.now() - 10 * MINUTE };
    const first = service(down);
    expect(await first.evaluate()).toContainEqual({ kind: "gateway_offline", step: "fire" });
    await first.stop();

    const second = service(down);
    await second.load();
    clock.advance(10 * MINUTE);
    expect(await second.evaluate()).toContainEqual({ kind: "gateway_offline", step: "none" });
    const third = service({ connected: true, since: clock.now() });
    await third.load();
    expect(await third.evaluate()).toContainEqual({ kind: "gateway_offline", step: "resolve" });
    await third.settled();
    expect(receiver.history("gateway_offline")).toEqual(["firing", "resolved"]);
    expect(await listAlerts(t.db, { activeOnly: true })).toEqual([]);
  });

  it("lists active alerts first, then recent ones, newest first", async () => {
    const alerts = service({ connected: false, since: clock.now() - 6 * MINUTE });
    alerts.raise("send_failures", "an old one");
    clock.advance(2 * HOUR);
    alerts.raise("number_paused", "a recent one");
    clock.advance(MINUTE);
    await alerts.evaluate();
    await alerts.settled();
    expect((await listAlerts(t.db)).map((a) => a.kind)).toEqual(["gateway_offline", "number_paused", "send_failures"]);
    expect((await listAlerts(t.db, { sinceMs: clock.now() - HOUR })).map((a) => a.kind)).toEqual([
      "gateway_offline",
      "number_paused",
    ]);
  });
});
