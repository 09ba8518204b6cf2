/**
 * The engine: intake, the inbox worker and the outbox sender wired together.
 * The server hands it verified, normalised webhook events; the playground also
 * waits here for the replies to a message.
 * @module
 */
import type { Kysely } from "kysely";
import { ArmPolicyCache, type Random } from "../experiments/index.js";
import type { Logger } from "../log.js";
import type { Database, FieldCipher } from "../store/index.js";
import type { Alerts } from "./alerts.js";
import type { Clock } from "./clock.js";
import type { InboundEvent, WhatsAppGateway } from "./gateway/index.js";
import { GroupCommit } from "./group-commit.js";
import type { InboundOutcome } from "./inbound-handler.js";
import { InboxWorker } from "./inbox-worker.js";
import type { InstanceCoordination } from "./instances.js";
import { acceptMessage, applyReceipt, capInboundMessage, type IntakeResult } from "./intake.js";
import type { LlmClient } from "./llm/llm-client.js";
import { LlmComposer } from "./llm-composer.js";
import { EngineMetrics } from "./metrics.js";
import { observeStoreGauges } from "./metrics-gauges.js";
import { queueShopMessage, takeOverChat } from "./operator-actions.js";
import { OutboxSender } from "./outbox-sender.js";
import type { PacingConfig } from "./pacing.js";
import type { PlaybookRuntime } from "./playbook-runtime.js";
import { SettleBoard } from "./settle-board.js";

/** The default webhook age window: a day. */
export const DEFAULT_WEBHOOK_MAX_AGE_MS = 24 * 60 * 60 * 1000;
/** Default cap of inbound text, characters (WhatsApp's own limit for a typed message). */
export const DEFAULT_MAX_MESSAGE_CHARS = 4096;

/** What the engine is built from. */
export interface EngineDeps {
  db: Kysely<Database>;
  cipher: FieldCipher;
  gateway: WhatsAppGateway;
  playbooks: PlaybookRuntime;
  clock: Clock;
  rng: Random;
  pacing: PacingConfig;
  logger: Logger;
  alerts: Alerts;
  handoffMs: number;
  /** When set, replies are rewritten by this LLM within the variant's rules (templates are the fallback). */
  llm?: LlmClient | undefined;
  /** Give up on one LLM answer after this many ms. Default 20 000. */
  llmTimeoutMs?: number;
  /**
   * Inbound messages the gateway says were sent longer ago than this (ms) are acknowledged and
   * dropped (a replay, or a redelivery after a long outage). Default 24 h (`WEBHOOK_MAX_AGE_HOURS`).
   */
  webhookMaxAgeMs?: number;
  /** Purchase probability above which the shop hears about a hot lead (HOT_LEAD_PROBABILITY). */
  hotLeadProbability?: number;
  /** The transcript's budget in an LLM reply prompt, estimated tokens. Default 2000. */
  llmTranscriptTokens?: number;
  /** Many instances on PostgreSQL (see instances.ts); unset on SQLite. */
  coordination?: InstanceCoordination | undefined;
  /** Inbound text longer than this is cut at intake and marked (MAX_MESSAGE_CHARS). Default 4096. */
  maxMessageChars?: number;
  /** The counters to update; default a fresh set (pass one when other parts, like the LLM guard, share it). */
  metrics?: EngineMetrics;
  /** How long after an attempt interrupted by a crash the gateway's history is asked about it (see outbox-sender.ts). */
  reconcileAfterMs?: number;
}

/** What became of an inbound message, once handled and its replies settled. */
export interface HandledMessage {
  inboxId: number;
  outcome: InboundOutcome | null;
  /** Final state of each queued reply: `sent`, `failed`, `held`, or `pending` when still waiting at the timeout. */
  replies: { outboxId: number; status: string }[];
}

/** The running engine. */
export class Engine {
  readonly metrics: EngineMetrics;
  readonly #deps: EngineDeps;
  readonly #worker: InboxWorker;
  readonly #sender: OutboxSender;
  readonly #composer: LlmComposer | null;
  readonly #intake: GroupCommit;
  readonly #processed = new SettleBoard<InboundOutcome | null>();
  readonly #settled = new SettleBoard<string>();

