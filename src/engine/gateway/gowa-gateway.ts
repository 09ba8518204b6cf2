/**
 * The GOWA (go-whatsapp-web-multidevice) adapter: `POST /send/message`,
 * `POST /message/{id}/read`, `POST /send/chat-presence`, `GET /app/status`,
 * `GET /chat/{chat_jid}/messages` (our sent messages, to reconcile after a crash),
 * with HTTP Basic auth and `X-Device-Id`, answers in `{code, message, results}`.
 * @module
 */
import { z } from "zod";
import { describeGatewayFailure, type GatewayError, gatewayErrorFromHttp, unexpectedAnswer } from "./gateway-error.js";
import { type HttpDeps, type JsonResponse, joinUrl, requestJson } from "./http-json.js";
import type { GatewayHealth, OutboundText, SendResult, SentHistoryEntry, WhatsAppGateway } from "./whatsapp-gateway.js";

/** How to reach GOWA. */
export interface GowaGatewayConfig {
  /** Base URL including any `APP_BASE_PATH`, e.g. `http://gowa:3000`. */
  url: string;
  /** `user:pass` for HTTP Basic auth (`APP_BASIC_AUTH`); unset when GOWA runs without auth. */
  basicAuth?: string | undefined;
  /** Device slot id or account JID, sent as `X-Device-Id` on every call when set. */
  deviceId?: string | undefined;
}

/** GOWA's answer envelope; errors carry no `results` (except device errors). */
const envelopeSchema = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  results: z.unknown().optional(),
});
const sendResultsSchema = z.looseObject({ message_id: z.string().min(1) });
const statusResultsSchema = z.looseObject({ is_connected: z.boolean(), is_logged_in: z.boolean() });
/** `ChatMessagesResponse.results`: the stored messages of one chat. */
const chatMessagesResultsSchema = z.looseObject({
  data: z
    .array(
      z.looseObject({
        id: z.string(),
        content: z.string().nullish(),
        timestamp: z.string(),
        is_from_me: z.boolean(),
      }),
    )
    .nullish(),
});
/** Most messages one history request asks for (GOWA's maximum). */
const HISTORY_LIMIT = 100;

/** The GOWA error code of WhatsApp's anti-spam refusal (error 463): stop sending for a long time. */
export const GOWA_REACHOUT_TIMELOCK = "WA_REACHOUT_TIMELOCK";

/** Talks to one GOWA device. Every call throws `GatewayError` on failure (see `send`). */
export class GowaGateway implements WhatsAppGateway {
  readonly name = "gowa" as const;
  readonly #config: GowaGatewayConfig;
  readonly #deps: HttpDeps;

  constructor(config: GowaGatewayConfig, deps: HttpDeps = {}) {
    this.#config = Object.freeze({ ...config });
    this.#deps = deps;
  }

  /**
   * Sends a text, quoting `inReplyTo` when given (GOWA sends unquoted if it no longer knows that id).
   * @throws GatewayError: `gateway_unreachable` (network, timeout, 5xx), `gateway_rate_limited`
   * (429; `longPause` for `WA_REACHOUT_TIMELOCK`), `gateway_rejected` (`INVALID_JID`, validation; 401 with `authProblem`).
   */
  async send(message: OutboundText): Promise<SendResult> {
    const body: Record<string, unknown> = { phone: toGowaPhone(message.to), message: message.text };
    if (message.inReplyTo) body["reply_message_id"] = message.inReplyTo;
    const response = await this.#post("/send/message", body);
    const results = sendResultsSchema.safeParse(envelopeSchema.parse(response.body).results);
    if (!results.success) throw unexpectedAnswer("gowa", "send answered without results.message_id", response.status);
    return { gatewayMessageId: results.data.message_id };
  }

  /** Marks `gatewayMessageId` in `chat` read. @throws GatewayError like `send`; callers treat it as best effort. */
  async markRead(chat: string, gatewayMessageId: string): Promise<void> {
    await this.#post(`/message/${encodeURIComponent(gatewayMessageId)}/read`, { phone: toGowaPhone(chat) });
  }

