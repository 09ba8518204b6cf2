/**
 * Gateway webhooks: `POST /webhooks/{gowa|waha|cloud}` and the Cloud API's
 * `GET /webhooks/cloud` handshake. Each verifies its signature over the raw
 * body in constant time (401 without processing when it fails), normalises the
 * body (400 with the reason when it is not the gateway's format), and answers
 * 200 only after every message is persisted in the inbox.
 * @module
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import {
  type GatewayName,
  ignoredCategory,
  normalizeCloudWebhook,
  normalizeGowaWebhook,
  normalizeWahaWebhook,
  verifyCloudChallenge,
  verifyCloudSignature,
  verifyGowaSignature,
  verifyWahaSignature,
  type WebhookNormalization,
} from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import type { AppContext } from "../app-context.js";

/** Registers the webhook routes in their own scope (they parse bodies as raw bytes). */
export function registerWebhookRoutes(scope: FastifyInstance, ctx: AppContext): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser("*", { parseAs: "buffer" }, function rawBody(_request, body, done) {
    done(null, body);
  });
  const { config } = ctx;

  scope.post("/webhooks/gowa", async function gowaWebhook(request) {
    const secret = activeSecret(ctx, "gowa", config.GOWA_WEBHOOK_SECRET);
    const raw = rawBodyOf(request);
    if (!verifyGowaSignature(raw, request.headers["x-hub-signature-256"], secret))
      throw badSignature("X-Hub-Signature-256");
    return accept(ctx, normalizeGowaWebhook(raw, { now: ctx.clock.now(), deviceId: config.GOWA_DEVICE_ID }));
  });

  scope.post("/webhooks/waha", async function wahaWebhook(request) {
    const secret = activeSecret(ctx, "waha", config.WAHA_WEBHOOK_SECRET);
    const raw = rawBodyOf(request);
    const ok = verifyWahaSignature(
      raw,
      request.headers["x-webhook-hmac"],
      secret,
      request.headers["x-webhook-hmac-algorithm"],
    );
    if (!ok) throw badSignature("X-Webhook-Hmac");
    return accept(ctx, normalizeWahaWebhook(raw, { now: ctx.clock.now(), session: config.WAHA_SESSION }));
  });

  scope.post("/webhooks/cloud", async function cloudWebhook(request) {
    const secret = activeSecret(ctx, "cloud", config.CLOUD_APP_SECRET);
    const raw = rawBodyOf(request);
    if (!verifyCloudSignature(raw, request.headers["x-hub-signature-256"], secret)) {
      throw badSignature("X-Hub-Signature-256");
    }
    return accept(
      ctx,
      normalizeCloudWebhook(raw, { now: ctx.clock.now(), phoneNumberId: config.CLOUD_PHONE_NUMBER_ID }),
    );
  });

  scope.get("/webhooks/cloud", async function cloudVerification(request, reply) {
    const token = activeSecret(ctx, "cloud", config.CLOUD_VERIFY_TOKEN);
    const result = verifyCloudChallenge(request.query as Record<string, unknown>, token);
    if (!result.ok) return reply.status(403).send({ error: { code: "unauthorized", message: result.reason } });
    return reply.type("text/plain").send(result.challenge);
  });
}

async function accept(ctx: AppContext, normalized: WebhookNormalization) {
  if (!normalized.ok) throw new CloserError("bad_request", normalized.reason);
  ctx.engine.metrics.countIgnored(normalized.ignored.map(ignoredCategory));
  const intake = await ctx.engine.receive(normalized.events);
  return {
    accepted: intake.filter((r) => r.accepted).length,
    duplicates: intake.filter((r) => r.result === "duplicate").length,
    /** Messages acknowledged but dropped: a forgotten customer's, or older than WEBHOOK_MAX_AGE_HOURS. */
    dropped: intake.filter((r) => r.result === "forgotten" || r.result === "too_old").length,
    receipts: normalized.events.filter((e) => e.kind === "receipt").length,
    ignored: normalized.ignored,
  };
}

function activeSecret(ctx: AppContext, gateway: GatewayName, secret: string | undefined): string {
  if (ctx.engine.gateway.name !== gateway || secret === undefined) {
    throw new CloserError("not_found", `The ${gateway} webhook is off: GATEWAY=${ctx.config.GATEWAY}.`);
  }
  return secret;
}

function rawBodyOf(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

function badSignature(header: string): CloserError {
  return new CloserError(
    "signature_invalid",
    `The ${header} signature does not match the body; nothing was processed.`,
  );
}
