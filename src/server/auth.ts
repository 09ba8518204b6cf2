/**
 * Bearer-token authentication for the admin API and dashboard.
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { CloserError } from "../errors.js";

/** True when the request carries `Authorization: Bearer <token>` with the admin token. */
export function isAdmin(request: FastifyRequest, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "");
  return match !== null && tokensEqual(match[1] ?? "", token);
}

/** Throws `unauthorized` unless the request carries `Authorization: Bearer <token>`. */
export function requireAdmin(request: FastifyRequest, token: string): void {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (match === null || !tokensEqual(match[1] ?? "", token)) {
    throw new CloserError("unauthorized", "Send the admin token as 'Authorization: Bearer <CLOSER_ADMIN_TOKEN>'.");
  }
}

/**
 * Lets a `/metrics` scrape through when it comes from loopback without a proxy in
 * between (no `X-Forwarded-For`), or carries the admin token or `metricsToken`.
 * @throws CloserError `unauthorized` otherwise.
 */
export function requireMetricsAccess(request: FastifyRequest, adminToken: string, metricsToken?: string): void {
  if (isDirectLoopback(request)) return;
  const match = /^Bearer\s+(.+)$/i.exec(request.headers.authorization ?? "");
  const given = match?.[1] ?? "";
  if (
    match !== null &&
    (tokensEqual(given, adminToken) || (metricsToken !== undefined && tokensEqual(given, metricsToken)))
  )
    return;
  throw new CloserError("unauthorized", "Send 'Authorization: Bearer <METRICS_TOKEN or CLOSER_ADMIN_TOKEN>'.");
}

/** True for a request from 127.0.0.0/8 or ::1 that no reverse proxy forwarded. */
export function isDirectLoopback(request: FastifyRequest): boolean {
  if (request.headers["x-forwarded-for"] !== undefined || request.headers.forwarded !== undefined) return false;
  const address = (request.socket.remoteAddress ?? "").replace(/^::ffff:/, "");
  return address === "::1" || address.startsWith("127.");
}

/** Compares two tokens in constant time (hashes first, so lengths do not leak). */
export function tokensEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}
