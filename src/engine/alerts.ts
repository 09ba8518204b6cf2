/**
 * Alerts: problems an operator must see (gateway down, number paused, LLM
 * failing or over its daily budget). Always
 * logged at warn; also POSTed as JSON to ALERT_WEBHOOK_URL when configured.
 * @module
 */
import type { Logger } from "../log.js";

/** Kinds of alert. */
export type AlertKind =
  | "gateway_disconnected"
  | "gateway_reconnected"
  | "number_paused"
  | "send_failures"
  | "llm_circuit_open"
  | "llm_budget_reached"
  /** A customer sent a catalog order: the shop confirms payment (the customer is in `closing`). */
  | "order_received";

/** Raises alerts. */
export interface Alerts {
  raise(kind: AlertKind, message: string, detail?: Record<string, unknown>): void;
}

/** Alert delivery timeout, ms. */
export const ALERT_TIMEOUT_MS = 5_000;

/** Alerts to the log and, when `webhookUrl` is set, to that URL (best effort, never throws). */
export function createAlerts(logger: Logger, webhookUrl?: string): Alerts {
  return {
    raise(kind, message, detail = {}) {
      logger.warn({ alert: kind, ...detail }, message);
      if (webhookUrl === undefined) return;
      fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ alert: kind, message, detail, at: new Date().toISOString() }),
        signal: AbortSignal.timeout(ALERT_TIMEOUT_MS),
      }).catch((error: unknown) => logger.warn({ err: String(error) }, "alert webhook failed"));
    },
  };
}
