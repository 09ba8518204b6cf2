/**
 * Admin API for experiments and outcomes (bearer token).
 * @module
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { customerIdByPhone, normalisePhone } from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import type { AppContext } from "../app-context.js";
import { requireAdmin } from "../auth.js";

/** The body of `POST /api/outcomes`. */
export const outcomeBodySchema = z
  .object({
    /** The customer's phone number as the shop knows it (`+15551234567`). */
    customer: z.string().min(1),
    outcome: z.enum(["won", "lost", "advanced"]),
    /** For `advanced`: the stage reached; for won/lost: informational. */
    stage: z.string().min(1).optional(),
    /** Order value, in `currency` units. */
    value: z.number().nonnegative().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code like USD").optional(),
    reason: z.string().max(500).optional(),
    /** The caller's idempotency key: the same eventId twice has one effect. */
    eventId: z.string().min(1).max(200).optional(),
  })
  .strict();

/** Registers `/api/outcomes` and `/api/experiments…`. */
export function registerExperimentRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post("/api/outcomes", async function postOutcome(request) {
    requireAdmin(request, ctx.adminToken);
    const body = outcomeBodySchema.parse(request.body ?? {});
    const identity = body.customer.endsWith("@lid") ? body.customer : normalisePhone(body.customer);
    if (identity === null) throw new CloserError("bad_request", `customer: "${body.customer}" is not a phone number`);
    const customerId = await customerIdByPhone(ctx.db, ctx.cipher, identity);
    if (customerId === null) {
      throw new CloserError("customer_unknown", "No customer has written from that number; outcomes need a known customer.");
    }
    if (body.stage !== undefined && !ctx.playbooks.stageIds.includes(body.stage) && !["won", "lost"].includes(body.stage)) {
      throw new CloserError("strategy_unknown", `stage: "${body.stage}" is not a stage of the funnel`);
    }
    const result = await ctx.experiments.recordOutcome({
      customerId,
      outcome: body.outcome,
      stage: body.stage,
      value: body.value,
      currency: body.currency,
      reason: body.reason,
      eventId: body.eventId,
      source: "api",
      now: ctx.clock.now(),
    });
    return { duplicate: result.duplicate, stage: result.stage, resolved: result.resolved.length };
  });
}
