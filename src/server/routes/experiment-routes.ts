/**
 * Admin API for experiments, outcomes and the experiment jobs (bearer token):
 *
 * - `POST /api/outcomes`: a won, lost or advanced customer (the shop's order system).
 * - `GET /api/experiments`: the report (verdict, SRM, arms) of every stage.
 * - `POST /api/experiments/:stage/promote` `{arm, reason?, keepChallengers?, force?}`,
 *   `POST /api/experiments/:stage/retire` `{arm, reason?}`,
 *   `POST /api/experiments/:stage/srm-ack` `{reason?}`.
 * - `GET /api/experiments/:stage/evaluate?policy=champion|uniform|<JSON weights>`.
 * - Operator tools, "recompute now": `POST /api/jobs/expire-windows` and
 *   `POST /api/jobs/update-weights` run the scheduled jobs at once, at the
 *   service's clock (a body may not move time).
 * @module
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  buildExperimentReport,
  evaluateStagePolicy,
  type PolicySpec,
  policyWeightsSchema,
} from "../../analytics/index.js";
import { customerIdByIdentity, normaliseCustomerIdentity, profileAfterOutcomeHook } from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import { armChangeSummary } from "../../experiments/index.js";
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
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, "an ISO 4217 code like USD")
      .optional(),
    reason: z.string().max(500).optional(),
    /** The caller's idempotency key: the same eventId twice has one effect. */
    eventId: z.string().min(1).max(200).optional(),
  })
  .strict();

/** An arm as written in requests: `variant@version`. */
const armSchema = z.string().regex(/^[^@\s]+@[1-9][0-9]*$/, "an arm like reserve-now@2 (variant@version)");
const reasonSchema = z.string().trim().min(1).max(500).optional();

/** The body of `POST /api/experiments/:stage/promote`. */
export const promoteBodySchema = z.strictObject({
  arm: armSchema,
  reason: reasonSchema,
  /** Keep the other arms in rotation (the old champion becomes active); default false: retire them. */
  keepChallengers: z.boolean().optional(),
  /** Retire the other arms even while the stage's verdict is still `collecting`; default false (409 `promotion_needs_force`). */
  force: z.boolean().optional(),
});

/** The body of `POST /api/experiments/:stage/retire`. */
export const retireBodySchema = z.strictObject({ arm: armSchema, reason: reasonSchema });

/** The body of `POST /api/experiments/:stage/srm-ack`. */
export const srmAckBodySchema = z.strictObject({ reason: reasonSchema });

/** The query of `GET /api/experiments/:stage/evaluate`. */
export const evaluateQuerySchema = z.strictObject({
  /** `champion`, `uniform`, or a JSON object of arm weights summing to 1. */
  policy: z.string().min(1).default("champion"),
});

/** Bodies of the job endpoints: empty; time is the service's clock. */
const jobBodySchema = z.strictObject({});

/** Who the admin API records as the actor. */
export const API_ACTOR = "api";

/** Registers `/api/outcomes`, `/api/experiments…` and `/api/jobs/…`. */
export function registerExperimentRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post("/api/outcomes", async function postOutcome(request) {
    requireAdmin(request, ctx.adminToken);
    const body = outcomeBodySchema.parse(request.body ?? {});
    const identity = normaliseCustomerIdentity(body.customer);
    if (identity === null) {
      throw new CloserError(
        "bad_request",
        `customer: "${body.customer}" is not a phone number, a …@lid or business-scoped user id, or a @username`,
      );
    }
    const customerId = await customerIdByIdentity(ctx.db, ctx.cipher, identity);
    if (customerId === null) {
      throw new CloserError(
        "customer_unknown",
        "No customer has written from that number, id or username; outcomes need a known customer.",
      );
    }
    if (
      body.stage !== undefined &&
      !ctx.playbooks.stageIds.includes(body.stage) &&
      !["won", "lost"].includes(body.stage)
    ) {
      throw new CloserError("strategy_unknown", `stage: "${body.stage}" is not a stage of the funnel`);
    }
    const result = await ctx.experiments.recordOutcome(
      {
        customerId,
        outcome: body.outcome,
        stage: body.stage,
        value: body.value,
        currency: body.currency,
        reason: body.reason,
        eventId: body.eventId,
        source: "api",
        now: ctx.clock.now(),
      },
      profileAfterOutcomeHook(ctx.cipher),
    );
    return { duplicate: result.duplicate, stage: result.stage, resolved: result.resolved.length };
  });

  app.get("/api/experiments", async function experimentReport(request) {
    requireAdmin(request, ctx.adminToken);
    return buildExperimentReport(ctx.db, ctx.playbooks, ctx.clock.now());
  });

  app.post<{ Params: { stage: string } }>("/api/experiments/:stage/promote", async function promote(request) {
    requireAdmin(request, ctx.adminToken);
    const body = promoteBodySchema.parse(request.body ?? {});
    const result = await ctx.experiments.promote(request.params.stage, body.arm, {
      reason: body.reason,
      keepChallengers: body.keepChallengers,
      force: body.force,
      actor: API_ACTOR,
      now: ctx.clock.now(),
    });
    return armChangeSummary(result);
  });

  app.post<{ Params: { stage: string } }>("/api/experiments/:stage/retire", async function retire(request) {
    requireAdmin(request, ctx.adminToken);
    const body = retireBodySchema.parse(request.body ?? {});
    const result = await ctx.experiments.retire(request.params.stage, body.arm, {
      reason: body.reason,
      actor: API_ACTOR,
      now: ctx.clock.now(),
    });
    return armChangeSummary(result);
  });

  app.post<{ Params: { stage: string } }>("/api/experiments/:stage/srm-ack", async function srmAck(request) {
    requireAdmin(request, ctx.adminToken);
    const body = srmAckBodySchema.parse(request.body ?? {});
    return ctx.experiments.acknowledgeSrm(request.params.stage, {
      reason: body.reason,
      actor: API_ACTOR,
      now: ctx.clock.now(),
    });
  });

  app.get<{ Params: { stage: string } }>("/api/experiments/:stage/evaluate", async function evaluate(request) {
    requireAdmin(request, ctx.adminToken);
    const query = evaluateQuerySchema.parse(request.query ?? {});
    return evaluateStagePolicy(ctx.db, ctx.playbooks, request.params.stage, parsePolicy(query.policy));
  });

  app.post("/api/jobs/expire-windows", async function runExpireWindows(request) {
    requireAdmin(request, ctx.adminToken);
    jobBodySchema.parse(request.body ?? {});
    return ctx.experiments.expireWindows(ctx.clock.now());
  });

  app.post("/api/jobs/update-weights", async function runUpdateWeights(request) {
    requireAdmin(request, ctx.adminToken);
    jobBodySchema.parse(request.body ?? {});
    return { stages: await ctx.experiments.updateWeights(ctx.clock.now(), "manual") };
  });
}

/** Reads a policy parameter: `champion`, `uniform`, or JSON weights. */
export function parsePolicy(text: string): PolicySpec {
  if (text === "champion" || text === "uniform") return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CloserError("bad_request", `policy: "${text}" is not champion, uniform or a JSON object of arm weights`);
  }
  const weights = policyWeightsSchema.safeParse(parsed);
  if (!weights.success) {
    throw new CloserError("bad_request", 'policy: the weights must be a JSON object like {"reserve-now@2": 1}');
  }
  return weights.data;
}
