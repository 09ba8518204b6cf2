/**
 * The playground: `GET /playground` (the page), `POST /api/playground/messages`,
 * which runs a message through the same pipeline as live traffic and answers
 * when its replies are ready, and `GET /api/playground/conversations`, which
 * gives the page its conversations back after a reload.
 *
 * It exists only where `playgroundAccess` says so (GATEWAY=playground on a
 * loopback HOST, or PLAYGROUND=on, where the API needs the admin token), and a
 * reply names its arm (variant, version, propensity) only to a request that
 * carries the admin token: without it nobody can steer the experiments.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import { playgroundAccess } from "../../config.js";
import { type InboundMessage, normalisePhone, profileOf } from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import { findCustomerById, messagesByIds, outboxRowsByIds } from "../../store/index.js";
import type { AppContext } from "../app-context.js";
import { isAdmin, requireAdmin } from "../auth.js";
import { sendBrowserModule } from "../pages/browser-modules.js";
import { PLAYGROUND_CSP, PLAYGROUND_HTML } from "../pages/playground-page.js";
import { playgroundHistory } from "./playground-history.js";

/** How long the playground waits for a reply before answering with what it has. */
export const PLAYGROUND_REPLY_TIMEOUT_MS = 15_000;

/** What a reply says of its arm to a request without the admin token: nothing. */
const NO_ARM = { variant: null, version: null, propensity: null } as const;

const playgroundMessageSchema = z
  .object({
    from: z.string().min(1, "is required").max(40),
    name: z.string().trim().max(100).optional(),
    // Longer than MAX_MESSAGE_CHARS is cut at intake like any gateway's message; the body limit bounds it.
    text: z.string().min(1, "must not be empty"),
  })
  .strict();

/** Registers the playground page and API. */
export function registerPlaygroundRoutes(app: FastifyInstance, ctx: AppContext): void {
  const access = playgroundAccess(ctx.config);
  app.get("/", async function home(_request, reply) {
    return reply.redirect(access !== "closed" && ctx.engine.gateway.name === "playground" ? "/playground" : "/healthz");
  });
  if (access === "closed") return;
  app.get("/playground", async function playgroundPage(_request, reply) {
    return reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", `${PLAYGROUND_CSP}; frame-ancestors 'none'`)
      .send(PLAYGROUND_HTML);
  });
  app.get<{ Params: { file: string } }>("/playground/assets/:file", async function playgroundAsset(request, reply) {
    return sendBrowserModule(reply, request.params.file);
  });

  const requirePlayground = (request: FastifyRequest) => {
    if (access === "admin") requireAdmin(request, ctx.adminToken);
    if (ctx.engine.gateway.name !== "playground") {
      throw new CloserError("conflict", `The playground is off while GATEWAY=${ctx.engine.gateway.name}.`);
    }
  };

  app.get("/api/playground/conversations", async function playgroundConversations(request) {
    requirePlayground(request);
    const conversations = await playgroundHistory(ctx.db, ctx.cipher, ctx.clock.now());
    if (isAdmin(request, ctx.adminToken)) return { conversations };
    return {
      conversations: conversations.map((c) => ({ ...c, messages: c.messages.map((m) => ({ ...m, ...NO_ARM })) })),
    };
  });

  app.post("/api/playground/messages", async function playgroundMessage(request) {
    requirePlayground(request);
    const admin = isAdmin(request, ctx.adminToken);
    const body = playgroundMessageSchema.parse(request.body ?? {});
    const phone = normalisePhone(body.from);
    if (phone === null) {
      throw new CloserError(
        "bad_request",
        `from: "${body.from}" is not an international phone number like +15551234567`,
      );
    }
    const message: InboundMessage = {
      kind: "message",
      gateway: "playground",
      gatewayMessageId: `pg-in-${randomUUID()}`,
      phone,
      lid: null,
      name: body.name && body.name.length > 0 ? body.name : null,
      text: body.text,
      fromMe: false,
      origin: "app",
      sentAt: ctx.clock.now(),
    };
    const [intake] = await ctx.engine.receive([message]);
    if (intake === undefined) throw new Error("intake returned nothing");
    const handled = await ctx.engine.waitFor(intake.inboxId, PLAYGROUND_REPLY_TIMEOUT_MS);
    const outboxRows = await outboxRowsByIds(
      ctx.db,
      handled.replies.map((r) => r.outboxId),
    );
    const sentIds = outboxRows.filter((r) => r.status === "sent").map((r) => r.message_id);
    const messages = await messagesByIds(ctx.db, ctx.cipher, sentIds);
    const propensities = await propensitiesOf(
      ctx,
      messages.map((m) => m.assignmentId),
    );
    const customerId = handled.outcome?.customerId ?? null;
    const customer = customerId === null ? undefined : await findCustomerById(ctx.db, customerId);
    return {
      replies: messages.map((m) => ({
        text: m.text,
        stage: m.stage,
        ...(admin
          ? {
              variant: m.variantId,
              version: m.variantVersion,
              propensity: m.assignmentId === null ? null : (propensities.get(m.assignmentId) ?? null),
            }
          : NO_ARM),
      })),
      customer:
        customer === undefined
          ? null
          : {
              id: customer.id,
              stage: customer.stage,
              optedOut: customer.opted_out === 1,
              handoff: customer.handoff_until !== null && customer.handoff_until > ctx.clock.now(),
              profile: profileOf(customer, ctx.cipher),
            },
      ...(handled.outcome === null ? { pending: true } : {}),
    };
  });
}

async function propensitiesOf(ctx: AppContext, ids: (number | null)[]): Promise<Map<number, number>> {
  const wanted = ids.filter((id): id is number => id !== null);
  if (wanted.length === 0) return new Map();
  const rows = await ctx.db.selectFrom("assignments").select(["id", "propensity"]).where("id", "in", wanted).execute();
  return new Map(rows.map((r) => [Number(r.id), r.propensity]));
}
