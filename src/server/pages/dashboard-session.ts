/**
 * Signing in to the dashboard with the admin token: a random session id in a
 * signed, HttpOnly, SameSite=Strict cookie (Secure when the request came over
 * HTTPS), with an expiry kept both in the cookie and on the server, so logging
 * out ends the session for good.
 * @module
 */
import { createHash, createHmac, randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import {
  dashboardSessionValid,
  deleteDashboardSession,
  deleteExpiredDashboardSessions,
  insertDashboardSession,
} from "../../store/index.js";
import type { AppContext } from "../app-context.js";

/** Name of the session cookie. */
export const SESSION_COOKIE = "closer_session";
/** How long a dashboard session lasts, ms (12 hours: a working day, then sign in again). */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** Where the dashboard lives; cookies are scoped to it. */
export const DASHBOARD_PATH = "/dashboard";
/** Random bytes in a session id. */
const SESSION_ID_BYTES = 32;

/**
 * The secret that signs the dashboard's cookies, derived from the admin token:
 * a new admin token signs every browser out.
 */
export function cookieSecretFor(adminToken: string): string {
  return createHmac("sha256", adminToken).update("closer dashboard cookies v1").digest("base64url");
}

/** True when the browser reached us over HTTPS (directly or through a proxy that says so). */
export function overHttps(request: FastifyRequest): boolean {
  return request.protocol === "https" || request.headers["x-forwarded-proto"] === "https";
}

/** Starts a session: stores it and sets the cookie. */
export async function startSession(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const now = ctx.clock.now();
  const id = randomBytes(SESSION_ID_BYTES).toString("base64url");
  await deleteExpiredDashboardSessions(ctx.db, now);
  await insertDashboardSession(ctx.db, { idHash: hashOf(id), createdAt: now, expiresAt: now + SESSION_TTL_MS });
  reply.setCookie(SESSION_COOKIE, id, {
    path: DASHBOARD_PATH,
    httpOnly: true,
    sameSite: "strict",
    secure: overHttps(request),
    signed: true,
    maxAge: SESSION_TTL_MS / 1000,
  });
}

/** True when the request carries a signed cookie of a live session. */
export async function hasSession(ctx: AppContext, request: FastifyRequest): Promise<boolean> {
  const id = sessionIdOf(request);
  return id !== null && dashboardSessionValid(ctx.db, hashOf(id), ctx.clock.now());
}

/** Ends the request's session (if any) on the server and clears the cookie. */
export async function endSession(ctx: AppContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const id = sessionIdOf(request);
  if (id !== null) await deleteDashboardSession(ctx.db, hashOf(id));
  reply.clearCookie(SESSION_COOKIE, { path: DASHBOARD_PATH });
}

function sessionIdOf(request: FastifyRequest): string | null {
  const raw = request.cookies[SESSION_COOKIE];
  if (raw === undefined) return null;
  const unsigned = request.unsignCookie(raw);
  return unsigned.valid && unsigned.value !== null ? unsigned.value : null;
}

function hashOf(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}