  /** Starts or stops "typing…" in `chat`. @throws GatewayError like `send`; callers treat it as best effort. */
  async setTyping(chat: string, typing: boolean): Promise<void> {
    await this.#post("/send/chat-presence", { phone: toGowaPhone(chat), action: typing ? "start" : "stop" });
  }

  /**
   * Our messages in `chat` since `since`: `GET /chat/{chat_jid}/messages?is_from_me=true&start_time=…`
   * (GOWA's chat storage keeps the texts sent through its API).
   * @throws GatewayError like `send`.
   */
  async sentSince(chat: string, since: number): Promise<SentHistoryEntry[]> {
    const query = new URLSearchParams({
      is_from_me: "true",
      start_time: new Date(Math.floor(since / 1000) * 1000).toISOString().replace(".000Z", "Z"),
      limit: String(HISTORY_LIMIT),
    });
    const response = await this.#call("GET", `/chat/${encodeURIComponent(toGowaPhone(chat))}/messages?${query}`);
    const results = chatMessagesResultsSchema.safeParse(envelopeSchema.parse(response.body).results);
    if (!results.success) throw unexpectedAnswer("gowa", "chat messages answered without results", response.status);
    const entries: SentHistoryEntry[] = [];
    for (const message of results.data.data ?? []) {
      const at = Date.parse(message.timestamp);
      if (!message.is_from_me || Number.isNaN(at)) continue;
      entries.push({ gatewayMessageId: message.id, text: message.content ?? "", at });
    }
    return entries;
  }

  /** Connected when `GET /app/status` says `is_connected && is_logged_in`. Never throws. */
  async health(): Promise<GatewayHealth> {
    try {
      const response = await this.#call("GET", "/app/status");
      const results = statusResultsSchema.safeParse(envelopeSchema.parse(response.body).results);
      if (!results.success) return { connected: false, detail: "unexpected /app/status answer" };
      const { is_connected, is_logged_in } = results.data;
      if (is_connected && is_logged_in) return { connected: true, detail: "connected" };
      return { connected: false, detail: is_connected ? "logged out" : "disconnected from WhatsApp" };
    } catch (error) {
      return { connected: false, detail: describeGatewayFailure(error) };
    }
  }

  async #post(path: string, body: unknown): Promise<JsonResponse> {
    return this.#call("POST", path, body);
  }

  async #call(method: "GET" | "POST", path: string, body?: unknown): Promise<JsonResponse> {
    const response = await requestJson(
      "gowa",
      { method, url: joinUrl(this.#config.url, path), headers: this.#headers(), body },
      this.#deps,
    );
    if (response.status >= 200 && response.status < 300 && envelopeSchema.safeParse(response.body).success) {
      return response;
    }
    throw gowaError(response);
  }

  #headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.#config.basicAuth) {
      headers["authorization"] = `Basic ${Buffer.from(this.#config.basicAuth, "utf8").toString("base64")}`;
    }
    if (this.#config.deviceId) headers["x-device-id"] = this.#config.deviceId;
    return headers;
  }
}

/**
 * The `phone` GOWA expects: digits become `<digits>@s.whatsapp.net`; ids with `@`
 * (`…@lid`, `…@s.whatsapp.net`) are passed as given.
 */
export function toGowaPhone(to: string): string {
  if (to.includes("@")) return to;
  return `${to.replace(/[^\d]/g, "")}@s.whatsapp.net`;
}

function gowaError(response: JsonResponse): GatewayError {
  const envelope = envelopeSchema.safeParse(response.body);
  const gatewayCode = envelope.success ? (envelope.data.code ?? null) : null;
  const gatewayMessage = envelope.success
    ? (envelope.data.message ?? null)
    : typeof response.body === "string"
      ? response.body
      : null;
  if (response.status >= 200 && response.status < 300) {
    return unexpectedAnswer("gowa", "answer is not a GOWA envelope", response.status);
  }
  return gatewayErrorFromHttp({
    gateway: "gowa",
    httpStatus: response.status,
    gatewayCode,
    gatewayMessage,
    retryAfterMs: response.retryAfterMs,
    longPause: gatewayCode === GOWA_REACHOUT_TIMELOCK,
  });
}
