/**
 * The WAHA adapter: `POST /api/sendText`, `/api/sendSeen`, `/api/startTyping`,
 * `/api/stopTyping`, `GET /api/sessions/{session}` and
 * `GET /api/{session}/chats/{chatId}/messages` (our sent messages, to reconcile
 * after a crash), with `X-Api-Key`.
 * @module
 */
import { z } from "zod";
import { describeGatewayFailure, GatewayError, gatewayErrorFromHttp, unexpectedAnswer } from "./gateway-error.js";
import { type HttpDeps, type JsonResponse, joinUrl, requestJson } from "./http-json.js";
import type { GatewayHealth, OutboundText, SendResult, SentHistoryEntry, WhatsAppGateway } from "./whatsapp-gateway.js";
import { parseJid } from "./whatsapp-id.js";

/** How to reach WAHA. */
export interface WahaGatewayConfig {
  /** Base URL, e.g. `http://waha:3000`. */
  url: string;
  /** `X-Api-Key`; unset only when WAHA runs with `WAHA_NO_API_KEY=True`. */
  apiKey?: string | undefined;
  /** Session name; default `default`. */
  session?: string | undefined;
}

/** The fields of the `WAMessage` answer to `sendText` that Closer uses. */
const sentMessageSchema = z.looseObject({
  id: z.union([z.string().min(1), z.looseObject({ _serialized: z.string().min(1) })]),
});
const sessionInfoSchema = z.looseObject({ status: z.string() });
/** The fields of the `WAMessage` items of a chat's history that Closer uses. */
const historySchema = z.array(
  z.looseObject({
    id: z.union([z.string().min(1), z.looseObject({ _serialized: z.string().min(1) })]),
    timestamp: z.number(),
    fromMe: z.boolean(),
    body: z.string().nullish(),
  }),
);
/** Most messages one history request asks for. */
const HISTORY_LIMIT = 100;
/** Every error shape WAHA answers with: NestJS errors, the 422 session error, the 500 exception dump. */
const errorSchema = z.looseObject({
  message: z.union([z.string(), z.array(z.string())]).optional(),
  error: z.string().optional(),
  status: z.string().optional(),
  exception: z.looseObject({ message: z.string().optional(), name: z.string().optional() }).optional(),
});

/** WAHA answers 422 when the session is not `WORKING`: a state that passes, so retry. */
const SESSION_NOT_WORKING_STATUS = 422;
/** WhatsApp's anti-spam refusal, which WAHA (GOWS) passes through as a 500 "server returned error 463". */
const REACHOUT_TIMELOCK_PATTERN = /\b463\b/;

/** Talks to one WAHA session. Every call throws `GatewayError` on failure (see `send`). */
export class WahaGateway implements WhatsAppGateway {
  readonly name = "waha" as const;
  readonly #config: Required<Pick<WahaGatewayConfig, "url" | "session">> & { apiKey: string | undefined };
  readonly #deps: HttpDeps;

  constructor(config: WahaGatewayConfig, deps: HttpDeps = {}) {
    this.#config = Object.freeze({ url: config.url, apiKey: config.apiKey, session: config.session ?? "default" });
    this.#deps = deps;
  }

  /**
   * Sends a text (no link preview), quoting `inReplyTo` (a WAHA message id) when given.
   * @throws GatewayError: `gateway_unreachable` (network, timeout, 5xx, session not WORKING),
   * `gateway_rate_limited` (429; `longPause` for error 463), `gateway_rejected` (4xx; 401 with `authProblem`).
   */
  async send(message: OutboundText): Promise<SendResult> {
    const body: Record<string, unknown> = {
      session: this.#config.session,
      chatId: toWahaChatId(message.to),
      text: message.text,
      linkPreview: false,
    };
    if (message.inReplyTo) body["reply_to"] = message.inReplyTo;
    const response = await this.#call("POST", "/api/sendText", body);
    const sent = sentMessageSchema.safeParse(response.body);
    if (!sent.success) throw unexpectedAnswer("waha", "sendText answered without an id", response.status);
    const id = sent.data.id;
    return { gatewayMessageId: typeof id === "string" ? id : id._serialized };
  }

