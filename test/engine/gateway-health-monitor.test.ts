import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/clock.js";
import type { GatewayHealth, WhatsAppGateway } from "../../src/engine/gateway/whatsapp-gateway.js";
import { GatewayHealthMonitor } from "../../src/engine/gateway-health-monitor.js";

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
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let recovered = 0;
  const monitor = new GatewayHealthMonitor({ gateway, clock, onRecovered: () => recovered++ });
  return {
    monitor,
    clock,
    recovered: () => recovered,
    set: (h: GatewayHealth | Error) => {
      health = h;
    },
  };
}

describe("the gateway health monitor", () => {
  it("keeps since when the state began, for the gateway_offline alert rule", async () => {
    const t = setup();
    await t.monitor.check();
    t.set({ connected: false, detail: "logged out" });
    await t.monitor.check();
    const wentDown = t.clock.now();
    t.clock.advance(60_000);
    await t.monitor.check();
    expect(t.monitor.current()).toEqual({ connected: false, detail: "logged out", since: wentDown });
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
    t.clock.advance(5 * 60_000);
    await t.monitor.check();
    t.set({ connected: true, detail: "logged in" });
    const state = await t.monitor.check();
    expect(state).toMatchObject({ connected: true, since: t.clock.now() });
    expect(t.recovered()).toBe(1);
  });
});
