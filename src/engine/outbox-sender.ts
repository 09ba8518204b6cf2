/**
 * The outbox sender: delivers queued replies through the gateway, per chat in
 * order, with human pacing, rate limits, quiet hours, retries and pauses. A
 * reply survives a restart (it stays in the outbox until sent) and is sent
 * once: each attempt is committed as `sending` (the text's hash and the
 * attempt time) before the gateway is called, and a row found `sending` after
 * a crash is first looked up in the gateway's chat history (GOWA, WAHA) and
 * recorded as sent when it is there; only then is it sent again. The Cloud API
 * keeps no history: there a crash between its answer and our commit (a few
 * milliseconds, the commit being in the store's priority lane) repeats the reply.
 * @module
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import type { Random } from "../experiments/index.js";
import { type Logger, maskPhone } from "../log.js";
import {
  CUSTOMER_AAD,
  type Database,
  type FieldCipher,
  findCustomerById,
  findOutboundByGatewayId,
  followUpOfOutbox,
  gatewayIdIndex,
  getSetting,
  MESSAGE_TEXT_AAD,
  messageTextEnc,
  OUTBOX_REPLY_TO_AAD,
  type OutboxRow,
  openOutboxHead,
  openOutboxRows,
  putSetting,
  sendingOutboxRows,
  setMessageStatus,
  settleFollowUpOfOutbox,
  startOutboxSend,
  takeBufferedAcks,
  updateOutbox,
} from "../store/index.js";
import type { Alerts } from "./alerts.js";
import { ChatGaps } from "./chat-gaps.js";
import type { Clock } from "./clock.js";
import { parseProfile } from "./customer-profile.js";
import type { SendResult, WhatsAppGateway } from "./gateway/index.js";
import { GatewayError } from "./gateway/index.js";
import { GroupCommit } from "./group-commit.js";
import type { InstanceCoordination, PacingWindow } from "./instances.js";
import type { EngineMetrics } from "./metrics.js";
import { type PacingConfig, quietHoursEnd, retryDelayMs, seenDelayMs, typingDelayMs } from "./pacing.js";
import { RepeatingPass } from "./repeating-pass.js";
import { type SendReservation, SendWindow } from "./send-window.js";

/** After this many failed attempts a retryable send is given up as failed. */
export const MAX_SEND_ATTEMPTS = 12;
/** How long a number pauses after WhatsApp's reach-out timelock (GOWA 429 / error 463). */
export const REACHOUT_PAUSE_MS = 60 * 60_000;
/** How long the number pauses after a plain 429 without Retry-After. */
export const RATE_LIMIT_PAUSE_MS = 60_000;
/** Tries to record a reply the gateway accepted, before giving up (the row would then be sent again). */
export const RECORD_SENT_ATTEMPTS = 5;
/** Pause between those tries, ms (times the attempt number). */
const RECORD_SENT_RETRY_MS = 200;
/** How long a reply waits when the gateway is logged out or refuses our credentials. */
export const AUTH_PROBLEM_RETRY_MS = 5 * 60_000;
/** The Cloud API's customer-service window. */
export const CLOUD_SERVICE_WINDOW_MS = 24 * 3_600_000;
/** Setting key of the number's pause. */
export const PAUSED_UNTIL_KEY = "sender.paused_until";
/** Rows the sender looks at per pass. */
const SCAN_LIMIT = 500;
/**
 * Default of `reconcileAfterMs`: how long after an interrupted attempt began the gateway's
 * history is asked about it. A send still in flight at the crash (a slow gateway) may appear in
 * the history only when WhatsApp acknowledges it; asking earlier would send it twice.
 */
export const RECONCILE_AFTER_MS = 15_000;
/** Clock difference between Closer and the gateway tolerated when matching the history. */
const HISTORY_CLOCK_SKEW_MS = 2_000;

/** A Cloud API template message as a follow-up names it. */
interface CloudTemplateMessage {
  name: string;
  language: string;
  parameters: string[];
}

