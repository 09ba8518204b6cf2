/**
 * The error every gateway adapter throws: "we could not reach it" (retry),
 * "slow down" (pause) or "the gateway said no" (do not retry), with the
 * gateway's own code and a phone-masked message kept for the logs.
 * @module
 */
import { CloserError } from "../../errors.js";
import type { GatewayName } from "./whatsapp-gateway.js";

/** The three error codes a gateway call can end with. */
export type GatewayErrorCode = "gateway_unreachable" | "gateway_rate_limited" | "gateway_rejected";

/** Longest gateway message kept on an error, in characters. */
export const GATEWAY_MESSAGE_MAX_CHARS = 300;

/** What an adapter knows about a failed call. Everything here is safe to log. */
export interface GatewayErrorInit {
  gateway: GatewayName;
  /** HTTP status of the gateway's answer; null when there was no answer. */
  httpStatus?: number | null;
  /** The gateway's own error code (`INVALID_JID`, `WA_REACHOUT_TIMELOCK`, `131026`, `ECONNREFUSED`, …). */
  gatewayCode?: string | null;
  /** The gateway's error message, phone numbers masked (see `redactPhoneNumbers`). */
  gatewayMessage?: string | null;
  /** How long the gateway asked us to wait (from `Retry-After`), in ms; null when it did not say. */
  retryAfterMs?: number | null;
  /** True for anti-spam limits on the whole number (GOWA `WA_REACHOUT_TIMELOCK`, Cloud 131048, …): pause for long. */
  longPause?: boolean;
  /** True when credentials or the WhatsApp login are the problem (401/403): an operator must act. */
  authProblem?: boolean;
  /** True when the request timed out: the gateway may still have sent the message. */
  timedOut?: boolean;
  cause?: unknown;
}

/**
 * A failed gateway call. `gateway_unreachable` (network error, timeout, 5xx) and
 * `gateway_rate_limited` (429 and equivalents) are `retryable`; `gateway_rejected`
 * (other 4xx: number not on WhatsApp, bad request, auth) is not.
 */
export class GatewayError extends CloserError {
  override readonly name: string = "GatewayError";
  declare readonly code: GatewayErrorCode;
  readonly gateway: GatewayName;
  readonly httpStatus: number | null;
  readonly gatewayCode: string | null;
  readonly gatewayMessage: string | null;
  readonly retryAfterMs: number | null;
  readonly longPause: boolean;
  readonly authProblem: boolean;
  readonly timedOut: boolean;

  constructor(code: GatewayErrorCode, message: string, init: GatewayErrorInit) {
    const details = {
      gateway: init.gateway,
      httpStatus: init.httpStatus ?? null,
      gatewayCode: init.gatewayCode ?? null,
      gatewayMessage: init.gatewayMessage == null ? null : redactPhoneNumbers(init.gatewayMessage),
      retryAfterMs: init.retryAfterMs ?? null,
      longPause: init.longPause ?? false,
      authProblem: init.authProblem ?? false,
      timedOut: init.timedOut ?? false,
    };
    super(code, message, { cause: init.cause, details });
    this.gateway = details.gateway;
    this.httpStatus = details.httpStatus;
    this.gatewayCode = details.gatewayCode;
    this.gatewayMessage = details.gatewayMessage;
    this.retryAfterMs = details.retryAfterMs;
    this.longPause = details.longPause;
    this.authProblem = details.authProblem;
    this.timedOut = details.timedOut;
  }

  /** True when the same request may succeed later (after `retryAfterMs`, or a long pause when `longPause`). */
  get retryable(): boolean {
    return this.code !== "gateway_rejected";
  }
}

/** True when `error` is a GatewayError. */
export function isGatewayError(error: unknown): error is GatewayError {
  return error instanceof GatewayError;
}

/** What the generic HTTP status mapping needs from an adapter. */
export interface HttpFailure {
  gateway: GatewayName;
  httpStatus: number;
  gatewayCode?: string | null;
  gatewayMessage?: string | null;
  retryAfterMs?: number | null;
  /** Set by the adapter when the gateway's code means "slow down" whatever the HTTP status. */
  rateLimited?: boolean;
  /** Set by the adapter when the gateway's code means a number-wide anti-spam limit (implies rate limited). */
  longPause?: boolean;
}

