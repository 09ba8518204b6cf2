/**
 * The built-in playground's gateway: nothing leaves the process. Sends are
 * recorded with ids `pg-1`, `pg-2`, …, listeners hear each send (the playground
 * page streams them), and the gateway is always healthy.
 * @module
 */
import { type Clock, systemClock } from "../clock.js";
import type { GatewayHealth, OutboundText, SendResult, WhatsAppGateway } from "./whatsapp-gateway.js";

/** One message the playground "sent". */
export interface PlaygroundSend {
  /** `pg-<n>`, counting from 1. */
  gatewayMessageId: string;
  /** The chat, exactly as the sender gave it. */
  to: string;
  text: string;
  inReplyTo: string | null;
  /** When it was sent (epoch ms, from the clock). */
  at: number;
}

/** Called once per send. */
export type PlaygroundSendListener = (sent: PlaygroundSend) => void;

/** Options of the playground gateway. */
export interface PlaygroundGatewayOptions {
  /** Default: the system clock. */
  clock?: Clock;
}

/** An in-memory gateway for the playground, tests and local runs. */
export class PlaygroundGateway implements WhatsAppGateway {
  readonly name = "playground" as const;
  readonly #clock: Clock;
  readonly #sent: PlaygroundSend[] = [];
  readonly #listeners = new Set<PlaygroundSendListener>();
  readonly #typing = new Set<string>();
  readonly #read = new Set<string>();

  constructor({ clock = systemClock }: PlaygroundGatewayOptions = {}) {
    this.#clock = clock;
  }

  /** Records the message and tells every listener; a listener that throws does not fail the send. */
  async send(message: OutboundText): Promise<SendResult> {
    const sent: PlaygroundSend = {
      gatewayMessageId: `pg-${this.#sent.length + 1}`,
      to: message.to,
      text: message.text,
      inReplyTo: message.inReplyTo ?? null,
      at: this.#clock.now(),
    };
    this.#sent.push(sent);
    this.#typing.delete(message.to);
    for (const listener of [...this.#listeners]) {
      try {
        listener(sent);
      } catch {
        // A broken page must not lose the reply: it is recorded above either way.
      }
    }
    return { gatewayMessageId: sent.gatewayMessageId };
  }

  /** Remembers that `gatewayMessageId` was marked read. */
  async markRead(_chat: string, gatewayMessageId: string): Promise<void> {
    this.#read.add(gatewayMessageId);
  }

  /** Remembers whether "typing…" shows in `chat`. */
  async setTyping(chat: string, typing: boolean): Promise<void> {
    if (typing) this.#typing.add(chat);
    else this.#typing.delete(chat);
  }

  /** Always connected. */
  async health(): Promise<GatewayHealth> {
    return { connected: true, detail: "playground" };
  }

  /** Calls `listener` on every send (only those to `chat` when given); returns the unsubscribe function. */
  onSend(listener: PlaygroundSendListener, chat?: string): () => void {
    const wrapped: PlaygroundSendListener =
      chat === undefined ? listener : (sent) => (sent.to === chat ? listener(sent) : undefined);
    this.#listeners.add(wrapped);
    return () => {
      this.#listeners.delete(wrapped);
    };
  }

  /**
   * Resolves with the next send to `chat` (any chat when undefined).
   * @throws Error when nothing is sent within `timeoutMs` (default 5000).
   */
  nextSend(chat?: string, { timeoutMs = 5000 }: { timeoutMs?: number } = {}): Promise<PlaygroundSend> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`no playground send${chat === undefined ? "" : ` to ${chat}`} within ${timeoutMs} ms`));
      }, timeoutMs);
      const unsubscribe = this.onSend((sent) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(sent);
      }, chat);
    });
  }

  /** Every send so far, oldest first (only those to `chat` when given). */
  sent(chat?: string): readonly PlaygroundSend[] {
    return chat === undefined ? [...this.#sent] : this.#sent.filter((sent) => sent.to === chat);
  }

  /** True while "typing…" shows in `chat`. */
  isTyping(chat: string): boolean {
    return this.#typing.has(chat);
  }

  /** True when `gatewayMessageId` was marked read. */
  wasRead(gatewayMessageId: string): boolean {
    return this.#read.has(gatewayMessageId);
  }
}
