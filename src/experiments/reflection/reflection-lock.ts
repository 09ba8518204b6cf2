/**
 * One reflection run at a time: a lock row in the store names the run (batch),
 * its holder (`host:pid`) and the stages it covers. A run that died leaves its
 * lock; the next run takes it over once it is stale (its process is gone, or it
 * has not been refreshed for {@link LOCK_STALE_MS}) and resumes the stages the
 * dead run did not finish.
 * @module
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { Kysely } from "kysely";
import { CloserError } from "../../errors.js";
import {
  acquireReflectionLock,
  type Database,
  type ReflectionLockRow,
  releaseReflectionLock,
  takeOverReflectionLock,
} from "../../store/index.js";

/** A lock not refreshed for this long belongs to a run that died (stages refresh it; LLM calls take minutes at most). */
export const LOCK_STALE_MS = 15 * 60_000;

/** The lock a run holds. */
export interface HeldLock {
  batchId: string;
  /** The stages the run covers, in order. */
  stages: string[];
  dryRun: boolean;
  /** True when this run took over a dead run's batch. */
  resumed: boolean;
  release(): Promise<void>;
}

/** This process, as a lock holder. */
export function thisHolder(): string {
  return `${hostname()}:${process.pid}`;
}

/**
 * Takes the lock for a new run over `stages`, or takes over a dead run's lock and resumes its batch.
 * @throws CloserError `reflection_busy` when a live run holds it.
 */
export async function takeReflectionLock(
  db: Kysely<Database>,
  request: { stages: string[]; dryRun: boolean; holder: string; now: number },
): Promise<HeldLock> {
  const batchId = randomUUID();
  const row = await acquireReflectionLock(db, {
    batchId,
    holder: request.holder,
    stages: request.stages,
    options: { dryRun: request.dryRun },
    at: request.now,
  });
  if (row.batch_id === batchId) return held(db, batchId, request.stages, request.dryRun, false);
  if (!isStale(row, request.now) || !(await takeOverReflectionLock(db, row, request.holder, request.now))) {
    throw new CloserError(
      "reflection_busy",
      `another reflection run (${row.holder}, started ${new Date(row.acquired_at).toISOString()}) is in progress; try again when it ends`,
    );
  }
  const options = JSON.parse(row.options_json) as { dryRun?: boolean };
  return held(db, row.batch_id, JSON.parse(row.stages_json) as string[], options.dryRun === true, true);
}

function held(db: Kysely<Database>, batchId: string, stages: string[], dryRun: boolean, resumed: boolean): HeldLock {
  return { batchId, stages, dryRun, resumed, release: () => releaseReflectionLock(db, batchId) };
}

function isStale(row: ReflectionLockRow, now: number): boolean {
  if (now - row.heartbeat_at > LOCK_STALE_MS) return true;
  const [host, pid] = row.holder.split(":");
  if (host !== hostname() || pid === undefined) return false;
  if (Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}
