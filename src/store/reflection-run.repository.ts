/**
 * Reflection runs and the reflection lock: one row per stage of every run, and
 * the single-row lock (one run at a time; a run that died leaves its lock and
 * its unfinished stages, so the next run resumes it).
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, ReflectionLockRow, ReflectionRunRow } from "./database.js";

const LOCK_NAME = "reflection";

/** What a finished stage recorded. */
export interface ReflectionStageRecord {
  status: "done" | "failed";
  model: string;
  tokensIn: number;
  tokensOut: number;
  tokensEstimated: boolean;
  costUsd: number;
  proposed: number;
  accepted: unknown[];
  rejected: unknown[];
  error: string | null;
  finishedAt: number;
}

/**
 * Takes the lock for `batchId` when nobody holds it. Returns the row now in place:
 * ours when taken, the holder's otherwise.
 */
export async function acquireReflectionLock(
  db: Kysely<Database>,
  lock: { batchId: string; holder: string; stages: readonly string[]; options: unknown; at: number },
): Promise<ReflectionLockRow> {
  await db
    .insertInto("reflection_lock")
    .values({
      name: LOCK_NAME,
      batch_id: lock.batchId,
      holder: lock.holder,
      stages_json: JSON.stringify(lock.stages),
      options_json: JSON.stringify(lock.options),
      acquired_at: lock.at,
      heartbeat_at: lock.at,
    })
    .onConflict((oc) => oc.column("name").doNothing())
    .execute();
  return db.selectFrom("reflection_lock").selectAll().where("name", "=", LOCK_NAME).executeTakeFirstOrThrow();
}

/** The current lock, if any. */
export async function currentReflectionLock(db: Kysely<Database>): Promise<ReflectionLockRow | undefined> {
  return db.selectFrom("reflection_lock").selectAll().where("name", "=", LOCK_NAME).executeTakeFirst();
}

/** Takes over a stale lock (its holder died): only when it is still the row `stale` describes. */
export async function takeOverReflectionLock(
  db: Kysely<Database>,
  stale: ReflectionLockRow,
  holder: string,
  at: number,
): Promise<boolean> {
  const result = await db
    .updateTable("reflection_lock")
    .set({ holder, heartbeat_at: at })
    .where("name", "=", LOCK_NAME)
    .where("batch_id", "=", stale.batch_id)
    .where("holder", "=", stale.holder)
    .where("heartbeat_at", "=", stale.heartbeat_at)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Refreshes the lock's heartbeat. */
export async function touchReflectionLock(db: Kysely<Database>, batchId: string, at: number): Promise<void> {
  await db
    .updateTable("reflection_lock")
    .set({ heartbeat_at: at })
    .where("name", "=", LOCK_NAME)
    .where("batch_id", "=", batchId)
    .execute();
}

/** Releases the lock of `batchId` (no-op when another batch holds it). */
export async function releaseReflectionLock(db: Kysely<Database>, batchId: string): Promise<void> {
  await db.deleteFrom("reflection_lock").where("name", "=", LOCK_NAME).where("batch_id", "=", batchId).execute();
}

/** Starts (or restarts, when resuming) a stage of a batch: status `running`, counters cleared. */
export async function startReflectionStage(
  db: Kysely<Database>,
  run: { batchId: string; stage: string; model: string; dryRun: boolean; at: number },
): Promise<void> {
  const values = {
    status: "running",
    model: run.model,
    dry_run: run.dryRun ? 1 : 0,
    tokens_in: 0,
    tokens_out: 0,
    tokens_estimated: 0,
    cost_usd: 0,
    proposed: 0,
    accepted_json: "[]",
    rejected_json: "[]",
    error: null,
    started_at: run.at,
    finished_at: null,
  };
  await db
    .insertInto("reflection_runs")
    .values({ batch_id: run.batchId, stage: run.stage, ...values })
    .onConflict((oc) => oc.columns(["batch_id", "stage"]).doUpdateSet(values))
    .execute();
}

/** Records how a stage of a batch ended. */
export async function finishReflectionStage(
  db: Kysely<Database>,
  batchId: string,
  stage: string,
  record: ReflectionStageRecord,
): Promise<void> {
  await db
    .updateTable("reflection_runs")
    .set({
      status: record.status,
      model: record.model,
      tokens_in: record.tokensIn,
      tokens_out: record.tokensOut,
      tokens_estimated: record.tokensEstimated ? 1 : 0,
      cost_usd: record.costUsd,
      proposed: record.proposed,
      accepted_json: JSON.stringify(record.accepted),
      rejected_json: JSON.stringify(record.rejected),
      error: record.error,
      finished_at: record.finishedAt,
    })
    .where("batch_id", "=", batchId)
    .where("stage", "=", stage)
    .execute();
}

/** The stages of one batch, in the order they started. */
export async function reflectionRunsOfBatch(db: Kysely<Database>, batchId: string): Promise<ReflectionRunRow[]> {
  return db.selectFrom("reflection_runs").selectAll().where("batch_id", "=", batchId).orderBy("id").execute();
}

/** The most recent stage runs, newest first. */
export async function recentReflectionRuns(db: Kysely<Database>, limit = 50): Promise<ReflectionRunRow[]> {
  return db.selectFrom("reflection_runs").selectAll().orderBy("id", "desc").limit(limit).execute();
}
