/**
 * The alert service: the engine's `Alerts` (one-off alerts raised by code,
 * delivered at most once an hour per kind and message) and the rule engine
 * (the plan's conditions over sliding windows, evaluated on an interval: fire
 * once, repeat at most hourly while they hold, "resolved" when they clear).
 * Every delivery goes to the log, the store (`closer alerts`, the dashboard)
 * and, when configured, the alert webhook. Text is masked before it leaves:
 * phone numbers show their last four digits only.
 * @module
 */
import type { Kysely } from "kysely";
import { type Logger, maskPhonesDeep, maskPhonesInText } from "../../log.js";
import { type Database, insertAlert, listAlerts, updateAlert } from "../../store/index.js";
import type { AlertKind, Alerts } from "../alerts.js";
import type { Clock } from "../clock.js";
import { type AlertNotice, createWebhookDelivery, logNotice, type WebhookDelivery } from "./alert-delivery.js";
import {
  type AlertThresholds,
  DEFAULT_ALERT_THRESHOLDS,
  evaluateRules,
  type GatewayState,
  type RuleAlertKind,
} from "./alert-rules.js";
import { type ConditionStep, conditionStep, DEFAULT_ALERT_REPEAT_MS, eventDue } from "./alert-state.js";
import {
  bucketBetween,
  pruneBuckets,
  type SignalBucket,
  type SignalCounts,
  windowTotals,
  ZERO_COUNTS,
} from "./signal-window.js";

/** One-off alert keys remembered before the expired ones are dropped. */
const EVENT_KEYS_PRUNE_AT = 1_000;

/** Default interval between two rule evaluations, ms. */
export const ALERT_EVALUATE_INTERVAL_MS = 30_000;

/** Where the rules read the engine's counters (an `EngineMetrics`). */
export interface AlertSignals {
  snapshot(): SignalCounts;
  /** Reply latencies (ms) recorded since the last call. */
  takeLatencies(): number[];
}

/** What the alert service is built from. */
export interface AlertServiceDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  thresholds?: AlertThresholds;
  /** Least time between two deliveries of one alert, ms. Default an hour. */
  repeatMs?: number;
  /** POST every delivery here as JSON (retried). */
  webhookUrl?: string | undefined;
  /** Waits between webhook attempts, ms (tests shorten them). */
  webhookRetryDelaysMs?: readonly number[];
}

/** Runs a write in a transaction shared with other work (the engine's group commit): one disk sync for all. */
export type SharedWrite = <T>(work: (trx: Kysely<Database>) => Promise<T>) => Promise<T>;

/** What one evaluation did to one rule. */
export interface RuleTransition {
  kind: RuleAlertKind;
  step: ConditionStep;
}

interface ActiveAlert {
  id: number;
  firedAt: number;
  lastSentAt: number;
  deliveries: number;
}

/** Raises, evaluates, delivers and stores alerts. */
export class AlertService implements Alerts {
  readonly #deps: AlertServiceDeps;
  readonly #thresholds: AlertThresholds;
  readonly #repeatMs: number;
  readonly #webhook: WebhookDelivery | null;
  readonly #active = new Map<string, ActiveAlert>();
  readonly #eventsSentAt = new Map<string, number>();
  readonly #deliveries = new Set<Promise<unknown>>();
  readonly #writes = new Set<Promise<unknown>>();
  #sharedWrite: SharedWrite | null = null;
  #signals: AlertSignals | null = null;
  #gateway: (() => GatewayState) | null = null;
  #lastCounts: SignalCounts = ZERO_COUNTS;
  #buckets: SignalBucket[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;

  constructor(deps: AlertServiceDeps) {
    this.#deps = deps;
    this.#thresholds = deps.thresholds ?? DEFAULT_ALERT_THRESHOLDS;
    this.#repeatMs = deps.repeatMs ?? DEFAULT_ALERT_REPEAT_MS;
    this.#webhook =
      deps.webhookUrl === undefined
        ? null
        : createWebhookDelivery({
            url: deps.webhookUrl,
            logger: deps.logger,
            retryDelaysMs: deps.webhookRetryDelaysMs,
          });
  }

