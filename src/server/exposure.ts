/**
 * What the service shows to the network, enforced on every request before any route runs:
 * the Host allow-list (421 otherwise: DNS rebinding), rate limits per scope (playground, webhooks,
 * admin) with @fastify/rate-limit, a lockout after repeated wrong admin tokens, and the security
 * headers (@fastify/helmet, `frame-ancestors 'none'`) on every response.
 * @module
 */
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { allowedHostNames, bareHostName, type Config, playgroundAccess } from "../config.js";
import { CloserError } from "../errors.js";

/** The rate-limit scopes; `none` is not limited (health checks, the home redirect). */
export type ExposureScope = "playground" | "webhooks" | "admin" | "none";

/** The scope of a request path. */
export function scopeOf(url: string): ExposureScope {
  const path = url.split("?")[0] ?? "";
  if (path.startsWith("/webhooks/")) return "webhooks";
  if (path === "/playground" || path.startsWith("/playground/") || path.startsWith("/api/playground/"))
    return "playground";
  if (path.startsWith("/api/") || path === "/dashboard" || path.startsWith("/dashboard/")) return "admin";
  if (path === "/mcp" || path.startsWith("/mcp/") || path === "/metrics") return "admin";
  return "none";
}

/** Window of the rate limits and of the wrong-token lockout, ms. */
export const RATE_WINDOW_MS = 60_000;

/**
 * Counts wrong admin tokens per client address in fixed one-minute windows: after `limit` of them the
 * address is refused (429) until its window ends. Bounded: expired entries are dropped as it goes.
 */
export class AuthFailureGuard {
  readonly #failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a wrong token from `address`. */
  fail(address: string): void {
    const now = this.now();
    this.#prune(now);
    const entry = this.#failures.get(address);
    if (entry === undefined || entry.resetAt <= now)
      this.#failures.set(address, { count: 1, resetAt: now + RATE_WINDOW_MS });
    else entry.count += 1;
  }

  /** Milliseconds `address` stays locked out, 0 when it is not. */
  lockedFor(address: string): number {
    const entry = this.#failures.get(address);
    const now = this.now();
    if (entry === undefined || entry.resetAt <= now || entry.count < this.limit) return 0;
    return entry.resetAt - now;
  }

  /** Addresses tracked now (for tests of the bound). */
  get size(): number {
    return this.#failures.size;
  }

  #prune(now: number): void {
    if (this.#failures.size < 1024) return;
    for (const [address, entry] of this.#failures) if (entry.resetAt <= now) this.#failures.delete(address);
  }
}

type Limiter = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Registers the Host check, the rate limits, the wrong-token lockout and the security headers on the root app. */
export function registerExposureGuards(app: FastifyInstance, config: Config): void {
  const allowed = allowedHostNames(config);
  app.addHook("onRequest", async function checkHost(request) {
    if (allowed === null) return;
    const host = bareHostName(request.headers.host ?? "");
    if (!allowed.has(host)) {
      throw new CloserError(
        "host_not_allowed",
        `This service does not answer to the host ${JSON.stringify(host)}; add it to ALLOWED_HOSTS if it is yours.`,
      );
    }
  });

  const guard = new AuthFailureGuard(config.ADMIN_AUTH_FAILURES_PER_MINUTE);
  // Locked out of whatever takes the admin token: the admin scope, and the playground when it needs the token.
  const tokenScopes = new Set<ExposureScope>(
    playgroundAccess(config) === "admin" ? ["admin", "playground"] : ["admin"],
  );
  app.addHook("onRequest", async function refuseLockedOut(request, reply) {
    if (!tokenScopes.has(scopeOf(request.url))) return;
    const ms = guard.lockedFor(request.ip);
    if (ms > 0) {
      void reply.header("retry-after", String(Math.ceil(ms / 1000)));
      throw new CloserError("rate_limited", "Too many wrong admin tokens from this address; wait a minute.");
    }
  });
  app.addHook("onResponse", async function countWrongTokens(request, reply) {
    // A wrong token given (a bearer header, a sign-in form), not a page that merely needs one.
    const triedToken = request.headers.authorization !== undefined || request.method === "POST";
    if (reply.statusCode === 401 && triedToken && scopeOf(request.url) !== "webhooks") guard.fail(request.ip);
  });

  const limits: Record<Exclude<ExposureScope, "none">, number> = {
    playground: config.RATE_LIMIT_PLAYGROUND,
    webhooks: config.RATE_LIMIT_WEBHOOKS,
    admin: config.RATE_LIMIT_ADMIN,
  };
  const limiters = new Map<ExposureScope, Limiter>();
  void app.register(fastifyRateLimit, { global: false });
  void app.after(() => {
    for (const [scope, max] of Object.entries(limits) as [ExposureScope, number][]) {
      if (max === 0) continue;
      limiters.set(
        scope,
        app.rateLimit({
          max,
          timeWindow: RATE_WINDOW_MS,
          keyGenerator: (request) => `${scope}:${request.ip}`,
          errorResponseBuilder: (_request, context) =>
            new CloserError(
              "rate_limited",
              `At most ${context.max} ${scope} requests a minute; retry in ${context.after}.`,
            ),
        }) as Limiter,
      );
    }
  });
  app.addHook("onRequest", async function rateLimit(request, reply) {
    const limiter = limiters.get(scopeOf(request.url));
    if (limiter !== undefined) await limiter(request, reply);
  });

  void app.register(fastifyHelmet, {
    frameguard: { action: "deny" },
    // Pages that need more (scripts, styles of their own) set their own policy; this is the floor for everything.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'none'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
      },
    },
  });
}
