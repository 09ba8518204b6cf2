/**
 * A receiver for the alert webhook on 127.0.0.1: keeps every JSON body it was
 * sent, and can answer the next requests with an error to exercise retries.
 */
import type { AlertNotice } from "../../src/engine/index.js";
import { LoopbackServer, readBody, sendJson } from "./loopback-server.js";

/** One alert as the webhook received it. */
export type ReceivedAlert = AlertNotice;

/** A running receiver. */
export class AlertReceiver {
  /** Every alert accepted (answered 2xx), oldest first. */
  readonly received: ReceivedAlert[] = [];
  /** Every request, accepted or not. */
  attempts = 0;
  readonly #server: LoopbackServer;
  #failures: number[] = [];

  private constructor() {
    this.#server = new LoopbackServer(async (req, res) => {
      const body = await readBody(req);
      this.attempts += 1;
      const failure = this.#failures.shift();
      if (failure !== undefined) return sendJson(res, failure, { error: "scripted" }, "application/json");
      this.received.push(JSON.parse(body) as ReceivedAlert);
      return sendJson(res, 200, { ok: true }, "application/json");
    });
  }

  /** Starts a receiver on a free loopback port. */
  static async start(): Promise<AlertReceiver> {
    const receiver = new AlertReceiver();
    await receiver.#server.up();
    return receiver;
  }

  /** The URL to give as `ALERT_WEBHOOK_URL`. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.port}/alerts`;
  }

  /** The next requests answer these statuses, in order. */
  failNext(...statuses: number[]): void {
    this.#failures.push(...statuses);
  }

  /** The alerts of one kind received so far, as `status` or `status (repeat)`. */
  history(kind: string): string[] {
    return this.received.filter((a) => a.alert === kind).map((a) => (a.repeat ? `${a.status} (repeat)` : a.status));
  }

  async close(): Promise<void> {
    await this.#server.down();
  }
}
