/**
 * Admin API of the weekly reflection, the review of its candidates and the
 * playbook reload (bearer token):
 *
 * - `POST /api/reflection/run` `{stage?, dryRun?}`: runs the reflection now (503 without an LLM).
 * - `GET /api/reflection/runs`: the recent runs, per stage (model, tokens, cost, accepted, rejected).
 * - `GET /api/candidates[?stage=S]`, `GET /api/candidates/:stage/:arm` (the file, its parents side by
 *   side, the rationale), `POST /api/candidates/:stage/:arm/approve` and `…/reject` `{reason?}`.
 * - `POST /api/playbooks/reload`: reloads the playbooks folder (422 with every problem when it fails lint;
 *   the previous set keeps serving).
 * @module
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { CloserError } from "../../errors.js";
import {
  approveCandidate,
  listCandidates,
  rejectCandidate,
  runReflection,
  showCandidate,
} from "../../experiments/index.js";
import { recentReflectionRuns } from "../../store/index.js";
import type { AppContext } from "../app-context.js";
import { requireAdmin } from "../auth.js";
import { API_ACTOR } from "./experiment-routes.js";

/** The body of `POST /api/reflection/run`. */
export const reflectionRunBodySchema = z.strictObject({
  /** One stage; default every active stage. */
  stage: z.string().min(1).optional(),
  /** Check everything, write nothing. */
  dryRun: z.boolean().optional(),
});

/** The body of the approve and reject endpoints. */
export const reviewBodySchema = z.strictObject({ reason: z.string().trim().min(1).max(500).optional() });

const candidateQuerySchema = z.strictObject({ stage: z.string().min(1).optional() });

type ArmParams = { Params: { stage: string; arm: string } };

/** Registers the reflection, candidate and reload routes. */
export function registerReflectionRoutes(app: FastifyInstance, ctx: AppContext): void {
  app.post("/api/reflection/run", async function runNow(request) {
    requireAdmin(request, ctx.adminToken);
    const body = reflectionRunBodySchema.parse(request.body ?? {});
    if (ctx.reflection === undefined) {
      throw new CloserError(
        "llm_unconfigured",
        "The reflection needs an LLM: set LLM_BASE_URL and LLM_MODEL (and LLM_API_KEY) and restart.",
      );
    }
    const report = await runReflection(ctx.reflection, {
      ...(body.stage === undefined ? {} : { stages: [body.stage] }),
      dryRun: body.dryRun === true,
    });
    return report;
  });

  app.get("/api/reflection/runs", async function runs(request) {
    requireAdmin(request, ctx.adminToken);
    const rows = await recentReflectionRuns(ctx.db);
    return {
      runs: rows.map((row) => ({
        batchId: row.batch_id,
        stage: row.stage,
        status: row.status,
        model: row.model,
        dryRun: row.dry_run === 1,
        proposed: row.proposed,
        accepted: JSON.parse(row.accepted_json) as unknown,
        rejected: JSON.parse(row.rejected_json) as unknown,
        tokens: { in: row.tokens_in, out: row.tokens_out, estimated: row.tokens_estimated === 1 },
        costUsd: row.cost_usd,
        error: row.error,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
      })),
    };
  });

  app.get("/api/candidates", async function list(request) {
    requireAdmin(request, ctx.adminToken);
    const query = candidateQuerySchema.parse(request.query ?? {});
    return { candidates: await listCandidates(ctx.candidates, query.stage) };
  });

  app.get<ArmParams>("/api/candidates/:stage/:arm", async function show(request) {
    requireAdmin(request, ctx.adminToken);
    return showCandidate(ctx.candidates, request.params.stage, request.params.arm);
  });

  app.post<ArmParams>("/api/candidates/:stage/:arm/approve", async function approve(request) {
    requireAdmin(request, ctx.adminToken);
    const body = reviewBodySchema.parse(request.body ?? {});
    return approveCandidate(ctx.candidates, request.params.stage, request.params.arm, {
      actor: API_ACTOR,
      reason: body.reason,
    });
  });

  app.post<ArmParams>("/api/candidates/:stage/:arm/reject", async function reject(request) {
    requireAdmin(request, ctx.adminToken);
    const body = reviewBodySchema.parse(request.body ?? {});
    return rejectCandidate(ctx.candidates, request.params.stage, request.params.arm, {
      actor: API_ACTOR,
      reason: body.reason,
    });
  });

  app.post("/api/playbooks/reload", async function reload(request) {
    requireAdmin(request, ctx.adminToken);
    z.strictObject({}).parse(request.body ?? {});
    const result = await ctx.reloadPlaybooks("api");
    if (!result.ok) throw new CloserError("playbook_invalid", result.problems);
    return result;
  });
}