/** What the sender needs. */
export interface OutboxSenderDeps {
  db: Kysely<Database>;
  cipher: FieldCipher;
  gateway: WhatsAppGateway;
  clock: Clock;
  rng: Random;
  pacing: PacingConfig;
  logger: Logger;
  alerts: Alerts;
  metrics: EngineMetrics;
  /**
   * Many instances on PostgreSQL: only outbox heads claimed by this instance are sent, the pacing
   * window is shared, and the number's pause is re-read every pass. Unset: one instance.
   */
  coordination?: InstanceCoordination | undefined;
  /** Called when a row reaches a final state (sent, failed, held). */
  onSettled?: (outboxId: number, status: string) => void;
  /** See `RECONCILE_AFTER_MS` (its default). */
  reconcileAfterMs?: number;
  /** Intake's group commit: the sender's records and intake's rows share transactions (one disk sync). */
  sharedCommits?: GroupCommit | undefined;
}

/** The SHA-256 (hex) of a reply's text, kept with a `sending` row to recognise it in the gateway's history. */
export function sendHash(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** Sends the outbox. `start()` begins polling; `kick()` asks for a pass now; `stop()` waits for sends in hand. */
export class OutboxSender {
  readonly #deps: OutboxSenderDeps;
  /** Sends that finish together are recorded in one transaction. */
  readonly #commits: GroupCommit;
  readonly #inFlight = new Map<string, Promise<void>>();
  readonly #window: PacingWindow;
  readonly #chatGaps: ChatGaps;
  readonly #abort = new AbortController();
  readonly #loop: RepeatingPass;
  /** Until when WhatsApp asked us to stop sending (epoch ms), once read from the store. */
  #pausedUntil: number | null = null;
  #wakeTimer: NodeJS.Timeout | undefined;
  /** The recovery at start, while it runs. */
  #recovering: Promise<void> = Promise.resolve();
  /** False until recovery has finished: nothing is sent before. */
  #started = false;
  /** Chats whose queue changed since the last pass (a reply queued, a send finished). */
  readonly #changedChats = new Set<string>();
  /**
   * True when the next pass reads every chat's queue head: the poll, a wake-up, a kick that names
   * no chat. Otherwise a pass reads only the changed chats' heads (one instance; many instances
   * always claim from the whole outbox).
   */
  #scanAll = true;

  constructor(deps: OutboxSenderDeps) {
    this.#deps = deps;
    this.#window = deps.coordination?.window ?? new SendWindow();
    this.#chatGaps = new ChatGaps(deps.pacing.minGapPerChatMs);
    // The priority lane: recording a gateway's answer never waits behind intake or message handling.
    this.#commits = new GroupCommit(deps.db, { priority: true, sharing: deps.sharedCommits });
    this.#loop = new RepeatingPass(
      () => this.#pass(),
      (error) => deps.logger.error({ err: error }, "outbox pass failed"),
    );
  }

  /**
   * Recovers first: every row a crash left `sending` is reconciled with the gateway's history
   * (recorded as sent, made due to send again, or left to be asked again later). Then starts a
   * safety poll (every `pollMs`) and a first pass. Resolves once the poll runs; never throws.
   */
  async start(pollMs = 1_000): Promise<void> {
    this.#recovering = this.#recover();
    try {
      await this.#recovering;
    } catch (error) {
      // The rows stay `sending`; each pass reconciles them before anything in their chat is sent.
      this.#deps.logger.error({ err: error }, "outbox recovery failed; the sender reconciles row by row");
    }
    if (this.#abort.signal.aborted) return;
    this.#started = true;
    this.#loop.start(pollMs, () => {
      this.#scanAll = true;
    });
  }

  /** Reconciles every `sending` row (one per chat: a chat's head), each chat concurrently. */
  async #recover(): Promise<void> {
    // Many instances: another live instance's sends in flight are `sending` too; only rows this
    // instance claims (a crashed one's, once its lease expired) are reconciled, pass by pass.
    if (this.#deps.coordination !== undefined) return;
    const rows = await sendingOutboxRows(this.#deps.db);
    if (rows.length === 0) return;
    this.#deps.logger.info({ replies: rows.length }, "reconciling replies interrupted during a send");
    const chats = new Map<string, OutboxRow>();
    for (const row of rows) if (!chats.has(row.customer_id)) chats.set(row.customer_id, row);
    await Promise.all(
      [...chats.values()].map((row) =>
        this.#deliver(row, { reconcileOnly: true }).catch((error: unknown) =>
          this.#deps.logger.error({ err: error, outboxId: row.id }, "reconciling a reply failed"),
        ),
      ),
    );
  }

  /** Asks for a pass over every chat as soon as possible (once started: before, the first pass follows recovery). */
  kick(): void {
    this.#scanAll = true;
    if (this.#started) this.#loop.kick();
  }

  /**
   * Asks for a pass over these chats as soon as possible: replies were queued there. Cheaper than
   * {@link kick} (the other chats' heads are not read again); the poll still reads them all.
   */
  kickChats(customerIds: Iterable<string>): void {
    for (const id of customerIds) this.#changedChats.add(id);
    if (this.#started) this.#loop.kick();
  }

  /**
   * Makes every reply that is waiting after a failed attempt (gateway unreachable, logged out,
   * 5xx) due now and runs a pass: called when the gateway is healthy again, so those replies do
   * not sit out the rest of their backoff. A paused number stays paused (the pass checks it).
   * @returns how many replies were made due.
   */
  async retryWaitingNow(): Promise<number> {
    if (this.#loop.stopped) return 0;
    const now = this.#deps.clock.now();
    const result = await this.#deps.db
      .updateTable("outbox")
      .set({ next_attempt_at: now })
      .where("status", "in", ["pending", "sending"])
      .where("next_attempt_at", ">", now)
      .where("last_error", "is not", null)
      .executeTakeFirst();
    this.kick();
    return Number(result.numUpdatedRows);
  }

  /** Chats whose least gap between two sends is still running (bounded: older ones are forgotten). */
  get chatsInGap(): number {
    return this.#chatGaps.size;
  }

  /** Stops taking new rows and waits for the sends in hand (pacing waits are cut short). */
  async stop(): Promise<void> {
    this.#abort.abort();
    const stopping = this.#loop.stop();
    clearTimeout(this.#wakeTimer);
    await this.#recovering.catch(() => undefined);
    await stopping;
    await Promise.allSettled([...this.#inFlight.values()]);
  }

  async #pass(): Promise<void> {
    const { db, clock } = this.#deps;
    const now = clock.now();
    // Read once (it survives restarts in the store); this sender is its only writer, unless instances share it.
    if (this.#deps.coordination !== undefined) this.#pausedUntil = null;
    this.#pausedUntil ??= Number((await getSetting(db, PAUSED_UNTIL_KEY)) ?? 0);
    const pausedUntil = this.#pausedUntil;
    // The wake-up kicks a pass over every chat.
    if (pausedUntil > now) return this.#wakeAt(pausedUntil);
    const scanAll = this.#scanAll || this.#deps.coordination !== undefined;
    this.#scanAll = false;
    const changed = [...this.#changedChats];
    this.#changedChats.clear();
    let rows: OutboxRow[];
    try {
      rows = scanAll
        ? await (this.#deps.coordination?.claimOutbox(SCAN_LIMIT) ?? openOutboxRows(db, SCAN_LIMIT))
        : await this.#headsOf(changed);
    } catch (error) {
      // Nothing may be forgotten: the next pass (a kick or the poll) reads every chat.
      this.#scanAll = true;
      throw error;
    }
    const chatsSeen = new Set<string>();
    let earliest = Number.POSITIVE_INFINITY;
    for (const row of rows) {
      if (chatsSeen.has(row.customer_id)) continue;
      chatsSeen.add(row.customer_id);
      if (this.#inFlight.has(row.customer_id)) continue;
      // The LLM composer is still writing this reply; it kicks the sender when done.
      if (row.status === "composing") continue;
      if (row.next_attempt_at > now) {
        earliest = Math.min(earliest, row.next_attempt_at);
        continue;
      }
      const task = this.#deliver(row)
        .catch((error: unknown) =>
          this.#deps.logger.error({ err: error, outboxId: row.id }, "send failed unexpectedly"),
        )
        .finally(() => {
          this.#inFlight.delete(row.customer_id);
          // The chat's next reply, if any, is its new head (queued before this send or during it).
          this.kickChats([row.customer_id]);
        });
      this.#inFlight.set(row.customer_id, task);
    }
    if (Number.isFinite(earliest)) this.#wakeAt(earliest);
  }

  /** The queue heads of these chats; a chat with a send in flight is looked at again when it ends. */
  async #headsOf(chats: readonly string[]): Promise<OutboxRow[]> {
    const rows: OutboxRow[] = [];
    for (const chat of chats) {
      if (this.#inFlight.has(chat)) continue;
      const head = await openOutboxHead(this.#deps.db, chat);
      if (head !== undefined) rows.push(head);
    }
    return rows;
  }

  #wakeAt(at: number): void {
    clearTimeout(this.#wakeTimer);
    this.#wakeTimer = setTimeout(() => this.kick(), Math.max(0, at - this.#deps.clock.now()) + 5);
    this.#wakeTimer.unref();
  }

  async #deliver(row: OutboxRow, { reconcileOnly = false } = {}): Promise<void> {
    const { db, cipher, clock, gateway, pacing } = this.#deps;
    const id = Number(row.id);
    const customer = await findCustomerById(db, row.customer_id);
    if (customer === undefined) return this.#settle(row, "failed", "customer was deleted");
    if (row.status === "sending") {
      // Interrupted during a send: whether it went out is found out before anything else.
      const to = cipher.decrypt(customer.phone_enc, CUSTOMER_AAD.phone(customer.id));
      const found = await this.#reconcile(row, to);
      if (found !== "resend") return;
    }
    if (reconcileOnly) return;
    const now = clock.now();
    const silenced = silencedBecause(row, customer, now);
    if (silenced !== null) return this.#settle(row, "held", silenced);
    if (customer.last_inbound_at === null) return this.#settle(row, "failed", "the customer never wrote first");
    // Outside the Cloud API's window only an approved template message may go: a follow-up that names one.
    let template: CloudTemplateMessage | null = null;
    if (gateway.name === "cloud" && now - customer.last_inbound_at > CLOUD_SERVICE_WINDOW_MS) {
      template = row.kind === "follow_up" ? await this.#cloudTemplateOf(id) : null;
      if (template === null || gateway.sendTemplate === undefined) {
        return this.#settle(row, "failed", "outside the Cloud API 24-hour customer-service window (needs a template)");
      }
    }
    let reserved: SendReservation | null = null;
    if (pacing.mode === "human") {
      const fresh = row.in_reply_to_at !== null && now - row.in_reply_to_at <= pacing.freshReplyMs;
      const profile = parseProfile(cipher.decryptJson(customer.profile_enc, CUSTOMER_AAD.profile(customer.id)));
      const quietEnd = fresh ? null : quietHoursEnd(now, profile.timeZone, pacing);
      if (quietEnd !== null) return this.#defer(id, quietEnd);
      // Chats are delivered concurrently: the admitted send counts at once, so the others see it.
      const admitted = await this.#window.admit(now, pacing);
      if ("notBefore" in admitted) return this.#defer(id, admitted.notBefore);
      reserved = admitted;
    }

    const to = cipher.decrypt(customer.phone_enc, CUSTOMER_AAD.phone(customer.id));
    const textEnc = await messageTextEnc(db, row.message_id);
    if (textEnc === undefined) throw new Error(`message ${row.message_id} of outbox row ${id} is gone`);
    const text = cipher.decrypt(textEnc, MESSAGE_TEXT_AAD(customer.id));
    let result: SendResult;
    try {
      if (pacing.mode === "human") {
        await this.#actHuman(to, row, text);
        // The customer may have written STOP, or a person may have taken the chat, while we "typed".
        const latest = await findCustomerById(db, row.customer_id);
        const reason = latest === undefined ? "customer was deleted" : silencedBecause(row, latest, clock.now());
        if (reason !== null) {
          await this.#window.release(reserved);
          return await this.#settle(row, "held", reason);
        }
      }
      // In its own commit before the call: a crash from here on leaves a row to reconcile, not to resend blindly.
      const attempt = { sendHash: sendHash(text), startedAt: clock.now() };
      const coordination = this.#deps.coordination;
      if (coordination === undefined) await this.#commits.run((trx) => startOutboxSend(trx, id, attempt));
      else if (!(await this.#commits.run((trx) => coordination.startSend(trx, id, attempt)))) {
        // Our claim lapsed (this instance was slow) and another instance took the reply over: it sends.
        this.#deps.logger.warn({ outboxId: id }, "a reply's claim was taken over before its send; not sent here");
        await this.#window.release(reserved);
        return;
      }
      result =
        template !== null && gateway.sendTemplate !== undefined
          ? await gateway.sendTemplate({ to, ...template })
          : await gateway.send({ to, text, inReplyTo: this.#replyTo(row) });
    } catch (error) {
      await this.#window.release(reserved);
      return await this.#recordFailure(row, to, error);
    } finally {
      if (pacing.mode === "human") await gateway.setTyping(to, false).catch(() => undefined);
    }
    // Recording is outside the try: a send that happened is never treated as a failed one, and a
    // failed write is retried (the row stays `sending`, so even a give-up is reconciled, not resent).
    await this.#recordSentRetrying(row, result.gatewayMessageId, reserved);
  }

  async #recordSentRetrying(row: OutboxRow, gatewayMessageId: string, reserved: SendReservation | null): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.#recordSent(row, gatewayMessageId, reserved);
        return;
      } catch (error) {
        if (attempt >= RECORD_SENT_ATTEMPTS) throw error;
        this.#deps.logger.warn({ outboxId: row.id, err: error, attempt }, "recording a sent reply failed; retrying");
        await sleep(RECORD_SENT_RETRY_MS * attempt);
      }
    }
  }

  /** The approved Cloud template a follow-up names, or null. */
  async #cloudTemplateOf(outboxId: number): Promise<CloudTemplateMessage | null> {
    const followUp = await followUpOfOutbox(this.#deps.db, outboxId);
    if (followUp?.cloud_template_json == null) return null;
    return JSON.parse(followUp.cloud_template_json) as CloudTemplateMessage;
  }

  /**
   * Finds out whether an interrupted attempt went out: the gateway's history of our messages in
   * the chat since the attempt began, matched by the text's hash (and not already recorded for
   * another reply). `sent`: recorded as sent with the gateway's id. `resend`: it did not go out
   * (or the gateway keeps no history: at-least-once), the caller sends it. `later`: the attempt is
   * too recent to tell or the history could not be read; the row stays `sending` and comes back.
   */
  async #reconcile(row: OutboxRow, to: string): Promise<"sent" | "resend" | "later"> {
    const { db, clock, gateway, logger } = this.#deps;
    const id = Number(row.id);
    const startedAt = row.send_started_at;
    if (startedAt === null || row.send_hash === null || gateway.sentSince === undefined) return "resend";
    const askAt = startedAt + (this.#deps.reconcileAfterMs ?? RECONCILE_AFTER_MS);
    const now = clock.now();
    if (now < askAt) {
      await this.#defer(id, askAt);
      return "later";
    }
    let history: Awaited<ReturnType<NonNullable<typeof gateway.sentSince>>>;
    try {
      history = await gateway.sentSince(to, startedAt - HISTORY_CLOCK_SKEW_MS);
    } catch (error) {
      const next = now + retryDelayMs(1, this.#deps.rng.next());
      logger.warn(
        { outboxId: id, err: error },
        "could not read the gateway's history of an interrupted send; asking again",
      );
      await updateOutbox(db, id, { next_attempt_at: next, last_error: `history: ${String(error)}`.slice(0, 300) });
      this.#wakeAt(next);
      return "later";
    }
    const earliest = Math.floor(startedAt / 1000) * 1000 - HISTORY_CLOCK_SKEW_MS;
    for (const entry of history) {
      if (entry.at < earliest || sendHash(entry.text) !== row.send_hash) continue;
      const recorded = await findOutboundByGatewayId(db, gatewayIdIndex(this.#deps.cipher, entry.gatewayMessageId));
      // Recorded for this very reply: another instance reconciled it first (our claim had lapsed).
      if (recorded !== undefined && Number(recorded.id) === Number(row.message_id)) {
        logger.info({ outboxId: id }, "an interrupted send was already recorded by another instance");
        return "sent";
      }
      if (recorded !== undefined) continue;
      logger.info({ outboxId: id }, "an interrupted send had gone out; recorded, not sent again");
      this.#deps.metrics.sendsReconciled++;
      await this.#recordSentRetrying(row, entry.gatewayMessageId, null);
      return "sent";
    }
    return "resend";
  }

  async #actHuman(to: string, row: OutboxRow, text: string): Promise<void> {
    const { gateway, pacing, rng } = this.#deps;
    const signal = this.#abort.signal;
    const gapLeft = this.#chatGaps.waitFor(row.customer_id, this.#deps.clock.now());
    if (gapLeft > 0) await sleep(gapLeft, undefined, { signal }).catch(() => undefined);
    await sleep(seenDelayMs(pacing, rng.next()), undefined, { signal }).catch(() => undefined);
    const replyTo = this.#replyTo(row);
    if (replyTo !== null) await gateway.markRead(to, replyTo).catch(() => undefined);
    await gateway.setTyping(to, true).catch(() => undefined);
    await sleep(typingDelayMs(text.length, pacing, rng.next()), undefined, { signal }).catch(() => undefined);
  }

  /** The gateway id of the inbound message a reply answers (decrypted), or null. */
  #replyTo(row: OutboxRow): string | null {
    const enc = row.in_reply_to_gateway_id_enc;
    return enc === null ? null : this.#deps.cipher.decrypt(enc, OUTBOX_REPLY_TO_AAD(row.customer_id));
  }

  async #recordSent(row: OutboxRow, gatewayMessageId: string, reserved: SendReservation | null): Promise<void> {
    const { clock, metrics, gateway, cipher } = this.#deps;
    const now = clock.now();
    const gatewayMessageIndex = gatewayIdIndex(cipher, gatewayMessageId);
    await this.#commits.run(async (trx) => {
      await updateOutbox(trx, Number(row.id), { status: "sent", sent_at: now, last_error: null });
      await setMessageStatus(trx, row.message_id, "sent", now, { gatewayMessageIndex });
      if (row.kind === "follow_up") await settleFollowUpOfOutbox(trx, Number(row.id), "sent", now, null);
      for (const ack of await takeBufferedAcks(trx, gateway.name, gatewayMessageIndex)) {
        await setMessageStatus(trx, row.message_id, ack.status, ack.at);
      }
    });
    await this.#window.record(now, reserved);
    this.#chatGaps.record(row.customer_id, now);
    metrics.sent++;
    if (row.in_reply_to_at !== null) metrics.recordReplyLatency(now - row.in_reply_to_at);
    this.#deps.onSettled?.(Number(row.id), "sent");
  }

  async #recordFailure(row: OutboxRow, to: string, error: unknown): Promise<void> {
    const { db, clock, logger, alerts, metrics } = this.#deps;
    const now = clock.now();
    const id = Number(row.id);
    const chat = maskPhone(to);
    if (!(error instanceof GatewayError)) {
      logger.error({ err: error, outboxId: id, chat }, "unexpected send error; will retry");
      return this.#retry(row, now, String(error));
    }
    if (error.code === "gateway_rate_limited") {
      const pause = error.longPause ? REACHOUT_PAUSE_MS : (error.retryAfterMs ?? RATE_LIMIT_PAUSE_MS);
      await putSetting(db, PAUSED_UNTIL_KEY, String(now + pause), now);
      this.#pausedUntil = now + pause;
      await updateOutbox(db, id, {
        status: "pending",
        next_attempt_at: now + pause,
        last_error: error.message.slice(0, 300),
      });
      alerts.raise(
        "number_paused",
        `WhatsApp asked us to slow down; sending paused for ${Math.round(pause / 60_000)} min`,
        {
          until: new Date(now + pause).toISOString(),
          gatewayCode: error.gatewayCode ?? null,
        },
      );
      this.#wakeAt(now + pause);
      return;
    }
    if (error.authProblem) {
      // Logged out of WhatsApp (or wrong gateway credentials): the message is fine, the session is not.
      await updateOutbox(db, id, {
        status: "pending",
        next_attempt_at: now + AUTH_PROBLEM_RETRY_MS,
        last_error: error.message.slice(0, 300),
      });
      alerts.raise("gateway_disconnected", "The gateway refused our credentials or is logged out; replies wait", {
        gatewayCode: error.gatewayCode ?? null,
      });
      this.#wakeAt(now + AUTH_PROBLEM_RETRY_MS);
      return;
    }
    if (error.timedOut) {
      // The gateway may have sent it before we stopped waiting: another try could send it twice.
      metrics.sendFailed++;
      alerts.raise("send_failures", "The gateway did not answer a send in time; that reply is not sent again", {
        outboxId: id,
      });
      return this.#settle(row, "failed", "no answer from the gateway in time; it may have been delivered");
    }
    if (error.retryable) {
      logger.warn({ outboxId: id, chat, code: error.code }, "send failed; will retry");
      return this.#retry(row, now, error.message);
    }
    metrics.sendFailed++;
    logger.warn({ outboxId: id, chat, code: error.code, gatewayCode: error.gatewayCode ?? null }, "send refused");
    await this.#settle(row, "failed", error.message);
  }

  async #retry(row: OutboxRow, now: number, reason: string): Promise<void> {
    const attempts = row.attempts + 1;
    if (attempts >= MAX_SEND_ATTEMPTS) {
      this.#deps.metrics.sendFailed++;
      return this.#settle(row, "failed", `gave up after ${attempts} attempts: ${reason}`);
    }
    this.#deps.metrics.sendRetried++;
    const next = now + retryDelayMs(attempts, this.#deps.rng.next());
    await updateOutbox(this.#deps.db, Number(row.id), {
      status: "pending",
      attempts,
      next_attempt_at: next,
      last_error: reason.slice(0, 300),
    });
    this.#wakeAt(next);
  }

  async #defer(id: number, until: number): Promise<void> {
    await updateOutbox(this.#deps.db, id, { next_attempt_at: until });
    this.#wakeAt(until);
  }

  async #settle(row: OutboxRow, status: "failed" | "held", reason: string): Promise<void> {
    const { db, clock, metrics } = this.#deps;
    const now = clock.now();
    await db.transaction().execute(async (trx) => {
      await updateOutbox(trx, Number(row.id), { status, last_error: reason.slice(0, 300) });
      await setMessageStatus(trx, row.message_id, status, now, { reason });
      if (row.kind === "follow_up")
        await settleFollowUpOfOutbox(trx, Number(row.id), status, now, reason.slice(0, 300));
    });
    if (status === "held") metrics.held++;
    this.#deps.onSettled?.(Number(row.id), status);
  }
}

/**
 * Why a queued message must not go out now: the customer opted out (only the opt-out
 * confirmation still goes, not even a person's message), or a person has the chat
 * (nothing from the bot, the person's own messages do go); null when it may.
 */
function silencedBecause(
  row: OutboxRow,
  customer: { opted_out: number; handoff_until: number | null },
  now: number,
): string | null {
  if (row.kind !== "confirmation" && customer.opted_out === 1) return "customer opted out";
  if (
    (row.kind === "reply" || row.kind === "follow_up") &&
    customer.handoff_until !== null &&
    customer.handoff_until > now
  ) {
    return "a person has taken over this chat";
  }
  return null;
}
