/**
 * A fake GOWA (go-whatsapp-web-multidevice v9) on 127.0.0.1 that follows
 * `test/contracts/gowa` field by field: Basic auth, `X-Device-Id` resolution,
 * the `{code, message, results}` envelope and its error codes, the send, read,
 * chat-presence and status routes, and the chat history of what it sent
 * (`GET /chat/{chat_jid}/messages`, answered in the shape of the contract's
 * example); it records every request, can be scripted to fail (or fail and answer
 * slowly at random, seeded), go down and come back on the same port, and posts
 * webhooks built from the contract's examples, signed and serialised the way GOWA does.
 * @module
 */

import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { BackgroundWork, LoopbackServer, parseJson, readBody, sendJson } from "./loopback-server.js";
import {
  CONTRACTS_DIR,
  goJsonMarshal,
  loadContractExample,
  postWebhook,
  signGowa,
  type WebhookDelivery,
} from "./webhook-signing.js";

/** One request the fake received. */
export interface GowaRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Parsed JSON, or the raw text when it is not JSON. */
  body: unknown;
}

/** One text the fake "sent" to WhatsApp. */
export interface GowaSent {
  messageId: string;
  /** The `phone` after GOWA's sanitising (`…@s.whatsapp.net` or `…@lid`). */
  phone: string;
  message: string;
  replyMessageId: string | null;
  deviceId: string;
  /** When it went out (epoch ms, the fake's clock). */
  at: number;
}

/** Random trouble on the send route, for fault-injection runs. */
export interface GowaSendFaults {
  /** A value in [0, 1) per call; pass a seeded source. */
  random: () => number;
  /** Share of sends answered 500 without sending. */
  failRate: number;
  /** Share of sends that go out only after `slowMs` (the answer comes then too). */
  slowRate: number;
  /** How long a slow send takes, ms. */
  slowMs: number;
}

/** Called when a send request arrives, before it is answered (a fault-injection run kills the client then). */
export type GowaSendListener = () => void;

/** Options of the fake. */
export interface FakeGowaOptions {
  /** `APP_BASIC_AUTH` as `user:pass`; unset = no auth. */
  basicAuth?: string;
  /** Registered device slot ids (first one is used for webhooks); default `["org_2"]`. */
  devices?: string[];
  /** The account JID; default the contract examples' `6281234567890@s.whatsapp.net`. */
  jid?: string;
  /** `WHATSAPP_WEBHOOK_SECRET`; default GOWA's `secret`. */
  webhookSecret?: string;
  /** Where webhooks go. */
  webhookUrl?: string;
  /** Post `message.ack` delivered and read after every successful send. */
  autoAcks?: boolean;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** Random failing and slow sends; none by default. */
  sendFaults?: GowaSendFaults;
}

interface ScriptedFailure {
  path: string;
  status: number;
  body: unknown;
}

/** Marks a route handler that has written its answer. */
type Answered = true;

const REACHOUT_MESSAGE =
  "WhatsApp has temporarily restricted this account from reaching new contacts (error 463). Wait before trying again.";

