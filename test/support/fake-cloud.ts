/**
 * A fake WhatsApp Cloud API (Graph) on 127.0.0.1 that follows
 * `test/contracts/cloud` field by field: Bearer auth,
 * `POST /{version}/{phone_number_id}/messages` for texts, approved template messages
 * (`type: "template"`, allowed outside the window; unknown names refused) and read receipts, Graph
 * error envelopes, optionally the 24-hour window (131047); it records requests,
 * can be scripted to fail, go down and come back on the same port, and posts
 * notifications built from the contract's examples, signed with the app secret,
 * plus the GET verification handshake.
 * @module
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { BackgroundWork, LoopbackServer, parseJson, readBody, sendJson } from "./loopback-server.js";
import { loadContractExample, metaJson, postWebhook, signCloud, type WebhookDelivery } from "./webhook-signing.js";

/** One request the fake received. */
export interface CloudRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/** One text the fake "sent". */
export interface CloudSent {
  wamid: string;
  to: string;
  body: string;
  previewUrl: unknown;
  contextMessageId: string | null;
}

/** One template message the fake "sent". */
export interface CloudTemplateSent {
  wamid: string;
  to: string;
  name: string;
  language: string;
  /** The body parameters' texts, in order. */
  parameters: string[];
}

/** Options of the fake. */
export interface FakeCloudOptions {
  accessToken?: string;
  phoneNumberId?: string;
  appSecret?: string;
  verifyToken?: string;
  /** Graph version in the path; default `v23.0`. */
  apiVersion?: string;
  webhookUrl?: string;
  /** Refuse texts to users who have not written in the last 24 hours (code 131047). */
  enforceWindow?: boolean;
  /** Post statuses sent, delivered, read after every successful send. */
  autoStatuses?: boolean;
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** Names of the approved templates; others are refused (132001). Default: none. */
  approvedTemplates?: readonly string[];
}

interface ScriptedFailure {
  match: (body: Record<string, unknown>) => boolean;
  status: number;
  body: unknown;
}

type Notification = { entry: { changes: { value: Record<string, unknown> }[] }[] } & Record<string, unknown>;

/** Marks a route handler that has written its answer. */
type Answered = true;

const WINDOW_MS = 24 * 60 * 60 * 1000;
const FBTRACE = "AbCdEfGhIjKlMnOp";

/** A Graph error body. */
export function graphError(code: number, message: string, details?: string): unknown {
  const error: Record<string, unknown> = { message, type: "OAuthException", code, fbtrace_id: FBTRACE };
  if (details !== undefined) error["error_data"] = { messaging_product: "whatsapp", details };
  return { error };
}

/** A running fake Cloud API. Start with `FakeCloud.start()`, stop with `close()`. */
export class FakeCloud {
  readonly requests: CloudRequest[] = [];
  readonly sent: CloudSent[] = [];
  readonly templates: CloudTemplateSent[] = [];
  /** Wamids marked read. */
  readonly read: string[] = [];
  webhookUrl: string | undefined;
  readonly #server: LoopbackServer;
  readonly #options: Required<Omit<FakeCloudOptions, "webhookUrl">>;
  readonly #failures: ScriptedFailure[] = [];
  readonly #lastInbound = new Map<string, number>();
  readonly #background = new BackgroundWork();
  #counter = 0;
  #tokenValid = true;

