/**
 * A fake WAHA on 127.0.0.1 that follows `test/contracts/waha` field by field:
 * `X-Api-Key` (401 `{"message":"Unauthorized","statusCode":401}`), `sendText` (201
 * `WAMessage`), `sendSeen`, `startTyping`/`stopTyping`, session info, 422 when the
 * session is not `WORKING`; it records requests, can be scripted to fail, go down
 * and come back on the same port, and posts webhooks built from the contract's
 * examples with WAHA's headers and HMAC-SHA512 signature.
 * @module
 */
import { readFileSync } from "node:fs";
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { BackgroundWork, LoopbackServer, parseJson, readBody, sendJson } from "./loopback-server.js";
import {
  CONTRACTS_DIR,
  loadContractExample,
  postWebhook,
  type WebhookDelivery,
  wahaWebhookHeaders,
} from "./webhook-signing.js";

/** One request the fake received. */
export interface WahaRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** One text the fake "sent". */
export interface WahaSent {
  id: string;
  session: string;
  chatId: string;
  text: string;
  replyTo: string | null;
  /** When it went out (epoch ms, the fake's clock). */
  at: number;
}

/** A WAHA session status. */
export type WahaStatus = "STOPPED" | "STARTING" | "SCAN_QR_CODE" | "WORKING" | "FAILED";

/** Options of the fake. */
export interface FakeWahaOptions {
  /** The key WAHA expects in `X-Api-Key`; unset = `WAHA_NO_API_KEY`. */
  apiKey?: string;
  /** The session that exists; default `default`. */
  session?: string;
  /** The webhook `hmac.key`; unset = unsigned webhooks. */
  hmacKey?: string;
  webhookUrl?: string;
  /** Our account; default the examples' `71111111111@c.us`. */
  me?: string;
  /** Post `message.any` (source api) and acks DEVICE, READ after every successful send. */
  autoWebhooks?: boolean;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
}

interface ScriptedFailure {
  path: string;
  status: number;
  body: unknown;
}

type Envelope = { payload: Record<string, unknown> } & Record<string, unknown>;

/** Marks a route handler that has written its answer. */
type Answered = true;

const UNAUTHORIZED = { message: "Unauthorized", statusCode: 401 };
const ACK_NUMBERS: Record<string, number> = { ERROR: -1, PENDING: 0, SERVER: 1, DEVICE: 2, READ: 3, PLAYED: 4 };

/** A running fake WAHA. Start with `FakeWaha.start()`, stop with `close()`. */
export class FakeWaha {
  readonly requests: WahaRequest[] = [];
  readonly sent: WahaSent[] = [];
  webhookUrl: string | undefined;
  readonly #server: LoopbackServer;
  readonly #options: FakeWahaOptions & { session: string; me: string; now: () => number };
  readonly #failures: ScriptedFailure[] = [];
  readonly #background = new BackgroundWork();
  #status: WahaStatus = "WORKING";
  #counter = 0;

