/**
 * The plan's alert rules over sliding windows, pure: send success, reply
 * latency, webhook/API errors and gateway outage. Each reading says whether
 * the condition holds now, in words an operator reads, with the figures
 * behind it. The thresholds are configurable; the defaults are the plan's.
 * @module
 */
import { percentile, type WindowTotals } from "./signal-window.js";

/** The alerts the rule engine raises and resolves on its own. */
export type RuleAlertKind = "send_success_low" | "reply_latency_high" | "api_errors_high" | "gateway_offline";

/** Every rule's kind, in evaluation order. */
export const RULE_ALERT_KINDS: readonly RuleAlertKind[] = [
  "send_success_low",
  "reply_latency_high",
  "api_errors_high",
  "gateway_offline",
];

/** The thresholds of the rules. */
export interface AlertThresholds {
  /** Length of the sliding window of the rate rules, ms (plan: 15 minutes). */
  readonly windowMs: number;
  /** Send success below this share fires (plan: 0.95). */
  readonly sendSuccessMin: number;
  /** Fewest sends in the window before the send success rule judges (20). */
  readonly sendMinCount: number;
  /** Reply latency p95 above this fires, ms (plan: 30 s). */
  readonly latencyP95MaxMs: number;
  /** Fewest replies in the window before the latency rule judges (5). */
  readonly latencyMinCount: number;
  /** Share of 5xx answers above this fires (plan: 0.05). */
  readonly errorRateMax: number;
  /** Fewest requests in the window before the error rule judges (20). */
  readonly errorMinCount: number;
  /** A gateway disconnected for at least this long fires, ms (plan: 5 minutes). */
  readonly gatewayOfflineMs: number;
}

/** The plan's thresholds (DESIGN.md, monitoring). */
export const DEFAULT_ALERT_THRESHOLDS: AlertThresholds = Object.freeze({
  windowMs: 15 * 60_000,
  sendSuccessMin: 0.95,
  sendMinCount: 20,
  latencyP95MaxMs: 30_000,
  latencyMinCount: 5,
  errorRateMax: 0.05,
  errorMinCount: 20,
  gatewayOfflineMs: 5 * 60_000,
});

/** The gateway as the health monitor last saw it. */
export interface GatewayState {
  readonly name: string;
  readonly connected: boolean;
  /** Since when it has been in this state, epoch ms. */
  readonly since: number;
}

/** One rule's judgement now. */
export interface RuleReading {
  readonly kind: RuleAlertKind;
  readonly holds: boolean;
  /** What an operator reads when it fires (or repeats). */
  readonly message: string;
  /** The figures behind it. */
  readonly detail: Readonly<Record<string, number | string | null>>;
}

/** Judges every rule over one window's totals and the gateway state at `now`. */
export function evaluateRules(
  totals: WindowTotals,
  gateway: GatewayState | null,
  now: number,
  t: AlertThresholds = DEFAULT_ALERT_THRESHOLDS,
): RuleReading[] {
  const minutes = Math.round(t.windowMs / 60_000);
  const sends = totals.sendsOk + totals.sendsFailed;
  const successRate = sends === 0 ? null : totals.sendsOk / sends;
  const p95 = percentile(totals.latenciesMs, 0.95);
  const errorRate = totals.requests === 0 ? null : totals.serverErrors / totals.requests;
  const offlineMs = gateway === null || gateway.connected ? 0 : now - gateway.since;
  return [
    {
      kind: "send_success_low",
      holds: sends >= t.sendMinCount && successRate !== null && successRate < t.sendSuccessMin,
      message: `Send success ${percent(successRate)} over the last ${minutes} min (${totals.sendsFailed} of ${sends} sends failed; threshold ${percent(t.sendSuccessMin)})`,
      detail: { successRate, sends, failed: totals.sendsFailed, threshold: t.sendSuccessMin, windowMinutes: minutes },
    },
    {
      kind: "reply_latency_high",
      holds: totals.latenciesMs.length >= t.latencyMinCount && p95 !== null && p95 > t.latencyP95MaxMs,
      message: `Reply latency p95 ${seconds(p95)} over the last ${minutes} min (${totals.latenciesMs.length} replies; threshold ${seconds(t.latencyP95MaxMs)})`,
      detail: {
        p95Seconds: p95 === null ? null : p95 / 1000,
        replies: totals.latenciesMs.length,
        thresholdSeconds: t.latencyP95MaxMs / 1000,
        windowMinutes: minutes,
      },
    },
    {
      kind: "api_errors_high",
      holds: totals.requests >= t.errorMinCount && errorRate !== null && errorRate > t.errorRateMax,
      message: `Webhook/API errors ${percent(errorRate)} over the last ${minutes} min (${totals.serverErrors} of ${totals.requests} requests answered 5xx; threshold ${percent(t.errorRateMax)})`,
      detail: {
        errorRate,
        requests: totals.requests,
        serverErrors: totals.serverErrors,
        threshold: t.errorRateMax,
        windowMinutes: minutes,
      },
    },
    {
      kind: "gateway_offline",
      holds: gateway !== null && !gateway.connected && offlineMs >= t.gatewayOfflineMs,
      message: `The ${gateway?.name ?? "WhatsApp"} gateway has been disconnected for ${Math.floor(offlineMs / 60_000)} min (threshold ${Math.round(t.gatewayOfflineMs / 60_000)} min)`,
      detail: {
        gateway: gateway?.name ?? null,
        offlineSeconds: Math.floor(offlineMs / 1000),
        thresholdSeconds: t.gatewayOfflineMs / 1000,
      },
    },
  ];
}

function percent(share: number | null): string {
  return share === null ? "n/a" : `${(share * 100).toFixed(1)}%`;
}

function seconds(ms: number | null): string {
  return ms === null ? "n/a" : `${(ms / 1000).toFixed(1)} s`;
}