  private constructor(options: FakeCloudOptions) {
    this.#options = {
      accessToken: options.accessToken ?? "test-access-token",
      phoneNumberId: options.phoneNumberId ?? "106540352242922",
      appSecret: options.appSecret ?? "test-app-secret",
      verifyToken: options.verifyToken ?? "test-verify-token",
      apiVersion: options.apiVersion ?? "v23.0",
      enforceWindow: options.enforceWindow ?? false,
      autoStatuses: options.autoStatuses ?? false,
      now: options.now ?? Date.now,
      approvedTemplates: options.approvedTemplates ?? [],
    };
    this.webhookUrl = options.webhookUrl;
    this.#server = new LoopbackServer((req, res) => this.#handle(req, res));
  }

  /** Starts a fake on a free loopback port. */
  static async start(options: FakeCloudOptions = {}): Promise<FakeCloud> {
    const fake = new FakeCloud(options);
    await fake.up();
    return fake;
  }

  /** The Graph base URL with version, for `CLOUD_API_URL`. */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#server.port}/${this.#options.apiVersion}`;
  }

  /** The next `n` text sends answer `status` with `body` (default a Graph 500, code 131000). */
  failNext(n: number, status = 500, body: unknown = graphError(131000, "Something went wrong")): void {
    for (let i = 0; i < n; i++) this.#failures.push({ match: (b) => b["type"] === "text", status, body });
  }

  /** The next text send answers Meta's spam rate limit (131048). */
  rateLimitNext(): void {
    this.failNext(
      1,
      400,
      graphError(
        131048,
        "(#131048) Spam rate limit hit",
        "Message failed to send because there are restrictions on how many messages can be sent from this phone number.",
      ),
    );
  }

  /** `false` makes the token expire: every call answers 401, code 190. */
  setConnected(connected: boolean): void {
    this.#tokenValid = connected;
  }

  /** Opens the 24-hour window for `waId` as if they had just written. */
  openWindow(waId: string): void {
    this.#lastInbound.set(waId, this.#options.now());
  }

  /** Stops listening and drops open connections. */
  async down(): Promise<void> {
    await this.#server.down();
  }

  /** Listens again, on the same port once one was assigned. */
  async up(): Promise<void> {
    await this.#server.up();
  }

  /** Waits for background notifications, then stops. */
  async close(): Promise<void> {
    await this.settle();
    await this.down();
  }

  /** Waits until every background notification has been answered. */
  async settle(): Promise<void> {
    await this.#background.settle();
  }

  /** Meta's GET handshake against the webhook URL, with our verify token unless `token` overrides it. */
  async verifyWebhook({
    token,
    challenge = "1158201444",
  }: {
    token?: string;
    challenge?: string;
  } = {}): Promise<WebhookDelivery> {
    if (this.webhookUrl === undefined) throw new Error("FakeCloud: no webhookUrl set");
    const url = new URL(this.webhookUrl);
    url.searchParams.set("hub.mode", "subscribe");
    url.searchParams.set("hub.challenge", challenge);
    url.searchParams.set("hub.verify_token", token ?? this.#options.verifyToken);
    const response = await fetch(url);
    return { status: response.status, body: await response.text() };
  }

  /** Posts an inbound text notification built from `inbound-text.json`; opens the user's window. */
  postMessage(message: {
    from: string;
    text: string;
    id?: string;
    name?: string;
    /** The sender's WhatsApp username (`contacts[].profile.username`, e.g. `@kai.cooks`), when they have one. */
    username?: string;
  }): Promise<WebhookDelivery> {
    const notification = loadContractExample<Notification>("cloud", "inbound-text.json");
    const value = notification.entry[0]!.changes[0]!.value;
    const [contact] = value["contacts"] as Record<string, unknown>[];
    const [inbound] = value["messages"] as Record<string, unknown>[];
    const profile = {
      name: message.name ?? "Sheena Nelson",
      ...(message.username ? { username: message.username } : {}),
    };
    value["contacts"] = [{ ...contact, wa_id: message.from, profile }];
    value["messages"] = [
      {
        ...inbound,
        from: message.from,
        id: message.id ?? this.#wamid(),
        timestamp: this.#seconds(),
        text: { body: message.text },
      },
    ];
    this.openWindow(message.from);
    return this.postNotification(notification);
  }

  /** Posts one status notification per wamid (from `status-delivered.json`; `failed` from `status-failed.json`). */
  async postStatus(
    wamids: string[],
    status: "sent" | "delivered" | "read" | "failed" = "delivered",
  ): Promise<WebhookDelivery[]> {
    const deliveries: WebhookDelivery[] = [];
    for (const wamid of wamids) {
      const file = status === "failed" ? "status-failed.json" : "status-delivered.json";
      const notification = loadContractExample<Notification>("cloud", file);
      const value = notification.entry[0]!.changes[0]!.value;
      const [example] = value["statuses"] as Record<string, unknown>[];
      value["statuses"] = [{ ...example, id: wamid, status, timestamp: this.#seconds() }];
      deliveries.push(await this.postNotification(notification));
    }
    return deliveries;
  }

  /** Posts any notification, serialised like Meta (non-ASCII escaped) and signed with the app secret. */
  postNotification(notification: unknown): Promise<WebhookDelivery> {
    const body = metaJson(notification);
    return this.postRaw(body, signCloud(body, this.#options.appSecret));
  }

  /** Posts `body` as is with `signature` as `X-Hub-Signature-256` (none when undefined). */
  postRaw(body: string | Buffer, signature: string | undefined): Promise<WebhookDelivery> {
    if (this.webhookUrl === undefined) throw new Error("FakeCloud: no webhookUrl set");
    return postWebhook(this.webhookUrl, body, signature === undefined ? {} : { "x-hub-signature-256": signature });
  }

  #wamid(): string {
    this.#counter += 1;
    return `wamid.${Buffer.from(`fake-${this.#counter.toString().padStart(12, "0")}`).toString("base64")}`;
  }

  #seconds(): string {
    return String(Math.floor(this.#options.now() / 1000));
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
    if (req.headers.authorization !== `Bearer ${this.#options.accessToken}`) {
      return json(res, 401, graphError(190, "Invalid OAuth access token - Cannot parse access token"));
    }
    if (!this.#tokenValid) return json(res, 401, graphError(190, "Error validating access token: Session has expired"));
    const match = new RegExp(`^/${this.#options.apiVersion.replace(".", "\\.")}/([^/]+)(/messages)?$`).exec(
      url.pathname,
    );
    if (!match) return json(res, 404, graphError(2500, "Unknown path components"));
    if (match[1] !== this.#options.phoneNumberId) {
      return json(
        res,
        400,
        graphError(
          100,
          `Unsupported ${req.method?.toLowerCase()} request. Object with ID '${match[1]}' does not exist`,
        ),
      );
    }
    if (req.method === "GET" && match[2] === undefined) {
      return json(res, 200, {
        verified_name: "Closer Test Shop",
        display_phone_number: "15550783881",
        id: match[1],
        quality_rating: "GREEN",
      });
    }
    if (req.method !== "POST" || match[2] === undefined) return json(res, 400, graphError(100, "Unsupported request"));
    if (!parsed.ok || parsed.value === null || typeof parsed.value !== "object") {
      return json(res, 400, graphError(100, "(#100) Invalid parameter"));
    }
    return this.#messages(res, parsed.value as Record<string, unknown>);
  }

  #messages(res: ServerResponse, body: Record<string, unknown>): Answered {
    if (body["messaging_product"] !== "whatsapp") {
      return json(res, 400, graphError(100, "(#100) The parameter messaging_product is required."));
    }
    const failure = this.#failures.findIndex((f) => f.match(body));
    if (failure >= 0) {
      const [scripted] = this.#failures.splice(failure, 1);
      return json(res, scripted!.status, scripted!.body);
    }
    if (body["status"] === "read") {
      if (typeof body["message_id"] !== "string")
        return json(res, 400, graphError(100, "(#100) The parameter message_id is required."));
      this.read.push(body["message_id"]);
      return json(res, 200, { success: true });
    }
    // A business-scoped user id goes in `recipient`; `to` (a phone) wins when both are there.
    const to = typeof body["to"] === "string" && body["to"] !== "" ? body["to"] : body["recipient"];
    if (typeof to !== "string" || to === "")
      return json(res, 400, graphError(100, "(#100) The parameter to is required."));
    if (body["type"] === "template") return this.#template(res, to, body);
    if (body["type"] !== "text")
      return json(res, 400, graphError(100, "(#100) Param type must be one of the supported types"));
    const text = body["text"] as Record<string, unknown> | undefined;
    const textBody = text?.["body"];
    if (typeof textBody !== "string" || textBody === "")
      return json(res, 400, graphError(100, "(#100) The parameter text['body'] is required."));
    if (textBody.length > 4096)
      return json(res, 400, graphError(100, "(#100) Param text['body'] must be at most 4096 characters long."));
    const waId = to.replace(/^\+/, "");
    const lastInbound = this.#lastInbound.get(waId);
    if (this.#options.enforceWindow && (lastInbound === undefined || this.#options.now() - lastInbound > WINDOW_MS)) {
      return json(
        res,
        400,
        graphError(
          131047,
          "(#131047) Re-engagement message",
          "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
        ),
      );
    }
    const wamid = this.#wamid();
    const context = body["context"] as Record<string, unknown> | undefined;
    this.sent.push({
      wamid,
      to: waId,
      body: textBody,
      previewUrl: text?.["preview_url"],
      contextMessageId: typeof context?.["message_id"] === "string" ? context["message_id"] : null,
    });
    json(res, 200, {
      messaging_product: "whatsapp",
      contacts: [{ input: to, wa_id: waId }],
      messages: [{ id: wamid }],
    });
    if (this.#options.autoStatuses && this.webhookUrl !== undefined) {
      const work = (async () => {
        for (const status of ["sent", "delivered", "read"] as const) await this.postStatus([wamid], status);
      })();
      this.#background.run(work);
    }
    return true;
  }

  /** A template message (contract §6): approved name, `language.code`, body parameters; no window check. */
  #template(res: ServerResponse, to: string, body: Record<string, unknown>): Answered {
    const template = body["template"] as Record<string, unknown> | undefined;
    const name = template?.["name"];
    const language = (template?.["language"] as Record<string, unknown> | undefined)?.["code"];
    if (typeof name !== "string" || typeof language !== "string") {
      return json(
        res,
        400,
        graphError(100, "(#100) The parameter template['name'] and ['language']['code'] are required."),
      );
    }
    if (!this.#options.approvedTemplates.includes(name)) {
      return json(res, 404, graphError(132001, "(#132001) Template name does not exist in the translation"));
    }
    const components = Array.isArray(template?.["components"])
      ? (template["components"] as Record<string, unknown>[])
      : [];
    const bodyParameters = components.find((c) => c["type"] === "body")?.["parameters"];
    const parameters = Array.isArray(bodyParameters)
      ? bodyParameters.map((p) => String((p as Record<string, unknown>)["text"] ?? ""))
      : [];
    const wamid = this.#wamid();
    const waId = to.replace(/^\+/, "");
    this.templates.push({ wamid, to: waId, name, language, parameters });
    return json(res, 200, {
      messaging_product: "whatsapp",
      contacts: [{ input: to, wa_id: waId }],
      messages: [{ id: wamid }],
    });
  }
}

function json(res: ServerResponse, status: number, body: unknown): Answered {
  return sendJson(res, status, body, "application/json; charset=UTF-8");
}
