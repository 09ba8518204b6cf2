/**
 * The daily retention run (RETENTION_CRON): erases message text older than
 * RETAIN_MESSAGES_DAYS, media references older than RETAIN_MEDIA_DAYS, inbox
 * payloads and outbox reply-to ids a day after they were handled, receipts
 * buffered for more than a day, and (with LOG_FILE) log files older than
 * RETAIN_LOGS_DAYS; then empties the WAL so the erased bytes leave the files.
 * Customer profiles, the statistics and the dedupe hashes stay.
 * @module
 */
import { readdirSync, statSync, unlinkSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Kysely } from "kysely";
import {
  type Database,
  eraseExpired,
  eraseFreedSpace,
  type FieldCipher,
  type RetentionCounts,
} from "../store/index.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a retention run keeps, in days. */
export interface RetentionPolicy {
  messagesDays: number;
  mediaDays: number;
  logsDays: number;
  /** The log file whose rotated files (`<name>.<date>.<n>…`) are pruned; undefined: none. */
  logFile?: string | undefined;
}

/** What a retention run did. */
export interface RetentionReport extends RetentionCounts {
  /** Log files deleted. */
  logFiles: number;
}

/** Runs retention once at `now`. */
export async function runRetention(
  deps: { db: Kysely<Database>; cipher: FieldCipher },
  policy: RetentionPolicy,
  now: number,
): Promise<RetentionReport> {
  const counts = await deps.db.transaction().execute((trx) =>
    eraseExpired(
      trx,
      deps.cipher,
      {
        messagesBefore: now - policy.messagesDays * DAY_MS,
        mediaBefore: now - policy.mediaDays * DAY_MS,
        handledBefore: now - DAY_MS,
        acksBefore: now - DAY_MS,
      },
      now,
    ),
  );
  await eraseFreedSpace(deps.db);
  const logFiles = policy.logFile === undefined ? 0 : pruneLogFiles(policy.logFile, now - policy.logsDays * DAY_MS);
  return { ...counts, logFiles };
}

/** Deletes the rotated files of `logFile` last written before `before`; returns how many. */
export function pruneLogFiles(logFile: string, before: number): number {
  const dir = dirname(logFile);
  const prefix = `${basename(logFile)}.`;
  let deleted = 0;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const path = join(dir, name);
    try {
      if (statSync(path).mtimeMs < before) {
        unlinkSync(path);
        deleted++;
      }
    } catch {
      // Gone meanwhile, or not ours to delete: the next run tries again.
    }
  }
  return deleted;
}
