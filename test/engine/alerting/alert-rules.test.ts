import { describe, expect, it } from "vitest";
import {
  DEFAULT_ALERT_THRESHOLDS,
  evaluateRules,
  type RuleAlertKind,
} from "../../../src/engine/alerting/alert-rules.js";
import { conditionStep, eventDue } from "../../../src/engine/alerting/alert-state.js";
import type { WindowTotals } from "../../../src/engine/alerting/signal-window.js";

const NOW = Date.UTC(2026, 0, 1, 12);
const MINUTE = 60_000;
const QUIET: WindowTotals = { sendsOk: 0, sendsFailed: 0, requests: 0, serverErrors: 0, latenciesMs: [] };

function holds(
  kind: RuleAlertKind,
  totals: Partial<WindowTotals>,
  gateway = null as Parameters<typeof evaluateRules>[1],
) {
  return evaluateRules({ ...QUIET, ...totals }, gateway, NOW).find((r) => r.kind === kind)?.holds;
}

describe("the plan's alert rules", () => {
  it.each([
    ["19 sends, all failed: too few to judge", 0, 19, false],
    ["20 sends, 2 failed (90%)", 18, 2, true],
    ["20 sends, 1 failed (95%): at the threshold", 19, 1, false],
    ["100 sends, 6 failed (94%)", 94, 6, true],
  ])("send success: %s", (_name, sendsOk, sendsFailed, expected) => {
    expect(holds("send_success_low", { sendsOk, sendsFailed })).toBe(expected);
  });

  it.each([
    ["4 slow replies: too few", [31_000, 31_000, 31_000, 31_000], false],
    ["p95 of 5 replies at 31 s", [1_000, 1_000, 1_000, 1_000, 31_000], true],
    ["p95 exactly 30 s", [1_000, 1_000, 1_000, 1_000, 30_000], false],
    ["one slow reply in 20", [...Array.from({ length: 19 }, () => 2_000), 60_000], false],
    ["two slow replies in 20", [...Array.from({ length: 18 }, () => 2_000), 60_000, 60_000], true],
  ])("reply latency: %s", (_name, latenciesMs, expected) => {
    expect(holds("reply_latency_high", { latenciesMs })).toBe(expected);
  });

  it.each([
    ["19 requests, all 5xx: too few", 19, 19, false],
    ["20 requests, 1 5xx (5%): at the threshold", 20, 1, false],
    ["20 requests, 2 5xx (10%)", 20, 2, true],
  ])("webhook/API errors: %s", (_name, requests, serverErrors, expected) => {
    expect(holds("api_errors_high", { requests, serverErrors })).toBe(expected);
  });

  it.each([
    ["connected", { name: "gowa", connected: true, since: NOW - 60 * MINUTE }, false],
    ["down 4:59", { name: "gowa", connected: false, since: NOW - 5 * MINUTE + 1_000 }, false],
    ["down 5:00", { name: "gowa", connected: false, since: NOW - 5 * MINUTE }, true],
    ["no gateway state", null, false],
  ])("gateway offline: %s", (_name, gateway, expected) => {
    expect(holds("gateway_offline", {}, gateway)).toBe(expected);
  });

  it("says what it measured in the message", () => {
    const [send] = evaluateRules({ ...QUIET, sendsOk: 18, sendsFailed: 2 }, null, NOW, DEFAULT_ALERT_THRESHOLDS);
    expect(send?.message).toBe("Send success 90.0% over the last 15 min (2 of 20 sends failed; threshold 95.0%)");
  });
});

describe("when an alert is delivered", () => {
  const HOUR = 60 * MINUTE;
  it("fires once, repeats at most hourly while it holds, and resolves once", () => {
    expect(conditionStep(undefined, false, NOW)).toBe("none");
    expect(conditionStep(undefined, true, NOW)).toBe("fire");
    expect(conditionStep({ lastSentAt: NOW }, true, NOW + HOUR - 1)).toBe("none");
    expect(conditionStep({ lastSentAt: NOW }, true, NOW + HOUR)).toBe("repeat");
    expect(conditionStep({ lastSentAt: NOW }, false, NOW + 1)).toBe("resolve");
  });

  it("delivers the same one-off alert at most once per repeat interval", () => {
    expect(eventDue(undefined, NOW)).toBe(true);
    expect(eventDue(NOW, NOW + HOUR - 1)).toBe(false);
    expect(eventDue(NOW, NOW + HOUR)).toBe(true);
  });
});
