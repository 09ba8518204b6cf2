/**
 * Drives simulated customers against Closer's GOWA webhook and watches the sink
 * for the replies. Each customer sends their next message only after the reply
 * to the previous one arrived, as people do, so the service is never handed a
 * backlog it cannot see the end of.
 *
 * - Closed loop: `concurrency` customers chat at once; throughput is what the
 *   service sustains (replies per second at the sink).
 * - Open loop: messages start at a fixed rate whatever the answers, from idle
 *   customers (new ones when every known customer waits for a reply).
 * @module
 */
import { type Conversation, createConversationFactory, gowaMessageBody, signGowaBody } from "./conversations.js";
import type { GowaSink } from "./gowa-sink.js";
import type { WebhookClient } from "./webhook-client.js";

/** What the driver needs. */
export interface ConversationDriverOptions {
  /** Where webhooks go: one instance's client, or one spreading them over several. */
  client: Pick<WebhookClient, "post">;
  sink: GowaSink;
  /** GOWA's webhook secret as Closer knows it. */
  secret: string;
  /** Uniform numbers in [0, 1), seeded by the caller. */
  rng: () => number;
  /** How long a customer waits for a reply before giving up on the conversation, ms; default 15 s. */
  replyTimeoutMs?: number;
}

/** What one measured phase saw. Times in ms. */
export interface PhaseResult {
  /** Length of the measurement window. */
  windowMs: number;
  /** Webhooks started in the window. */
  posted: number;
  /** Of those, answered 200. */
  acked: number;
  /** Of those, answered anything else or failed. */
  errors: number;
  /** Replies the sink received during the window. */
  replies: number;
  /** Per acknowledged webhook: from the request's start to the end of the 200. */
  ackMs: number[];
  /** Open loop only: from the moment the message was due to the end of the 200 (includes generator lag). */
  ackFromDueMs: number[];
  /** Per reply to a webhook of the window: from the webhook's start to the send at the sink. */
  replyMs: number[];
  /** Messages whose reply never came within the timeout. */
  unanswered: number;
  /** Distinct customers that wrote during the whole phase (warm-up included). */
  customers: number;
}

/** Posts conversations and matches replies. */
export class ConversationDriver {
  readonly #options: ConversationDriverOptions;
  readonly #waiting = new Map<string, (at: number) => void>();
  readonly #nextConversation: () => Conversation;
  #messageCounter = 0;

  constructor(options: ConversationDriverOptions) {
    this.#options = options;
    this.#nextConversation = createConversationFactory(options.rng);
    options.sink.onSend = (send) => {
      if (send.replyTo === null) return;
      const waiter = this.#waiting.get(send.replyTo);
      if (waiter === undefined) return;
      this.#waiting.delete(send.replyTo);
      waiter(send.at);
    };
  }

