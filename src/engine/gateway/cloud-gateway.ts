/**
 * The WhatsApp Cloud API adapter: `POST {CLOUD_API_URL}/{phone_number_id}/messages`
 * with a Bearer token, for texts and read receipts; Graph errors
 * (`{error: {code, message, …}}`) are mapped by their code, which says more than the HTTP status.
 * @module
 */
import { z } from "zod";
import { describeGatewayFailure, GatewayError, gatewayErrorFromHttp, unexpectedAnswer } from "./gateway-error.js";
import { type HttpDeps, type JsonResponse, joinUrl, requestJson } from "./http-json.js";
import type { GatewayHealth, OutboundTemplate, OutboundText, SendResult, WhatsAppGateway } from "./whatsapp-gateway.js";

/** How to reach the Cloud API. */
export interface CloudGatewayConfig {
  /** Graph base URL with version, e.g. `https://graph.facebook.com/v23.0`. */
  apiUrl: string;
  /** The business phone number id we send from. */
  phoneNumberId: string;
  /** A system-user access token with `whatsapp_business_messaging`. */
  accessToken: string;
}

const sendAnswerSchema = z.looseObject({ messages: z.array(z.looseObject({ id: z.string().min(1) })).min(1) });
const graphErrorSchema = z.looseObject({
  error: z.looseObject({
    code: z.number().optional(),
    message: z.string().optional(),
    error_data: z.looseObject({ details: z.string().optional() }).optional(),
  }),
});

/** Graph codes that mean a number-wide anti-spam limit: stop sending for a long time. */
export const CLOUD_LONG_PAUSE_CODES: ReadonlySet<number> = new Set([131048]);
/** Graph codes that mean "slow down" (throughput, pair rate, app call limits). */
export const CLOUD_RATE_LIMIT_CODES: ReadonlySet<number> = new Set([4, 613, 80007, 130429, 131056]);
/** Graph codes that mean the token, permissions or the account need an operator. */
export const CLOUD_AUTH_CODES: ReadonlySet<number> = new Set([0, 10, 102, 190, 131005, 131031]);
/** Graph codes that mean a temporary failure on Meta's side. */
export const CLOUD_TRANSIENT_CODES: ReadonlySet<number> = new Set([1, 2, 131000, 131016, 133004]);
/** Longest text the Cloud API takes in one message, in characters. */
export const CLOUD_TEXT_MAX_CHARS = 4096;

/** Talks to one Cloud API phone number. Every call throws `GatewayError` on failure (see `send`). */
/** A business-scoped user id (`US.13491208655302741918`): sent as `recipient` instead of `to`. */
const BUSINESS_SCOPED_USER_ID = /^[A-Z]{2}\.[A-Za-z0-9]+$/;

export class CloudGateway implements WhatsAppGateway {
  readonly name = "cloud" as const;
  readonly #config: CloudGatewayConfig;
  readonly #deps: HttpDeps;

  constructor(config: CloudGatewayConfig, deps: HttpDeps = {}) {
    this.#config = Object.freeze({ ...config });
    this.#deps = deps;
  }

  /**
   * Sends a text (no link preview) to a phone number (or a business-scoped user id `US.1349…`), in reply to `inReplyTo` (a wamid) when given.
   * Only inside the 24-hour customer-service window: outside it the API refuses (131047).
   * @throws GatewayError: `gateway_unreachable` (network, timeout, 5xx, transient Graph codes),
   * `gateway_rate_limited` (429, 130429, 131056, …; `longPause` for 131048), `gateway_rejected`
   * (131026 undeliverable, 131047 window closed, bad request; token/permission codes with `authProblem`).
   */
  async send(message: OutboundText): Promise<SendResult> {
    const recipient = this.#recipient(message.to);
    if (message.text.length > CLOUD_TEXT_MAX_CHARS) {
      throw new GatewayError("gateway_rejected", `Cloud API takes at most ${CLOUD_TEXT_MAX_CHARS} characters`, {
        gateway: "cloud",
        gatewayCode: "TEXT_TOO_LONG",
      });
    }
    const body: Record<string, unknown> = {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      ...recipient,
      type: "text",
      text: { body: message.text, preview_url: false },
    };
    if (message.inReplyTo) body["context"] = { message_id: message.inReplyTo };
    const response = await this.#call("POST", "/messages", body);
    const answer = sendAnswerSchema.safeParse(response.body);
    if (!answer.success) throw unexpectedAnswer("cloud", "send answered without messages[0].id", response.status);
    return { gatewayMessageId: answer.data.messages[0]!.id };
  }

