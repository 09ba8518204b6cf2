/**
 * The one HTTP helper the gateway adapters share: a JSON request with a
 * per-request timeout that turns network failures into `gateway_unreachable`
 * and hands every answer (any status) back for the adapter to interpret.
 * @module
 */
import { Agent, request as undiciRequest } from "undici";
import { gatewayUnreachable } from "./gateway-error.js";
import type { GatewayName } from "./whatsapp-gateway.js";

/**
 * How long a gateway request may take, ms: longer than GOWA's own 45 s request deadline, so a
 * slow send ends with the gateway's answer rather than ours (a send we gave up on may still have
 * gone out, and is then not retried).
 */
export const GATEWAY_REQUEST_TIMEOUT_MS = 50_000;

/** The `fetch` the adapters call; injectable for tests. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** I/O the adapters take from their caller. */
export interface HttpDeps {
  /** Default: undici's `request` over a keep-alive connection pool per gateway origin (cheaper per call than `fetch`). */
  fetch?: FetchLike;
  /** Per-request timeout in ms; default `GATEWAY_REQUEST_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Current time in epoch ms, for HTTP-date `Retry-After` values; default `Date.now`. */
  now?: () => number;
}

/** One request to a gateway. */
export interface JsonRequest {
  method: "GET" | "POST";
  url: string;
  headers?: Record<string, string>;
  /** Sent as JSON when present. */
  body?: unknown;
}

/** A gateway's answer, whatever its status. */
export interface JsonResponse {
  status: number;
  /** The parsed JSON body; the raw text when it is not JSON; null when empty. */
  body: unknown;
  /** From the `Retry-After` header, in ms; null when absent or unreadable. */
  retryAfterMs: number | null;
}

/**
 * Sends `request` and reads the answer.
 * @throws GatewayError `gateway_unreachable` on a network error or timeout (with `timedOut`).
 */
export async function requestJson(
  gateway: GatewayName,
  request: JsonRequest,
  { fetch: fetchImpl, timeoutMs = GATEWAY_REQUEST_TIMEOUT_MS, now = Date.now }: HttpDeps = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = { accept: "application/json", ...request.headers };
  if (fetchImpl === undefined) return pooledRequest(gateway, request, headers, timeoutMs, now);
  const init: RequestInit = { method: request.method, headers, signal: AbortSignal.timeout(timeoutMs) };
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    init.body = JSON.stringify(request.body);
  }
  try {
    const response = await fetchImpl(request.url, init);
    const text = await response.text();
    return {
      status: response.status,
      body: parseBody(text),
      retryAfterMs: parseRetryAfter(response.headers.get("retry-after"), now()),
    };
  } catch (error) {
    throw gatewayUnreachable(gateway, error);
  }
}

/** Keep-alive connections to the gateways, reused from send to send. */
let pool: Agent | undefined;

async function pooledRequest(
  gateway: GatewayName,
  request: JsonRequest,
  headers: Record<string, string>,
  timeoutMs: number,
  now: () => number,
): Promise<JsonResponse> {
  let body: string | undefined;
  if (request.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(request.body);
  }
  pool ??= new Agent({ keepAliveTimeout: 10_000 });
  try {
    const response = await undiciRequest(request.url, {
      method: request.method,
      headers,
      body,
      dispatcher: pool,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.body.text();
    const retryAfter = response.headers["retry-after"];
    return {
      status: response.statusCode,
      body: parseBody(text),
      retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter, now()),
    };
  } catch (error) {
    throw gatewayUnreachable(gateway, error);
  }
}

/** Joins a base URL (which may carry a path such as GOWA's `APP_BASE_PATH`) and a path. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/**
 * Reads a `Retry-After` header: delay-seconds or an HTTP date, as ms from `now`
 * (never negative); null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (value == null || value.trim() === "") return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

function parseBody(text: string): unknown {
  if (text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