  private constructor(options: FakeWahaOptions) {
    this.#options = {
      ...options,
      session: options.session ?? "default",
      me: options.me ?? "71111111111@c.us",
      now: options.now ?? Date.now,
    };
    this.webhookUrl = options.webhookUrl;
    this.#server = new LoopbackServer((req, res) => this.#handle(req, res));
  }

  /** Starts a fake on a free loopback port. */
  static async start(options: FakeWahaOptions = {}): Promise<FakeWaha> {
    const fake = new FakeWaha(options);
    await fake.up();
    return fake;
  }

  /** The base URL, e.g. `http://127.0.0.1:41234`. */
  get url(): string {
    return `http://127.0.0.1:${this.#server.port}`;
  }

  /** The next `n` requests to `path` (default `sendText`) answer `status` with `body` (default WAHA's 500 dump). */
  failNext(
    n: number,
    status = 500,
    body: unknown = exceptionBody("Internal error", "/api/sendText"),
    path = "/api/sendText",
  ): void {
    for (let i = 0; i < n; i++) this.#failures.push({ path, status, body });
  }

  /** The next send fails like GOWS under WhatsApp's anti-spam limit: 500 "server returned error 463". */
  rateLimitNext(): void {
    this.failNext(1, 500, exceptionBody("server returned error 463", "/api/sendText"));
  }

  /** Sets the session status (`WORKING` sends; anything else answers 422). */
  setStatus(status: WahaStatus): void {
    this.#status = status;
  }

  /** `WORKING` when connected, `STARTING` otherwise. */
  setConnected(connected: boolean): void {
    this.setStatus(connected ? "WORKING" : "STARTING");
  }

  /** Stops listening and drops open connections. */
  async down(): Promise<void> {
    await this.#server.down();
  }

  /** Listens again, on the same port once one was assigned. */
  async up(): Promise<void> {
    await this.#server.up();
  }

  /** Waits for background webhooks, then stops. */
  async close(): Promise<void> {
    await this.settle();
    await this.down();
  }

  /** Waits until every background webhook has been answered. */
  async settle(): Promise<void> {
    await this.#background.settle();
  }

  /**
   * Posts an inbound `message` (from `message.json`, or `message-from-lid.json` when
   * `from` is a `@lid`), or with `fromMe` a `message.any` from
   * `message-any-sent-via-api.json` with `source` (default `app`: a person on the phone).
   */
  postMessage(message: {
    from: string;
    text: string;
    id?: string;
    fromMe?: boolean;
    source?: "api" | "app";
    name?: string;
  }): Promise<WebhookDelivery> {
    const chat = message.from.includes("@") ? message.from : `${message.from.replace(/^\+/, "")}@c.us`;
    const fromMe = message.fromMe ?? false;
    const file = fromMe
      ? "message-any-sent-via-api.json"
      : chat.endsWith("@lid")
        ? "message-from-lid.json"
        : "message.json";
    const envelope = loadContractExample<Envelope>("waha", file);
    const id = `${fromMe}_${chat}_${message.id ?? this.#nextId()}`;
    const payload: Record<string, unknown> = {
      ...envelope.payload,
      id,
      timestamp: Math.floor(this.#options.now() / 1000),
      from: fromMe ? this.#options.me : chat,
      fromMe,
      source: fromMe ? (message.source ?? "app") : "app",
      body: message.text,
    };
    if (fromMe || "to" in envelope.payload) payload["to"] = fromMe ? chat : this.#options.me;
    if (fromMe) payload["replyTo"] = null;
    const data = (payload["_data"] ?? {}) as Record<string, unknown>;
    if (message.name !== undefined) payload["_data"] = { ...data, notifyName: message.name, pushName: message.name };
    return this.postEvent(fromMe ? "message.any" : "message", payload, envelope);
  }

  /** Posts one `message.ack` per id (from `message-ack.json`) with `ackName` and its `ack` number. */
  async postAck(ids: string[], ackName: keyof typeof ACK_NUMBERS = "DEVICE"): Promise<WebhookDelivery[]> {
    const deliveries: WebhookDelivery[] = [];
    for (const id of ids) {
      const envelope = loadContractExample<Envelope>("waha", "message-ack.json");
      const chat = /^(?:true|false)_([^_]+)_/.exec(id)?.[1] ?? envelope.payload["from"];
      const payload = { ...envelope.payload, id, from: chat, to: this.#options.me, ack: ACK_NUMBERS[ackName], ackName };
      deliveries.push(await this.postEvent("message.ack", payload, envelope));
    }
    return deliveries;
  }

  /** Posts an event in the current envelope form (`id`, `timestamp`, `session`, `me`, `engine`, `environment`). */
  postEvent(
    event: string,
    payload: unknown,
    base: Record<string, unknown> = loadContractExample("waha", "message.json"),
  ): Promise<WebhookDelivery> {
    const now = this.#options.now();
    const envelope = {
      id: `evt_${this.#nextId().toLowerCase().padStart(26, "0")}`,
      timestamp: now,
      event,
      session: this.#options.session,
      me: { id: this.#options.me, pushName: "~" },
      payload,
      engine: base["engine"] ?? "WEBJS",
      environment: base["environment"],
    };
    return this.postRaw(JSON.stringify(envelope));
  }

  /** Posts `body` with WAHA's headers, signed with the hmac key unless `signature` overrides it. */
  postRaw(body: string, signature?: string): Promise<WebhookDelivery> {
    if (this.webhookUrl === undefined) throw new Error("FakeWaha: no webhookUrl set");
    const headers = wahaWebhookHeaders(body, {
      key: this.#options.hmacKey,
      requestId: `req_${this.#counter}`,
      timestampMs: this.#options.now(),
    });
    if (signature !== undefined) headers["x-webhook-hmac"] = signature;
    return postWebhook(this.webhookUrl, body, headers);
  }

  #nextId(): string {
    this.#counter += 1;
    return this.#counter.toString(16).toUpperCase().padStart(20, "A");
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<Answered> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    const parsed = parseJson(raw);
    this.requests.push({
      method: req.method ?? "",
      path: url.pathname,
      headers: req.headers,
      body: parsed.ok ? parsed.value : raw,
    });
    if (req.method === "GET" && url.pathname === "/ping") return json(res, 200, { message: "pong" });
    const key = this.#options.apiKey;
    if (key !== undefined && req.headers["x-api-key"] !== key && url.searchParams.get("x-api-key") !== key) {
      return json(res, 401, UNAUTHORIZED);
    }
    const failure = this.#failures.findIndex((f) => f.path === url.pathname);
    if (failure >= 0) {
      const [scripted] = this.#failures.splice(failure, 1);
      return json(res, scripted!.status, scripted!.body);
    }
    if (!parsed.ok)
      return json(res, 400, { statusCode: 400, message: "Unexpected token in JSON", error: "Bad Request" });
    const input = (parsed.value !== null && typeof parsed.value === "object" ? parsed.value : {}) as Record<
      string,
      unknown
    >;
    const session = url.pathname.match(/^\/api\/sessions\/([^/]+)$/);
    if (req.method === "GET" && session) return this.#sessionInfo(res, decodeURIComponent(session[1]!));
    const history = url.pathname.match(/^\/api\/([^/]+)\/chats\/([^/]+)\/messages$/);
    if (req.method === "GET" && history) {
      return this.#chatMessages(
        res,
        decodeURIComponent(history[1]!),
        decodeURIComponent(history[2]!),
        url.searchParams,
      );
    }
    if (req.method !== "POST") return notFound(res, req.method, url.pathname);
    switch (url.pathname) {
      case "/api/sendText":
        return this.#chatting(res, input, ["chatId", "text"], () => this.#sendText(res, input));
      case "/api/sendSeen":
        return this.#chatting(res, input, ["chatId"], () => json(res, 201, {}));
      case "/api/startTyping":
      case "/api/stopTyping":
        return this.#chatting(res, input, ["chatId"], () => empty(res, 201));
      default:
        return notFound(res, req.method, url.pathname);
    }
  }

  /** The checks every chatting route makes: body fields, session exists, session WORKING. */
  #chatting(res: ServerResponse, input: Record<string, unknown>, required: string[], then: () => Answered): Answered {
    const missing = required.filter((name) => typeof input[name] !== "string" || input[name] === "");
    if (missing.length > 0) {
      return json(res, 400, {
        statusCode: 400,
        message: missing.map((name) => `${name} must be a string`),
        error: "Bad Request",
      });
    }
    const chatId = input["chatId"] as string;
    if (chatId.endsWith("@s.whatsapp.net")) {
      // The contract: `@s.whatsapp.net` appears only inside `_data`; never send to it.
      return json(res, 400, {
        statusCode: 400,
        message: ["chatId must end with @c.us, @g.us or @lid"],
        error: "Bad Request",
      });
    }
    const session = typeof input["session"] === "string" ? input["session"] : "default";
    if (session !== this.#options.session) {
      return json(res, 404, { statusCode: 404, message: `Session "${session}" does not exist`, error: "Not Found" });
    }
    if (this.#status !== "WORKING") {
      return json(res, 422, {
        error: "Session status is not as expected. Try again later or restart the session",
        session,
        status: this.#status,
        expected: ["WORKING"],
      });
    }
    return then();
  }

  #sendText(res: ServerResponse, input: Record<string, unknown>): Answered {
    const chatId = input["chatId"] as string;
    const text = input["text"] as string;
    const id = `true_${chatId}_${this.#nextId()}`;
    const replyTo = typeof input["reply_to"] === "string" ? input["reply_to"] : null;
    this.sent.push({ id, session: this.#options.session, chatId, text, replyTo, at: this.#options.now() });
    json(res, 201, {
      id,
      timestamp: Math.floor(this.#options.now() / 1000),
      from: this.#options.me,
      fromMe: true,
      to: chatId,
      participant: null,
      body: text,
      hasMedia: false,
      mediaUrl: null,
      ack: 1,
      ackName: "SERVER",
    });
    if (this.#options.autoWebhooks && this.webhookUrl !== undefined) this.#background.run(this.#echo(id, chatId, text));
    return true;
  }

  /**
   * `GET /api/{session}/chats/{chatId}/messages`: the `WAMessage`s of the chat (only what the fake
   * sent), newest first, with `filter.fromMe`, `filter.timestamp.gte`/`lte` (seconds), `limit` and
   * `offset`; every item in the shape of the contract's example (`history/chat-messages.json`).
   */
  #chatMessages(res: ServerResponse, session: string, chatId: string, query: URLSearchParams): Answered {
    if (session !== this.#options.session) {
      return json(res, 404, { statusCode: 404, message: `Session "${session}" does not exist`, error: "Not Found" });
    }
    const example = JSON.parse(readFileSync(`${CONTRACTS_DIR}waha/history/chat-messages.json`, "utf8")) as Record<
      string,
      unknown
    >[];
    const template = example.find((m) => m["fromMe"] === true) ?? {};
    const gte = query.get("filter.timestamp.gte");
    const lte = query.get("filter.timestamp.lte");
    const limit = Number(query.get("limit") ?? 10);
    const offset = Number(query.get("offset") ?? 0);
    const items = this.sent
      .filter((m) => m.chatId === chatId && query.get("filter.fromMe") !== "false")
      .map((m) => ({ ...m, seconds: Math.floor(m.at / 1000) }))
      .filter((m) => (gte === null || m.seconds >= Number(gte)) && (lte === null || m.seconds <= Number(lte)))
      .reverse()
      .slice(offset, offset + limit)
      .map((m) => ({
        ...template,
        id: m.id,
        timestamp: m.seconds,
        from: this.#options.me,
        fromMe: true,
        to: chatId,
        body: m.text,
        replyTo: null,
      }));
    return json(res, 200, items);
  }

  #sessionInfo(res: ServerResponse, name: string): Answered {
    if (name !== this.#options.session) {
      return json(res, 404, { statusCode: 404, message: `Session "${name}" does not exist`, error: "Not Found" });
    }
    return json(res, 200, {
      name,
      me: this.#status === "WORKING" ? { id: this.#options.me, pushName: "~" } : null,
      status: this.#status,
      config: {},
      presence: null,
      timestamps: { activity: null },
    });
  }

  async #echo(id: string, chatId: string, text: string): Promise<void> {
    const envelope = loadContractExample<Envelope>("waha", "message-any-sent-via-api.json");
    const payload = {
      ...envelope.payload,
      id,
      to: chatId,
      from: this.#options.me,
      body: text,
      replyTo: null,
      timestamp: Math.floor(this.#options.now() / 1000),
    };
    await this.postEvent("message.any", payload, envelope);
    await this.postAck([id], "DEVICE");
    await this.postAck([id], "READ");
  }
}

/** WAHA's 500 body: the exception and the request (never read by adapters: it echoes the text). */
export function exceptionBody(message: string, path: string): unknown {
  return {
    statusCode: 500,
    timestamp: new Date(0).toISOString(),
    exception: { message, name: "Error", stack: `Error: ${message}\n    at fake` },
    request: { path, method: "POST", body: {}, query: {} },
    version: { version: "2026.7.1", engine: "WEBJS", tier: "CORE" },
  };
}

function empty(res: ServerResponse, status: number): Answered {
  res.writeHead(status, { "content-length": 0 });
  res.end();
  return true;
}

function notFound(res: ServerResponse, method: string | undefined, path: string): Answered {
  return json(res, 404, { statusCode: 404, message: `Cannot ${method} ${path}`, error: "Not Found" });
}

function json(res: ServerResponse, status: number, body: unknown): Answered {
  return sendJson(res, status, body, "application/json; charset=utf-8");
}