/** A running fake GOWA. Start with `FakeGowa.start()`, stop with `close()`. */
export class FakeGowa {
  /** Every request, oldest first. */
  readonly requests: GowaRequest[] = [];
  /** Every successful text send, oldest first. */
  readonly sent: GowaSent[] = [];
  webhookUrl: string | undefined;
  /** Called as each `POST /send/message` arrives (after auth), before it is answered. */
  onSendRequest: GowaSendListener | undefined;
  readonly #server: LoopbackServer;
  readonly #options: Required<Omit<FakeGowaOptions, "basicAuth" | "webhookUrl" | "sendFaults">> & {
    basicAuth?: string;
  };
  readonly #faults: GowaSendFaults | undefined;
  readonly #failures: ScriptedFailure[] = [];
  readonly #notOnWhatsApp = new Set<string>();
  readonly #background = new BackgroundWork();
  #connected = true;
  #loggedIn = true;
  #counter = 0;

  private constructor(options: FakeGowaOptions) {
    this.#options = {
      devices: options.devices ?? ["org_2"],
      jid: options.jid ?? "6281234567890@s.whatsapp.net",
      webhookSecret: options.webhookSecret ?? "secret",
      autoAcks: options.autoAcks ?? false,
      now: options.now ?? Date.now,
      ...(options.basicAuth === undefined ? {} : { basicAuth: options.basicAuth }),
    };
    this.webhookUrl = options.webhookUrl;
    this.#faults = options.sendFaults;
    this.#server = new LoopbackServer((req, res) => this.#handle(req, res));
  }

  /** Starts a fake on a free loopback port. */
  static async start(options: FakeGowaOptions = {}): Promise<FakeGowa> {
    const fake = new FakeGowa(options);
    await fake.up();
    return fake;
  }

  /** The base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.port}`;
  }

  /** The next `n` requests to `path` (default the send route) answer `status` with `body`. */
  failNext(
    n: number,
    status = 500,
    body: unknown = { code: "INTERNAL_SERVER_ERROR", message: "failed" },
    path = "/send/message",
  ): void {
    for (let i = 0; i < n; i++) this.#failures.push({ path, status, body });
  }

  /** The next send answers 429 `WA_REACHOUT_TIMELOCK`, as GOWA does for WhatsApp error 463. */
  rateLimitNext(): void {
    this.failNext(1, 429, { code: "WA_REACHOUT_TIMELOCK", message: REACHOUT_MESSAGE });
  }

  /** Sets what `/app/status` reports; sends need both (401 `AUTHENTICATION_ERROR` otherwise). */
  setConnected(connected: boolean, loggedIn = connected): void {
    this.#connected = connected;
    this.#loggedIn = loggedIn;
  }

  /** Sends to this number answer 400 `INVALID_JID`, as with `WHATSAPP_ACCOUNT_VALIDATION=true`. */
  notOnWhatsApp(phoneDigits: string): void {
    this.#notOnWhatsApp.add(phoneDigits);
  }

  /** Stops listening and drops open connections (the gateway is down). */
  async down(): Promise<void> {
    await this.#server.down();
  }

  /** Listens again, on the same port once one was assigned. */
  async up(): Promise<void> {
    await this.#server.up();
  }

  /** Waits for webhooks posted in the background (`autoAcks`), then stops. */
  async close(): Promise<void> {
    await this.settle();
    await this.down();
  }

  /** Waits until every background webhook has been answered. */
  async settle(): Promise<void> {
    await this.#background.settle();
  }

  /**
   * Posts a `message` webhook built from `message-text.json`. `from` is the customer
   * (digits, a phone JID or an unmapped `…@lid`); with `lid`, the mapping is known
   * and the payload carries both, as GOWA does. `fromMe` posts what a person typed on the business phone.
   */
  postMessage(message: {
    from: string;
    text: string;
    id?: string;
    fromMe?: boolean;
    lid?: string;
    name?: string;
  }): Promise<WebhookDelivery> {
    const envelope = loadContractExample<{ payload: Record<string, unknown> } & Record<string, unknown>>(
      "gowa",
      "message-text.json",
    );
    const customer = message.from.includes("@") ? message.from : `${message.from.replace(/^\+/, "")}@s.whatsapp.net`;
    const payload: Record<string, unknown> = {
      ...envelope.payload,
      id: message.id ?? this.#nextId("3A"),
      body: message.text,
      chat_id: customer,
      from: message.fromMe ? this.#options.jid : customer,
      is_from_me: message.fromMe ?? false,
      timestamp: rfc3339(this.#options.now()),
    };
    if (message.lid !== undefined) {
      payload["chat_lid"] = message.lid;
      if (!message.fromMe) payload["from_lid"] = message.lid;
    }
    if (message.name !== undefined) {
      payload["from_name"] = message.name;
      payload["sender_display_name"] = message.name;
    }
    return this.postEvent({ ...this.#envelopeBase(), event: "message", payload });
  }

  /** Posts a `message.ack` webhook built from `message-ack-delivered.json`. */
  postAck(
    ids: string[],
    type: "delivered" | "read" | "read-self" = "delivered",
    chat?: string,
  ): Promise<WebhookDelivery> {
    const envelope = loadContractExample<{ payload: Record<string, unknown> } & Record<string, unknown>>(
      "gowa",
      "message-ack-delivered.json",
    );
    const payload: Record<string, unknown> = { ...envelope.payload, ids, receipt_type: type };
    if (chat !== undefined) {
      payload["chat_id"] = chat;
      payload["from"] = chat;
    }
    return this.postEvent({
      ...this.#envelopeBase(),
      event: "message.ack",
      timestamp: rfc3339(this.#options.now()),
      payload,
    });
  }

  /** Posts any envelope, serialised like Go's `json.Marshal` and signed with the webhook secret. */
  postEvent(envelope: Record<string, unknown>): Promise<WebhookDelivery> {
    const body = goJsonMarshal(envelope);
    return this.postRaw(body, signGowa(body, this.#options.webhookSecret));
  }

  /** Posts `body` as is, with `signature` as `X-Hub-Signature-256` (none when undefined). */
  postRaw(body: string | Buffer, signature: string | undefined): Promise<WebhookDelivery> {
    if (this.webhookUrl === undefined) throw new Error("FakeGowa: no webhookUrl set");
    const headers: Record<string, string> = signature === undefined ? {} : { "x-hub-signature-256": signature };
    return postWebhook(this.webhookUrl, body, headers);
  }

  #envelopeBase(): Record<string, unknown> {
    return { device_id: this.#options.jid, session_id: this.#options.devices[0] };
  }

  #nextId(prefix: string): string {
    this.#counter += 1;
    return `${prefix}${this.#counter
      .toString(16)
      .toUpperCase()
      .padStart(20 - prefix.length, "0")}`;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<Answered> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    const body = parseJson(raw);
    this.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      headers: req.headers,
      body: body.ok ? body.value : raw,
    });
    if (req.method === "GET" && url.pathname === "/health") return text(res, 200, "OK");
    if (!this.#authorized(req.headers.authorization)) return text(res, 401, "Unauthorized");
    const device = this.#resolveDevice(req.headers["x-device-id"], url.searchParams.get("device_id"));
    if (!device.ok) return json(res, device.status, device.body);
    const failure = this.#failures.findIndex((f) => f.path === url.pathname);
    if (failure >= 0) {
      const [scripted] = this.#failures.splice(failure, 1);
      return json(res, scripted!.status, scripted!.body);
    }
    if (req.method === "POST" && !body.ok) {
      return json(res, 500, { code: "INTERNAL_SERVER_ERROR", message: "unexpected end of JSON input" });
    }
    const input = (body.ok && body.value !== null && typeof body.value === "object" ? body.value : {}) as Record<
      string,
      unknown
    >;
    const route = `${req.method} ${url.pathname}`;
    if (route === "GET /app/status") {
      return success(res, "Connection status retrieved", {
        is_connected: this.#connected,
        is_logged_in: this.#loggedIn,
        device_id: device.id,
        jid: this.#loggedIn ? this.#options.jid : "",
      });
    }
    if (route === "POST /send/message") return this.#sendMessage(res, input, device.id);
    const history = /^\/chat\/([^/]+)\/messages$/.exec(url.pathname);
    if (req.method === "GET" && history)
      return this.#chatMessages(res, decodeURIComponent(history[1]!), url.searchParams);
    if (route === "POST /send/chat-presence") return this.#chatPresence(res, input);
    const read = /^\/message\/([^/]+)\/read$/.exec(url.pathname);
    if (req.method === "POST" && read) return this.#markRead(res, input, decodeURIComponent(read[1]!));
    return text(res, 404, `Cannot ${req.method} ${url.pathname}`);
  }

  async #sendMessage(res: ServerResponse, input: Record<string, unknown>, deviceId: string): Promise<Answered> {
    const phone = sanitizePhone(input["phone"]);
    if (!phone.ok) return json(res, 400, { code: "VALIDATION_ERROR", message: phone.message });
    if (typeof input["message"] !== "string" || input["message"] === "") {
      return json(res, 400, { code: "VALIDATION_ERROR", message: "message: cannot be blank." });
    }
    if (!this.#loggedInOrAnswer(res)) return true;
    this.onSendRequest?.();
    if (this.#notOnWhatsApp.has(phone.jid.split("@")[0]!)) {
      return json(res, 400, { code: "INVALID_JID", message: `Phone ${phone.jid} is not on whatsapp` });
    }
    const faults = this.#faults;
    if (faults !== undefined) {
      if (faults.random() < faults.failRate) {
        return json(res, 500, { code: "INTERNAL_SERVER_ERROR", message: "failed to send message" });
      }
      // WhatsApp is slow to acknowledge: the message is sent (and stored) only when it does.
      if (faults.random() < faults.slowRate) await sleep(faults.slowMs);
    }
    const messageId = this.#nextId("3EB0");
    const reply = typeof input["reply_message_id"] === "string" ? input["reply_message_id"] : null;
    const at = this.#options.now();
    this.sent.push({ messageId, phone: phone.jid, message: input["message"], replyMessageId: reply, deviceId, at });
    const status = `Message sent to ${phone.jid} (server timestamp: ${goTime(this.#options.now())})`;
    success(res, status, { message_id: messageId, status });
    if (this.#options.autoAcks && this.webhookUrl !== undefined) this.#background.run(this.#acks(messageId, phone.jid));
    return true;
  }

  /**
   * `GET /chat/{chat_jid}/messages`: what the chat storage holds of this chat, newest first, with
   * `is_from_me`, `start_time`, `end_time`, `limit` and `offset` applied; every item in the shape of
   * the contract's example (`history/chat-messages.json`). The fake stores only what it sent.
   */
  #chatMessages(res: ServerResponse, chatJid: string, query: URLSearchParams): Answered {
    if (!this.#loggedInOrAnswer(res)) return true;
    const example = JSON.parse(readFileSync(`${CONTRACTS_DIR}gowa/history/chat-messages.json`, "utf8")) as {
      results: { data: Record<string, unknown>[]; chat_info: Record<string, unknown> };
    };
    const template = example.results.data.find((m) => m["is_from_me"] === true) ?? {};
    const fromMe = query.get("is_from_me");
    const start = query.get("start_time") === null ? null : Date.parse(query.get("start_time")!);
    const end = query.get("end_time") === null ? null : Date.parse(query.get("end_time")!);
    const limit = Math.min(100, Number(query.get("limit") ?? 50));
    const offset = Number(query.get("offset") ?? 0);
    const matching = this.sent
      .filter((m) => m.phone === chatJid && fromMe !== "false")
      .map((m) => ({ ...m, stored: Math.floor(m.at / 1000) * 1000 }))
      .filter((m) => (start === null || m.stored >= start) && (end === null || m.stored <= end))
      .reverse();
    const data = matching.slice(offset, offset + limit).map((m) => ({
      ...template,
      id: m.messageId,
      chat_jid: chatJid,
      sender_jid: this.#options.jid,
      content: m.message,
      timestamp: rfc3339(m.stored),
      is_from_me: true,
      created_at: rfc3339(m.stored),
      updated_at: rfc3339(m.stored),
    }));
    return success(res, "Success get chat messages", {
      data,
      pagination: { limit, offset, total: matching.length },
      chat_info: { ...example.results.chat_info, jid: chatJid },
    });
  }

  #chatPresence(res: ServerResponse, input: Record<string, unknown>): Answered {
    const phone = sanitizePhone(input["phone"]);
    if (!phone.ok) return json(res, 400, { code: "VALIDATION_ERROR", message: phone.message });
    const action = input["action"];
    if (action !== "start" && action !== "stop") {
      return json(res, 400, { code: "VALIDATION_ERROR", message: "action: must be a valid value." });
    }
    if (!this.#loggedInOrAnswer(res)) return true;
    const status = `Send chat presence ${action} typing success ${phone.jid}`;
    return success(res, status, { message_id: `chat-presence-${action}`, status });
  }

  #markRead(res: ServerResponse, input: Record<string, unknown>, messageId: string): Answered {
    const phone = sanitizePhone(input["phone"]);
    if (!phone.ok) return json(res, 400, { code: "VALIDATION_ERROR", message: phone.message });
    if (!this.#loggedInOrAnswer(res)) return true;
    const status = `Mark as read success ${messageId}`;
    return success(res, status, { message_id: messageId, status });
  }

  /** GOWA's `MustLogin`: true when the device may send; otherwise answers 401 and returns false. */
  #loggedInOrAnswer(res: ServerResponse): boolean {
    if (this.#connected && this.#loggedIn) return true;
    const message = this.#connected
      ? "you are not logged in"
      : "you are not connect to services server, please reconnect";
    json(res, 401, { code: "AUTHENTICATION_ERROR", message });
    return false;
  }

  async #acks(messageId: string, chat: string): Promise<void> {
    await this.postAck([messageId], "delivered", chat);
    await this.postAck([messageId], "read", chat);
  }

  #authorized(header: string | undefined): boolean {
    if (this.#options.basicAuth === undefined) return true;
    return header === `Basic ${Buffer.from(this.#options.basicAuth).toString("base64")}`;
  }

  #resolveDevice(
    header: string | string[] | undefined,
    query: string | null,
  ): { ok: true; id: string } | { ok: false; status: number; body: unknown } {
    const given = typeof header === "string" && header !== "" ? decodeURIComponent(header) : (query ?? "");
    const { devices, jid } = this.#options;
    if (given === "") {
      if (devices.length === 1) return { ok: true, id: devices[0]! };
      return {
        ok: false,
        status: 400,
        body: {
          code: "DEVICE_ID_REQUIRED",
          message: "device_id is required via X-Device-Id header or device_id query",
        },
      };
    }
    if (devices.includes(given) || given === jid) return { ok: true, id: given };
    return {
      ok: false,
      status: 404,
      body: {
        code: "DEVICE_NOT_FOUND",
        message: `device ${given} not found; create it via /api/devices`,
        results: { device_id: given },
      },
    };
  }
}

/** GOWA's `SanitizePhone` plus its validation. */
function sanitizePhone(value: unknown): { ok: true; jid: string } | { ok: false; message: string } {
  if (typeof value !== "string" || value.trim() === "") return { ok: false, message: "phone: cannot be blank." };
  if (value.includes("@")) return { ok: true, jid: value };
  const digits = value.replace(/^\+/, "");
  if (digits.startsWith("0"))
    return { ok: false, message: "phone: phone number must start with country code, e.g. 62xxx" };
  return { ok: true, jid: digits.length <= 15 ? `${digits}@s.whatsapp.net` : `${digits}@g.us` };
}

function success(res: ServerResponse, message: string, results: unknown): Answered {
  return json(res, 200, { code: "SUCCESS", message, results });
}

function json(res: ServerResponse, status: number, body: unknown): Answered {
  return sendJson(res, status, body, "application/json");
}

function text(res: ServerResponse, status: number, body: string): Answered {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
  return true;
}

/** RFC 3339 in UTC without fractional seconds, as Go's `time.RFC3339` writes it. */
function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** Go's `time.Time.String()` for a UTC time. */
function goTime(ms: number): string {
  return `${new Date(ms).toISOString().replace("T", " ").replace("Z", "")} +0000 UTC`;
}