  constructor(deps: EngineDeps) {
    this.#deps = deps;
    this.metrics = deps.metrics ?? new EngineMetrics({ gateway: deps.gateway.name });
    observeStoreGauges(this.metrics, deps.db, deps.playbooks.stageIds);
    const logger = deps.logger;
    this.#intake = new GroupCommit(deps.db);
    this.#worker = new InboxWorker({
      db: deps.db,
      cipher: deps.cipher,
      playbooks: deps.playbooks,
      rng: deps.rng,
      handoffMs: deps.handoffMs,
      llmReplies: deps.llm !== undefined,
      armCache: new ArmPolicyCache(),
      sharedCommits: this.#intake,
      ...(deps.hotLeadProbability === undefined ? {} : { hotLeadProbability: deps.hotLeadProbability }),
      clock: deps.clock,
      logger: logger.child({ module: "inbox-worker" }),
      metrics: this.metrics,
      coordination: deps.coordination,
      onProcessed: (id, outcome) => {
        this.#processed.post(id, outcome);
        if (outcome !== null) this.#noteKind(outcome);
        if (outcome === null || outcome.outboxIds.length === 0) return;
        this.#composer?.kick();
        if (outcome.customerId === null) this.#sender.kick();
        else this.#sender.kickChats([outcome.customerId]);
      },
    });
    this.#composer =
      deps.llm === undefined
        ? null
        : new LlmComposer({
            db: deps.db,
            cipher: deps.cipher,
            llm: deps.llm,
            playbooks: deps.playbooks,
            clock: deps.clock,
            logger: logger.child({ module: "llm-composer" }),
            metrics: this.metrics,
            timeoutMs: deps.llmTimeoutMs ?? 20_000,
            ...(deps.llmTranscriptTokens === undefined ? {} : { transcriptTokens: deps.llmTranscriptTokens }),
            onComposed: () => this.#sender.kick(),
          });
    this.#sender = new OutboxSender({
      db: deps.db,
      cipher: deps.cipher,
      gateway: deps.gateway,
      clock: deps.clock,
      rng: deps.rng,
      pacing: deps.pacing,
      logger: logger.child({ module: "outbox-sender" }),
      alerts: deps.alerts,
      metrics: this.metrics,
      coordination: deps.coordination,
      onSettled: (id, status) => this.#settled.post(id, status),
      sharedCommits: this.#intake,
      ...(deps.reconcileAfterMs === undefined ? {} : { reconcileAfterMs: deps.reconcileAfterMs }),
    });
  }

  /** Counts the message's kind and tells the shop about a catalog order (after the commit, so once). */
  #noteKind(outcome: InboundOutcome): void {
    this.metrics.countKind(outcome.kind, outcome.systemType);
    for (const alert of outcome.alerts ?? []) this.#deps.alerts.raise(alert.kind, alert.message, alert.detail);
    if (outcome.order === null) return;
    const { itemCount, total } = outcome.order;
    this.#deps.alerts.raise(
      "order_received",
      `Catalog order received: ${itemCount} item(s)${total === null ? "" : `, ${total}`}; confirm payment with the customer.`,
      { customerId: outcome.customerId, itemCount, total },
    );
  }

  /**
   * Runs `work` in the next transaction shared with intake and message handling (one disk sync
   * with the messages in hand); resolves after its commit. For small writes that need not sync alone.
   */
  runShared<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return this.#intake.run(work);
  }

  /** The gateway in use. */
  get gateway(): WhatsAppGateway {
    return this.#deps.gateway;
  }

  /**
   * Starts the worker and the composer now, and the sender once it has reconciled the sends a
   * crash interrupted (see `OutboxSender.start`); pending rows left by a crash are handled now.
   * @returns resolves once the sender runs (never rejects).
   */
  start(): Promise<void> {
    this.#worker.start();
    this.#composer?.start();
    return this.#sender.start();
  }

  /** Finishes the message in hand and the sends in hand, then stops. */
  async stop(): Promise<void> {
    await this.#worker.stop();
    await this.#composer?.stop();
    await this.#sender.stop();
    await this.#deps.coordination?.releaseAll().catch(() => undefined);
  }

  /**
   * Takes verified, normalised webhook events: messages go to the inbox (persisted
   * before this resolves), receipts update statuses. Resolves with the intake
   * result of each message.
   */
  async receive(events: readonly InboundEvent[]): Promise<IntakeResult[]> {
    const { db, cipher, clock } = this.#deps;
    const results: IntakeResult[] = [];
    for (const event of events) {
      if (event.kind === "receipt") {
        await applyReceipt(db, cipher, event);
        continue;
      }
      const now = clock.now();
      if (now - event.sentAt > (this.#deps.webhookMaxAgeMs ?? DEFAULT_WEBHOOK_MAX_AGE_MS)) {
        this.metrics.inboundTooOld++;
        results.push({ inboxId: -1, accepted: false, result: "too_old" });
        continue;
      }
      const message = capInboundMessage(event, this.#deps.maxMessageChars ?? DEFAULT_MAX_MESSAGE_CHARS);
      if (message !== event && message.truncatedFrom !== undefined) this.metrics.inboundTruncated++;
      // Persisted in a transaction shared with the webhooks that arrive alongside (group commit).
      const result = await this.#intake.run((trx) => acceptMessage(trx, cipher, message, now));
      if (result.result === "accepted") this.metrics.inboundAccepted++;
      else if (result.result === "forgotten") this.metrics.inboundForgotten++;
      else this.metrics.inboundDuplicates++;
      results.push(result);
    }
    if (results.some((r) => r.accepted)) this.#worker.kick();
    return results;
  }

  /** Waits until an inbox row is handled and its replies are settled (or `timeoutMs` passes). */
  async waitFor(inboxId: number, timeoutMs: number): Promise<HandledMessage> {
    const deadline = Date.now() + timeoutMs;
    const outcome = await this.#processed.wait(inboxId, timeoutMs);
    const replies: HandledMessage["replies"] = [];
    for (const outboxId of outcome?.outboxIds ?? []) {
      const status = await this.#settled.wait(outboxId, Math.max(0, deadline - Date.now()));
      replies.push({ outboxId, status: status ?? "pending" });
    }
    return { inboxId, outcome, replies };
  }

  /**
   * Sends a message written by a person as the shop: takes the chat over (the bot goes
   * silent), queues the message in the outbox and asks the sender for a pass.
   * @returns the outbox id, to wait for with the sender's usual guarantees.
   * @throws CloserError `bad_request` (empty or too long), `customer_unknown`.
   */
  async sendAsShop(customerId: string, text: string, actor: string): Promise<number> {
    const { db, cipher, clock, handoffMs } = this.#deps;
    const now = clock.now();
    const outboxId = await db
      .transaction()
      .execute((trx) => queueShopMessage(trx, cipher, customerId, text, handoffMs, { actor, now }));
    this.#sender.kick();
    return outboxId;
  }

  /** Takes a chat over for the configured handoff time (the bot goes silent there). */
  async takeOver(customerId: string, actor: string): Promise<{ handoffUntil: number }> {
    const { db, clock, handoffMs } = this.#deps;
    const now = clock.now();
    return db.transaction().execute((trx) => takeOverChat(trx, customerId, handoffMs, { actor, now }));
  }

  /** Asks the sender for a pass now (after `closer customers resume`, …). */
  kickSender(): void {
    this.#sender.kick();
  }

  /**
   * The gateway is healthy again: replies waiting out a backoff after a failed attempt are
   * retried now instead of minutes later. Never throws (failures are logged).
   */
  async gatewayRecovered(): Promise<void> {
    try {
      const n = await this.#sender.retryWaitingNow();
      if (n > 0) this.#deps.logger.info({ replies: n }, "gateway recovered; retrying waiting replies now");
    } catch (error) {
      this.#deps.logger.error({ err: error }, "could not retry waiting replies");
    }
  }
}
