import { describe, expect, it } from "vitest";
import type { AlertKind, Alerts } from "../../src/engine/alerts.js";
import { ManualClock } from "../../src/engine/clock.js";
import type { GatewayHealth, WhatsAppGateway } from "../../src/engine/gateway/whatsapp-gateway.js";
import { DISCONNECTED_ALERT_AFTER_MS, GatewayHealthMonitor } from "../../src/engine/gateway-health-monitor.js";

function setup() {
  let health: GatewayHealth | Error = { connected: true, detail: "logged in" };
  const gateway: WhatsAppGateway = {
    name: "gowa",
    send: async () => ({ gatewayMessageId: "x" }),
    markRead: async () => {},
    setTyping: async () => {},
    health: async () => {
      if (health instanceof Error) throw health;
      return health;
    },
  };
  const raised: AlertKind[] = [];
  const alerts: Alerts = { raise: (kind) => raised.push(kind) };
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let recovered = 0;
  const monitor = new GatewayHealthMonitor({ gateway, clock, alerts, onRecovered: () => recovered++ });
  return {
    monitor,
    clock,
    raised,
    recovered: () => recovered,
    set: (h: GatewayHealth | Error) => {
      health = h;
    },
  };
}

describe("the gateway health monitor", () => {
  it("alerts once when the gateway stays disconnected past the grace period", async () => {
    const t = setup();
    await t.monitor.check();
    t.set({ connected: false, detail: "logged out" });
    await t.monitor.check();
    t.clock.advance(DISCONNECTED_ALERT_AFTER_MS - 1);
    await t.monitor.check();
    expect(t.raised).toEqual([]);
    t.clock.advance(1);
    await t.monitor.check();
    t.clock.advance(60_000);
    await t.monitor.check();
    expect(t.raised).toEqual(["gateway_disconnected"]);
    expect(t.monitor.current()).toMatchObject({ connected: false, detail: "logged out" });
  });

  it("treats an unreachable gateway as disconnected", async () => {
    const t = setup();
    t.set(new Error("connect ECONNREFUSED 127.0.0.1:3000"));
    const state = await t.monitor.check();
    expect(state.connected).toBe(false);
    expect(state.detail).toMatch(/unreachable: connect ECONNREFUSED/);
  });

  it("says when the gateway is back and asks the sender to resume", async () => {
    const t = setup();
    t.set({ connected: false, detail: "logged out" });
    await t.monitor.check();
    t.clock.advance(DISCONNECTED_ALERT_AFTER_MS);
    await t.monitor.check();
    t.set({ connected: true, detail: "logged in" });
    const state = await t.monitor.check();
    expect(state).toMatchObject({ connected: true, since: t.clock.now() });
    expect(t.raised).toEqual(["gateway_disconnected", "gateway_reconnected"]);
    expect(t.recovered()).toBe(1);
  });
});
