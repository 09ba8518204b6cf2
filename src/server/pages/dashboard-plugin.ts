/**
 * The dashboard under `/dashboard`: its own fastify scope with cookies, form
 * bodies, CSRF protection on every POST, the app's security headers (a CSP without
 * inline scripts, `frame-ancestors 'none'`, src/server/exposure.ts), a throttled sign-in, and a guard
 * that sends every page without a live session to the sign-in page.
 * @module
 */
import fastifyCookie from "@fastify/cookie";
import fastifyCsrf from "@fastify/csrf-protection";
import fastifyFormbody from "@fastify/formbody";
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { AppContext } from "../app-context.js";
import { tokensEqual } from "../auth.js";
import { registerCandidatePages } from "./candidate-pages.js";
import { registerConversationPages } from "./conversation-pages.js";
import { registerDashboardAssets } from "./dashboard-assets.js";
import { dashboardErrorHandler } from "./dashboard-errors.js";
import { csrfFor, sendPage } from "./dashboard-reply.js";
import { cookieSecretFor, DASHBOARD_PATH, endSession, hasSession, startSession } from "./dashboard-session.js";
import { registerExperimentPages } from "./experiment-pages.js";
import { renderLoginPage } from "./login-page.js";
import { registerOverviewPage } from "./overview-page.js";

/** Sign-in attempts allowed per client address per minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

/** Routes reachable without a session. */
const PUBLIC_ROUTES = new Set([`${DASHBOARD_PATH}/login`, `${DASHBOARD_PATH}/assets/:file`]);

const loginBodySchema = z.object({
  token: z.string().max(1000).default(""),
  next: z.string().max(500).default(""),
  _csrf: z.string().optional(),
});

/** Registers the dashboard (call once, on the root app). */
export function registerDashboard(app: FastifyInstance, ctx: AppContext): void {
  void app.register(async function dashboard(scope) {
    await scope.register(fastifyCookie, { secret: cookieSecretFor(ctx.adminToken) });
    await scope.register(fastifyFormbody);
    await scope.register(fastifyCsrf, {
      cookieKey: "closer_csrf",
      cookieOpts: { path: DASHBOARD_PATH, httpOnly: true, sameSite: "strict", signed: true },
    });
    await scope.register(fastifyRateLimit, { global: false });
    scope.setErrorHandler(dashboardErrorHandler);
    scope.addHook("preHandler", function csrfOnPosts(request, reply, done) {
      if (request.method === "POST") scope.csrfProtection(request, reply, done);
      else done();
    });
    scope.addHook("preHandler", async function requireSession(request, reply) {
      if (PUBLIC_ROUTES.has(request.routeOptions.url ?? "")) return;
      if (await hasSession(ctx, request)) return;
      const next = request.method === "GET" ? `?next=${encodeURIComponent(request.url)}` : "";
      return reply.redirect(`${DASHBOARD_PATH}/login${next}`, 303);
    });

    registerDashboardAssets(scope);
    registerLogin(scope, ctx);
    registerOverviewPage(scope, ctx);
    registerConversationPages(scope, ctx);
    registerExperimentPages(scope, ctx);
    registerCandidatePages(scope, ctx);
  });
}

function registerLogin(scope: FastifyInstance, ctx: AppContext): void {
  scope.get<{ Querystring: { next?: string } }>(`${DASHBOARD_PATH}/login`, async function loginPage(request, reply) {
    if (await hasSession(ctx, request)) return reply.redirect(safeNext(request.query.next), 303);
    const html = renderLoginPage({ title: "Sign in", csrf: csrfFor(request, reply), next: request.query.next ?? "" });
    return sendPage(reply, html);
  });

  scope.post(
    `${DASHBOARD_PATH}/login`,
    { config: { rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: 60_000 } } },
    async function login(request, reply) {
      const body = loginBodySchema.parse(request.body ?? {});
      if (!tokensEqual(body.token.trim(), ctx.adminToken)) {
        request.log.warn("dashboard sign-in with a wrong token");
        const html = renderLoginPage({
          title: "Sign in",
          csrf: csrfFor(request, reply),
          next: body.next,
          error: "That is not the admin token.",
        });
        return sendPage(reply, html, 401);
      }
      await startSession(ctx, request, reply);
      return reply.redirect(safeNext(body.next), 303);
    },
  );

  scope.post(`${DASHBOARD_PATH}/logout`, async function logout(request, reply) {
    await endSession(ctx, request, reply);
    return reply.redirect(`${DASHBOARD_PATH}/login`, 303);
  });
}

/** Only a page of this dashboard may be a redirect target (no open redirects, no `..` out of it). */
function safeNext(next: string | undefined): string {
  const base = "http://closer.invalid";
  let url: URL;
  try {
    url = new URL(next ?? "", base);
  } catch {
    return DASHBOARD_PATH;
  }
  if (url.origin !== base || !/^\/dashboard(?:\/|$)/.test(url.pathname) || next?.includes("\\")) return DASHBOARD_PATH;
  return `${url.pathname}${url.search}`;
}