  /** Marks the inbound `gatewayMessageId` read (blue ticks). @throws GatewayError like `send`; best effort. */
  /**
   * Sends an approved template message (`type: "template"`, body parameters as text), which the
   * Cloud API accepts outside the 24-hour customer-service window.
   */
  async sendTemplate(message: OutboundTemplate): Promise<SendResult> {
    const recipient = this.#recipient(message.to);
    const body: Record<string, unknown> = {
      messaging_product: "whatsapp",
      recipient_type: "individual",
      ...recipient,
      type: "template",
      template: {
        name: message.name,
        language: { code: message.language, policy: "deterministic" },
        ...(message.parameters.length === 0
          ? {}
          : {
              components: [{ type: "body", parameters: message.parameters.map((text) => ({ type: "text", text })) }],
            }),
      },
    };
    const response = await this.#call("POST", "/messages", body);
    const answer = sendAnswerSchema.safeParse(response.body);
    if (!answer.success) throw unexpectedAnswer("cloud", "send answered without messages[0].id", response.status);
    return { gatewayMessageId: answer.data.messages[0]!.id };
  }

  async markRead(_chat: string, gatewayMessageId: string): Promise<void> {
    await this.#call("POST", "/messages", {
      messaging_product: "whatsapp",
      status: "read",
      message_id: gatewayMessageId,
    });
  }

  /**
   * Does nothing: the contract documents no typing indicator for a chat (Meta ties one
   * to marking a specific message read), so pacing waits without showing "typing…".
   */
  async setTyping(_chat: string, _typing: boolean): Promise<void> {}

  /**
   * Connected when a `GET` of the phone number id succeeds with our token (inferred:
   * a plain Graph node read, not in the contract). Never throws.
   */
  async health(): Promise<GatewayHealth> {
    try {
      await this.#call("GET", "");
      return { connected: true, detail: "token accepted" };
    } catch (error) {
      return { connected: false, detail: describeGatewayFailure(error) };
    }
  }

  /** `to` for a phone number, `recipient` for a business-scoped user id (username, phone withheld). */
  #recipient(address: string): { to: string } | { recipient: string } {
    if (BUSINESS_SCOPED_USER_ID.test(address)) return { recipient: address };
    const to = address.replace(/^\+/, "");
    if (!/^\d{5,20}$/.test(to)) {
      throw new GatewayError(
        "gateway_rejected",
        "Cloud API can only send to a phone number or a business-scoped user id",
        {
          gateway: "cloud",
          gatewayCode: "UNSUPPORTED_RECIPIENT",
        },
      );
    }
    return { to };
  }

  async #call(method: "GET" | "POST", path: string, body?: unknown): Promise<JsonResponse> {
    const url = joinUrl(this.#config.apiUrl, `${encodeURIComponent(this.#config.phoneNumberId)}${path}`);
    const headers = { authorization: `Bearer ${this.#config.accessToken}` };
    const response = await requestJson("cloud", { method, url, headers, body }, this.#deps);
    if (response.status >= 200 && response.status < 300) return response;
    throw cloudError(response);
  }
}

function cloudError(response: JsonResponse): GatewayError {
  const parsed = graphErrorSchema.safeParse(response.body);
  const error = parsed.success ? parsed.data.error : undefined;
  const code = error?.code;
  const failure = {
    gateway: "cloud" as const,
    httpStatus: response.status,
    gatewayCode: code === undefined ? null : String(code),
    gatewayMessage: error ? [error.message, error.error_data?.details].filter(Boolean).join(": ") : null,
    retryAfterMs: response.retryAfterMs,
  };
  if (code === undefined) return gatewayErrorFromHttp(failure);
  if (CLOUD_LONG_PAUSE_CODES.has(code)) return gatewayErrorFromHttp({ ...failure, longPause: true });
  if (CLOUD_RATE_LIMIT_CODES.has(code)) return gatewayErrorFromHttp({ ...failure, rateLimited: true });
  if (CLOUD_TRANSIENT_CODES.has(code)) {
    return new GatewayError("gateway_unreachable", `Cloud API failed: HTTP ${response.status} ${code}`, failure);
  }
  if (CLOUD_AUTH_CODES.has(code)) {
    return new GatewayError("gateway_rejected", `Cloud API refused our credentials: ${code}`, {
      ...failure,
      authProblem: true,
    });
  }
  return gatewayErrorFromHttp(failure);
}