  /** `concurrency` customers chat for `warmupMs + measureMs`; only the last `measureMs` are measured. */
  async closedLoop(concurrency: number, warmupMs: number, measureMs: number): Promise<PhaseResult> {
    const window = this.#openWindow(warmupMs, measureMs);
    let customers = 0;
    const worker = async () => {
      while (performance.now() < window.end) {
        const conversation = this.#nextConversation();
        customers += 1;
        while (conversation.next < conversation.messages.length && performance.now() < window.end) {
          if (!(await this.#sendNext(conversation, performance.now(), window))) break;
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    return window.finish(customers);
  }

  /** Starts a message every `1000 / ratePerSecond` ms for `warmupMs + measureMs`; measures the last `measureMs`. */
  async openLoop(ratePerSecond: number, warmupMs: number, measureMs: number): Promise<PhaseResult> {
    const window = this.#openWindow(warmupMs, measureMs);
    window.openLoop = true;
    const interval = 1000 / ratePerSecond;
    const idle: Conversation[] = [];
    const inFlight = new Set<Promise<void>>();
    let customers = 0;
    let started = 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const tick = () => {
        const now = performance.now();
        const until = Math.min(now, window.end);
        while (t0 + started * interval < until) {
          const dueAt = t0 + started * interval;
          started += 1;
          let conversation = idle.shift();
          if (conversation === undefined) {
            conversation = this.#nextConversation();
            customers += 1;
          }
          const chat = conversation;
          const task = this.#sendNext(chat, dueAt, window).then((ok) => {
            if (ok && chat.next < chat.messages.length) idle.push(chat);
          });
          inFlight.add(task);
          void task.finally(() => inFlight.delete(task));
        }
        if (now >= window.end) resolve();
        else setTimeout(tick, 1);
      };
      tick();
    });
    await Promise.all([...inFlight]);
    return window.finish(customers);
  }

  /** Sends the conversation's next message and waits for its reply; false when the conversation should end. */
  async #sendNext(conversation: Conversation, dueAt: number, window: MeasureWindow): Promise<boolean> {
    const { client, secret } = this.#options;
    const text = conversation.messages[conversation.next] ?? "";
    conversation.next += 1;
    this.#messageCounter += 1;
    const id = `3A${this.#messageCounter.toString(16).toUpperCase().padStart(18, "0")}`;
    const body = gowaMessageBody({ id, phone: conversation.phone, name: conversation.name, text, at: Date.now() });
    const headers = { "x-hub-signature-256": signGowaBody(body, secret) };
    const reply = this.#expectReply(id);
    const startedAt = performance.now();
    const result = await client.post(body, headers, startedAt);
    const measured = window.contains(startedAt);
    if (measured) {
      window.result.posted += 1;
      if (result.status === 200) {
        window.result.acked += 1;
        window.result.ackMs.push(result.ms);
        if (window.openLoop) window.result.ackFromDueMs.push(result.ms + startedAt - dueAt);
      } else {
        window.result.errors += 1;
      }
    }
    if (result.status !== 200) {
      reply.cancel();
      return false;
    }
    const repliedAt = await reply.promise;
    if (repliedAt === null) {
      window.result.unanswered += 1;
      return false;
    }
    if (measured) window.result.replyMs.push(repliedAt - startedAt);
    return true;
  }

  #expectReply(id: string): { promise: Promise<number | null>; cancel: () => void } {
    let cancel: () => void = () => undefined;
    const promise = new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve(null);
      }, this.#options.replyTimeoutMs ?? 15_000);
      this.#waiting.set(id, (at) => {
        clearTimeout(timer);
        resolve(at);
      });
      cancel = () => {
        clearTimeout(timer);
        this.#waiting.delete(id);
        resolve(null);
      };
    });
    return { promise, cancel };
  }

  #openWindow(warmupMs: number, measureMs: number): MeasureWindow {
    return new MeasureWindow(this.#options.sink, warmupMs, measureMs);
  }
}

/** The measured part of a phase: opens after the warm-up, closes `measureMs` later. */
class MeasureWindow {
  readonly result: PhaseResult = {
    windowMs: 0,
    posted: 0,
    acked: 0,
    errors: 0,
    replies: 0,
    ackMs: [],
    ackFromDueMs: [],
    replyMs: [],
    unanswered: 0,
    customers: 0,
  };
  readonly start: number;
  readonly end: number;
  /** Set by the open loop: record latency from the due time too. */
  openLoop = false;
  #opened: number | null = null;
  #closed: number | null = null;
  #sendsAtOpen = 0;
  #sendsAtClose = 0;

  constructor(sink: GowaSink, warmupMs: number, measureMs: number) {
    this.start = performance.now();
    this.end = this.start + warmupMs + measureMs;
    // The boundaries are where the timers really fired, so a late timer shortens nothing silently.
    setTimeout(() => {
      this.#opened = performance.now();
      this.#sendsAtOpen = sink.sends;
    }, warmupMs);
    setTimeout(() => {
      this.#closed = performance.now();
      this.#sendsAtClose = sink.sends;
    }, warmupMs + measureMs);
  }

  /** True when a request started at `t` belongs to the window. */
  contains(t: number): boolean {
    return this.#opened !== null && t >= this.#opened && (this.#closed === null || t < this.#closed);
  }

  finish(customers: number): PhaseResult {
    const opened = this.#opened ?? this.end;
    const closed = this.#closed ?? performance.now();
    this.result.windowMs = closed - opened;
    this.result.replies = this.#sendsAtClose - this.#sendsAtOpen;
    this.result.customers = customers;
    return this.result;
  }
}
