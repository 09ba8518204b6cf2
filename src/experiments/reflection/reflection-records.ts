/**
 * The bookkeeping of a reflection run: each stage's record and audit entry,
 * a stored stage as it is reported again when a run resumes, the cost of the
 * tokens, and the weekly quota count.
 * @module
 */
import type { Kysely } from "kysely";
import type { LlmUsage } from "../../engine/index.js";
import { appendAudit, type Database, finishReflectionStage, type ReflectionRunRow } from "../../store/index.js";
import type { PlaybookSet } from "../../strategies/index.js";
import { WEEK_MS } from "../stage-settings.js";

/** One stage of a run, as `closer reflect --json` prints it. */
export interface StageRunReport {
  stage: string;
  /** Proposals the model made. */
  proposed: number;
  accepted: { variant: string; version: number; file: string }[];
  rejected: { id: string; reasons: string[] }[];
  tokens: { in: number; out: number };
  costUsd: number;
  /** Only when the stage failed (the LLM could not be used): why. */
  error?: string;
}

const ACTOR = "reflection";

/** Stores how a stage ended and adds it to the audit log. */
export async function recordStageRun(
  db: Kysely<Database>,
  run: { batchId: string; stage: string; model: string; dryRun: boolean; estimated: boolean; at: number },
  report: StageRunReport,
): Promise<void> {
  await finishReflectionStage(db, run.batchId, run.stage, {
    status: report.error === undefined ? "done" : "failed",
    model: run.model,
    tokensIn: report.tokens.in,
    tokensOut: report.tokens.out,
    tokensEstimated: run.estimated,
    costUsd: report.costUsd,
    proposed: report.proposed,
    accepted: report.accepted,
    rejected: report.rejected,
    error: report.error ?? null,
    finishedAt: run.at,
  });
  await appendAudit(db, {
    at: run.at,
    actor: ACTOR,
    action: run.dryRun ? "reflection_dry_run" : "reflection_run",
    subject: run.stage,
    detail: {
      batchId: run.batchId,
      model: run.model,
      accepted: report.accepted.map((a) => `${a.variant}@${a.version}`),
      rejected: report.rejected.length,
      error: report.error ?? null,
    },
  });
}

/** A stored stage as a report (a resumed run shows the stages the dead run finished). */
export function storedReport(row: ReflectionRunRow): StageRunReport {
  return {
    stage: row.stage,
    proposed: row.proposed,
    accepted: JSON.parse(row.accepted_json) as StageRunReport["accepted"],
    rejected: JSON.parse(row.rejected_json) as StageRunReport["rejected"],
    tokens: { in: row.tokens_in, out: row.tokens_out },
    costUsd: row.cost_usd,
    ...(row.error === null ? {} : { error: row.error }),
  };
}

/** US dollars for `usage` at the prices per million tokens, to the micro-dollar. */
export function costUsd(usage: LlmUsage, pricePerMTok: { in: number; out: number }): number {
  const usd = (usage.in * pricePerMTok.in + usage.out * pricePerMTok.out) / 1_000_000;
  return Math.round(usd * 1_000_000) / 1_000_000;
}

/** Arms of the stage the reflection added in the 7 days before `now` (store and folder together). */
export async function recentReflectionArms(
  db: Kysely<Database>,
  set: PlaybookSet,
  stage: string,
  now: number,
): Promise<number> {
  const since = now - WEEK_MS;
  const rows = await db
    .selectFrom("variant_versions")
    .select("id")
    .where("stage", "=", stage)
    .where("origin", "=", "reflection")
    .where("created_at", ">", since)
    .execute();
  const keys = new Set(rows.map((r) => r.id));
  for (const v of set.variants) {
    if (
      v.stage === stage &&
      v.origin === "reflection" &&
      v.createdAt !== undefined &&
      Date.parse(v.createdAt) > since
    ) {
      keys.add(`${v.id}@${v.version}`);
    }
  }
  return keys.size;
}
