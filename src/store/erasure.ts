/**
 * Making deletions real in the raw files. The SQLite connection runs with
 * `secure_delete` on (see sqlite-database.ts), so a deleted row's bytes are
 * overwritten with zeros in its page; but the WAL file still holds the page
 * images from before the delete until a checkpoint copies the new pages into
 * the database file and the WAL is truncated. This does that.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "./database.js";
import { sqlDialectOf } from "./sql-dialect.js";

/** What the checkpoint did. */
export interface ErasureResult {
  /** False when a reader in another process kept part of the WAL (it is truncated at the next checkpoint). */
  complete: boolean;
}

/**
 * Checkpoints the WAL into the database file and truncates it to zero bytes,
 * after the transaction that deleted. Call it outside any transaction.
 */
export async function eraseFreedSpace(db: Kysely<Database>): Promise<ErasureResult> {
  if (sqlDialectOf(db) !== "sqlite") return { complete: true };
  const result = await sql<{ busy: number }>`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  return { complete: (result.rows[0]?.busy ?? 0) === 0 };
}
