/**
 * Bearer-token authentication for the admin API and dashboard.
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyRequest } from "fastify";
import { CloserError } from "../errors.js";

/** Throws `unauthorized` unless the request carries `Authorization: Bearer <token>`. */
export function requireAdmin(request: FastifyRequest, token: string): void {
  const header = request.headers.authorization ?? "";
  const match = /^Bearer\s+(.+)$/i.exec(header);
  if (match === null || !tokensEqual(match[1] ?? "", token)) {
    throw new CloserError("unauthorized", "Send the admin token as 'Authorization: Bearer <CLOSER_ADMIN_TOKEN>'.");
  }
}

/** Compares two tokens in constant time (hashes first, so lengths do not leak). */
export function tokensEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb);
}
