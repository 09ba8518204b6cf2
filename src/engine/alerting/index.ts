/**
 * @module
 * Alerting: the plan's alert rules over sliding windows (pure), when an alert
 * fires, repeats and resolves (pure), delivery to the log and the alert
 * webhook, and the service that ties them to the store.
 */
export type { AlertNotice, WebhookDelivery, WebhookDeliveryOptions } from "./alert-delivery.js";
export { ALERT_TIMEOUT_MS, ALERT_WEBHOOK_RETRY_DELAYS_MS, createWebhookDelivery } from "./alert-delivery.js";
export type { AlertThresholds, GatewayState, RuleAlertKind, RuleReading } from "./alert-rules.js";
export { DEFAULT_ALERT_THRESHOLDS, evaluateRules, RULE_ALERT_KINDS } from "./alert-rules.js";
export type { AlertServiceDeps, AlertSignals, RuleTransition } from "./alert-service.js";
export { ALERT_EVALUATE_INTERVAL_MS, AlertService } from "./alert-service.js";
export type { ActiveCondition, ConditionStep } from "./alert-state.js";
export { conditionStep, DEFAULT_ALERT_REPEAT_MS, eventDue } from "./alert-state.js";
export type { SignalBucket, SignalCounts, WindowTotals } from "./signal-window.js";
export { bucketBetween, percentile, pruneBuckets, windowTotals, ZERO_COUNTS } from "./signal-window.js";