  /** Gives the rules their inputs: the engine's counters and the gateway's state. */
  watch(signals: AlertSignals, gateway?: () => GatewayState): void {
    this.#signals = signals;
    this.#lastCounts = signals.snapshot();
    this.#gateway = gateway ?? null;
  }

  /**
   * Stores one-off alerts through `write` (the engine's group commit) from now on, instead of one
   * transaction (one disk sync) each: a hot lead is raised for many messages under load.
   */
  shareCommits(write: SharedWrite): void {
    this.#sharedWrite = write;
  }

  /** Reads the conditions still active in the store (after a restart they resolve or repeat, not fire again). */
  async load(): Promise<void> {
    await this.#serial(async () => {
      const { db, clock } = this.#deps;
      for (const a of await listAlerts(db, { activeOnly: true, limit: 1_000 })) {
        this.#active.set(a.key, { id: a.id, firedAt: a.firedAt, lastSentAt: a.lastSentAt, deliveries: a.deliveries });
      }
      for (const a of await listAlerts(db, { sinceMs: clock.now() - this.#repeatMs, limit: 1_000 })) {
        if (a.status === "event" && !this.#eventsSentAt.has(a.key)) this.#eventsSentAt.set(a.key, a.lastSentAt);
      }
    });
  }

  /** Raises a one-off alert; the same kind and message is delivered at most once per repeat interval. */
  raise(kind: AlertKind, message: string, detail: Record<string, unknown> = {}): void {
    const now = this.#deps.clock.now();
    const text = maskPhonesInText(message);
    const key = `${kind}:${text}`;
    if (!eventDue(this.#eventsSentAt.get(key), now, this.#repeatMs)) return;
    this.#forgetOldEvents(now);
    this.#eventsSentAt.set(key, now);
    const masked = maskPhonesDeep(detail) as Record<string, unknown>;
    this.#send({ alert: kind, status: "firing", repeat: false, oneOff: true, message: text, detail: masked }, now, now);
    const row = {
      kind,
      alert_key: key,
      status: "event",
      message: text,
      detail_json: JSON.stringify(masked),
      fired_at: now,
      last_sent_at: now,
      deliveries: 1,
      resolved_at: null,
    } as const;
    const shared = this.#sharedWrite;
    if (shared === null) {
      void this.#serial(() => insertAlert(this.#deps.db, row));
      return;
    }
    const write = shared((trx) => insertAlert(trx, row))
      .catch((error: unknown) => this.#deps.logger.error({ err: error }, "alert store write failed"))
      .finally(() => this.#writes.delete(write));
    this.#writes.add(write);
  }

  /** Takes the counters, judges every rule at the clock's time, and delivers what changed. */
  async evaluate(): Promise<RuleTransition[]> {
    return this.#serial(async () => {
      const now = this.#deps.clock.now();
      if (this.#signals !== null) {
        const counts = this.#signals.snapshot();
        this.#buckets.push(bucketBetween(this.#lastCounts, counts, this.#signals.takeLatencies(), now));
        this.#buckets = pruneBuckets(this.#buckets, now, this.#thresholds.windowMs);
        this.#lastCounts = counts;
      }
      const totals = windowTotals(this.#buckets, now, this.#thresholds.windowMs);
      const readings = evaluateRules(totals, this.#gateway?.() ?? null, now, this.#thresholds);
      const transitions: RuleTransition[] = [];
      for (const reading of readings) {
        const active = this.#active.get(reading.kind);
        const step = conditionStep(active, reading.holds, now, this.#repeatMs);
        if (step !== "none") await this.#apply(step, reading, active, now);
        transitions.push({ kind: reading.kind, step });
      }
      return transitions;
    });
  }

  /** Evaluates now and then every `intervalMs`. */
  start(intervalMs: number = ALERT_EVALUATE_INTERVAL_MS): void {
    const tick = () => void this.evaluate().catch((e) => this.#deps.logger.error({ err: e }, "alert rules failed"));
    tick();
    this.#timer = setInterval(tick, intervalMs);
    this.#timer.unref();
  }

  /** Stops evaluating, gives up waiting webhook retries, and waits for the store writes. */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#webhook?.close();
    await this.settled();
  }

  /** Resolves once every store write and webhook delivery started so far has finished. */
  async settled(): Promise<void> {
    await this.#queue;
    await Promise.all([...this.#writes, ...this.#deliveries]);
  }

  async #apply(
    step: Exclude<ConditionStep, "none">,
    reading: { kind: RuleAlertKind; message: string; detail: Record<string, unknown> },
    active: ActiveAlert | undefined,
    now: number,
  ): Promise<void> {
    const { db } = this.#deps;
    const detail = maskPhonesDeep(reading.detail) as Record<string, unknown>;
    const message = maskPhonesInText(reading.message);
    if (step === "fire") {
      const id = await insertAlert(db, {
        kind: reading.kind,
        alert_key: reading.kind,
        status: "active",
        message,
        detail_json: JSON.stringify(detail),
        fired_at: now,
        last_sent_at: now,
        deliveries: 1,
        resolved_at: null,
      });
      this.#active.set(reading.kind, { id, firedAt: now, lastSentAt: now, deliveries: 1 });
      this.#send({ alert: reading.kind, status: "firing", repeat: false, oneOff: false, message, detail }, now, now);
      return;
    }
    if (active === undefined) return;
    if (step === "repeat") {
      const next = { ...active, lastSentAt: now, deliveries: active.deliveries + 1 };
      this.#active.set(reading.kind, next);
      await updateAlert(db, active.id, {
        message,
        detail_json: JSON.stringify(detail),
        last_sent_at: now,
        deliveries: next.deliveries,
      });
      this.#send(
        { alert: reading.kind, status: "firing", repeat: true, oneOff: false, message, detail },
        now,
        active.firedAt,
      );
      return;
    }
    this.#active.delete(reading.kind);
    await updateAlert(db, active.id, { status: "resolved", resolved_at: now });
    this.#send(
      {
        alert: reading.kind,
        status: "resolved",
        repeat: false,
        oneOff: false,
        message: resolvedText(reading.kind),
        detail,
      },
      now,
      active.firedAt,
    );
  }

  /** Drops the one-off alerts whose repeat interval has passed, so the map stays small. */
  #forgetOldEvents(now: number): void {
    if (this.#eventsSentAt.size < EVENT_KEYS_PRUNE_AT) return;
    for (const [key, at] of this.#eventsSentAt) {
      if (eventDue(at, now, this.#repeatMs)) this.#eventsSentAt.delete(key);
    }
  }

  #send(notice: Omit<AlertNotice, "at" | "since">, now: number, since: number): void {
    const full: AlertNotice = { ...notice, at: new Date(now).toISOString(), since: new Date(since).toISOString() };
    logNotice(this.#deps.logger, full);
    if (this.#webhook === null) return;
    const delivery = this.#webhook.deliver(full).finally(() => this.#deliveries.delete(delivery));
    this.#deliveries.add(delivery);
  }

  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(op);
    this.#queue = run.catch((error: unknown) => this.#deps.logger.error({ err: error }, "alert store write failed"));
    return run;
  }
}

function resolvedText(kind: RuleAlertKind): string {
  switch (kind) {
    case "send_success_low":
      return "Send success is back above the threshold";
    case "reply_latency_high":
      return "Reply latency is back under the threshold";
    case "api_errors_high":
      return "Webhook/API errors are back under the threshold";
    case "gateway_offline":
      return "The gateway is connected again";
  }
}