  /** Marks `gatewayMessageId` in `chat` seen. @throws GatewayError like `send`; callers treat it as best effort. */
  async markRead(chat: string, gatewayMessageId: string): Promise<void> {
    await this.#call("POST", "/api/sendSeen", {
      session: this.#config.session,
      chatId: toWahaChatId(chat),
      messageIds: [gatewayMessageId],
    });
  }

  /** Starts or stops "typing…" in `chat`. @throws GatewayError like `send`; callers treat it as best effort. */
  async setTyping(chat: string, typing: boolean): Promise<void> {
    await this.#call("POST", typing ? "/api/startTyping" : "/api/stopTyping", {
      session: this.#config.session,
      chatId: toWahaChatId(chat),
    });
  }

  /**
   * Our messages in `chat` since `since`: `GET /api/{session}/chats/{chatId}/messages` with
   * `filter.fromMe=true`, `filter.timestamp.gte` (seconds) and no media download.
   * @throws GatewayError like `send`.
   */
  async sentSince(chat: string, since: number): Promise<SentHistoryEntry[]> {
    const query = new URLSearchParams({
      limit: String(HISTORY_LIMIT),
      downloadMedia: "false",
      "filter.fromMe": "true",
      "filter.timestamp.gte": String(Math.floor(since / 1000)),
    });
    const session = encodeURIComponent(this.#config.session);
    const chatId = encodeURIComponent(toWahaChatId(chat));
    const response = await this.#call("GET", `/api/${session}/chats/${chatId}/messages?${query}`);
    const history = historySchema.safeParse(response.body);
    if (!history.success) throw unexpectedAnswer("waha", "chat messages answered without a list", response.status);
    return history.data
      .filter((m) => m.fromMe)
      .map((m) => ({
        gatewayMessageId: typeof m.id === "string" ? m.id : m.id._serialized,
        text: m.body ?? "",
        at: m.timestamp * 1000,
      }));
  }

  /** Connected when the session's status is `WORKING`. Never throws. */
  async health(): Promise<GatewayHealth> {
    try {
      const response = await this.#call("GET", `/api/sessions/${encodeURIComponent(this.#config.session)}`);
      const info = sessionInfoSchema.safeParse(response.body);
      if (!info.success) return { connected: false, detail: "unexpected session answer" };
      const status = info.data.status;
      return status === "WORKING" ? { connected: true, detail: "WORKING" } : { connected: false, detail: status };
    } catch (error) {
      return { connected: false, detail: describeGatewayFailure(error) };
    }
  }

  async #call(method: "GET" | "POST", path: string, body?: unknown): Promise<JsonResponse> {
    const headers: Record<string, string> = {};
    if (this.#config.apiKey) headers["x-api-key"] = this.#config.apiKey;
    const response = await requestJson(
      "waha",
      { method, url: joinUrl(this.#config.url, path), headers, body },
      this.#deps,
    );
    if (response.status >= 200 && response.status < 300) return response;
    throw wahaError(response);
  }
}

/**
 * The `chatId` WAHA expects: digits (or a `@s.whatsapp.net` JID, which WAHA must
 * never be sent) become `<digits>@c.us`; `…@c.us` and `…@lid` pass as given.
 */
export function toWahaChatId(to: string): string {
  const parsed = parseJid(to);
  if (parsed.kind === "phone") return `${parsed.user}@c.us`;
  return to;
}

function wahaError(response: JsonResponse): GatewayError {
  const parsed = errorSchema.safeParse(response.body);
  const body = parsed.success ? parsed.data : {};
  const rawMessage = body.exception?.message ?? body.message ?? body.error;
  const gatewayMessage = Array.isArray(rawMessage) ? rawMessage.join("; ") : (rawMessage ?? null);
  if (response.status === SESSION_NOT_WORKING_STATUS && body.status !== undefined) {
    // The session is starting or waits for a QR scan: the same send works once it is WORKING.
    return new GatewayError("gateway_unreachable", `WAHA session is ${body.status}, not WORKING`, {
      gateway: "waha",
      httpStatus: response.status,
      gatewayCode: `SESSION_${body.status}`,
      gatewayMessage,
    });
  }
  const timelock = gatewayMessage !== null && REACHOUT_TIMELOCK_PATTERN.test(gatewayMessage);
  return gatewayErrorFromHttp({
    gateway: "waha",
    httpStatus: response.status,
    gatewayCode: timelock ? "463" : (body.exception?.name ?? null),
    gatewayMessage,
    retryAfterMs: response.retryAfterMs,
    longPause: timelock,
  });
}
