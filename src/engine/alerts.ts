/**
 * Alerts: problems an operator must see (gateway down, number paused, LLM
 * failing or over its daily budget). Code raises one-off alerts through this
 * port; `alerting/alert-service.ts` is the implementation (log, store,
 * `ALERT_WEBHOOK_URL`), which also runs the rules.
 * @module
 */

/** Kinds of alert. */
export type AlertKind =
  | "gateway_disconnected"
  | "gateway_reconnected"
  | "number_paused"
  | "send_failures"
  | "llm_circuit_open"
  | "llm_budget_reached"
  /** A customer sent a catalog order: the shop confirms payment (the customer is in `closing`). */
  | "order_received"
  /** A customer asked for a person, complained, or is angry at the bot: a handoff started. */
  | "human_requested"
  /** A customer is ready to buy (closing reached, an order, "how do I pay", a high purchase probability). */
  | "hot_lead";

/** Raises alerts. */
export interface Alerts {
  /**
   * Raises a one-off alert. `message` and `detail` must hold no message text; phone numbers in them are
   * masked to their last four digits before they are stored or sent. Never throws.
   */
  raise(kind: AlertKind, message: string, detail?: Record<string, unknown>): void;
}