/**
 * The default mapping of an HTTP failure: 429 → rate limited; 408 and 5xx →
 * unreachable; 401/403 → rejected with `authProblem`; any other status → rejected.
 * Adapters handle their vendor's special codes before falling back to this.
 */
export function gatewayErrorFromHttp(failure: HttpFailure): GatewayError {
  const { gateway, httpStatus } = failure;
  const init: GatewayErrorInit = {
    gateway,
    httpStatus,
    gatewayCode: failure.gatewayCode ?? null,
    gatewayMessage: failure.gatewayMessage ?? null,
    retryAfterMs: failure.retryAfterMs ?? null,
    longPause: failure.longPause ?? false,
  };
  const said = describeFailure(failure);
  if (httpStatus === 429 || failure.rateLimited || failure.longPause) {
    return new GatewayError("gateway_rate_limited", `${label(gateway)} asked us to slow down: ${said}`, init);
  }
  if (httpStatus === 408 || httpStatus >= 500) {
    return new GatewayError("gateway_unreachable", `${label(gateway)} failed: ${said}`, init);
  }
  const authProblem = httpStatus === 401 || httpStatus === 403;
  return new GatewayError("gateway_rejected", `${label(gateway)} refused the request: ${said}`, {
    ...init,
    authProblem,
  });
}

/** A network error or timeout (no HTTP answer) as `gateway_unreachable`. */
export function gatewayUnreachable(gateway: GatewayName, cause: unknown): GatewayError {
  const timedOut = isTimeout(cause);
  const code = timedOut ? "TIMEOUT" : networkCode(cause);
  return new GatewayError("gateway_unreachable", `${label(gateway)} unreachable: ${code}`, {
    gateway,
    gatewayCode: code,
    timedOut,
    cause,
  });
}

/**
 * A 2xx answer the adapter cannot read. Not retryable: the gateway may have sent
 * the message, and a second send would reach the customer twice.
 */
export function unexpectedAnswer(gateway: GatewayName, what: string, httpStatus: number): GatewayError {
  return new GatewayError("gateway_rejected", `${label(gateway)} gave an unexpected answer: ${what}`, {
    gateway,
    httpStatus,
    gatewayCode: "UNEXPECTED_ANSWER",
  });
}

/** A short health detail for a failed health check: `unreachable: ECONNREFUSED`, `HTTP 401 AUTHENTICATION_ERROR`. */
export function describeGatewayFailure(error: unknown): string {
  if (!(error instanceof GatewayError)) return "unexpected error";
  if (error.httpStatus === null) return `unreachable: ${error.gatewayCode ?? "network error"}`;
  return `HTTP ${error.httpStatus}${error.gatewayCode ? ` ${error.gatewayCode}` : ""}`;
}

/**
 * Masks every run of seven or more digits to its last four (`6289685028129@s.whatsapp.net`
 * → `…8129@s.whatsapp.net`) and caps the length, so gateway messages can be logged.
 */
export function redactPhoneNumbers(text: string): string {
  const masked = text.replace(/\+?\d{7,}/g, (digits) => `…${digits.slice(-4)}`);
  return masked.length > GATEWAY_MESSAGE_MAX_CHARS ? `${masked.slice(0, GATEWAY_MESSAGE_MAX_CHARS)}…` : masked;
}

/** The display name of a gateway in messages. */
export function label(gateway: GatewayName): string {
  return { playground: "Playground", gowa: "GOWA", waha: "WAHA", cloud: "Cloud API" }[gateway];
}

function describeFailure(failure: HttpFailure): string {
  const parts = [`HTTP ${failure.httpStatus}`];
  if (failure.gatewayCode) parts.push(failure.gatewayCode);
  return parts.join(" ");
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
}

/** undici wraps the system error (`ECONNREFUSED`, …) in `cause`. */
function networkCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    const code = (current as Error & { code?: unknown }).code;
    if (typeof code === "string" && code !== "") return code;
    current = current.cause;
  }
  return error instanceof Error ? error.name : "network error";
}
