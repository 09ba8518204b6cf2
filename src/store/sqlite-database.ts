/**
 * The SQLite adapter: kysely over better-sqlite3, one file in `DATA_DIR`.
 * better-sqlite3 stops here; the rest of the store sees `Kysely<Database>`.
 * @module
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import {
  type DatabaseConnection,
  type Driver,
  Kysely,
  SqliteAdapter,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from "kysely";
import type { Database } from "./database.js";
import { inWritePriorityLane, PriorityMutex } from "./write-priority.js";

/** The database file's name inside `DATA_DIR`. */
export const SQLITE_FILE_NAME = "closer.db";

/** Options of `openSqliteDatabase`. */
export interface SqliteDatabaseOptions {
  /** Path of the database file (its folder is made with mode 700 when missing), or `:memory:`. */
  readonly file: string;
  /**
   * When a commit reaches the disk. `full` (default): the WAL is fsynced at
   * every commit, so a committed row survives a process crash, a kernel panic
   * and a power cut. `normal`: the WAL is fsynced only at checkpoints; a process
   * crash still loses nothing (the commit is in the OS page cache), but a power
   * cut may roll back the last transactions. See the comment in the function.
   */
  readonly synchronous?: "full" | "normal";
  /** Milliseconds a statement waits for another connection's lock before failing; default 5000. */
  readonly busyTimeoutMs?: number;
}

/**
 * Opens (creating when missing) the SQLite database file with mode 600 and
 * returns a kysely instance over it, in WAL mode with foreign keys enforced.
 * Migrations are not run here (see migrate.ts). Close it with `db.destroy()`.
 * @throws the driver's error when the file cannot be opened (a folder, no permission, not a database).
 */
export function openSqliteDatabase({
  file,
  synchronous = "full",
  busyTimeoutMs = 5000,
}: SqliteDatabaseOptions): Kysely<Database> {
  const inMemory = file === ":memory:";
  if (!inMemory) createPrivateFile(file);
  const sqlite = new BetterSqlite3(file);
  try {
    // WAL: readers never block the writer, and a commit is one append to the -wal file.
    if (!inMemory) sqlite.pragma("journal_mode = WAL");
    // "A message that reached a 200 is never lost": the 200 tells the gateway it need not redeliver, so
    // the inbox row is the only copy. WAL + NORMAL already survives the process dying (the committed frames
    // sit in the OS page cache and are replayed on the next open); only a power cut or kernel crash can lose
    // the transactions since the last checkpoint. FULL closes that gap at the price of one fsync per commit,
    // a millisecond on an SSD, far below the traffic of a shop; so FULL is the default.
    sqlite.pragma(`synchronous = ${synchronous === "full" ? "FULL" : "NORMAL"}`);
    sqlite.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    sqlite.pragma("foreign_keys = ON");
    // A deleted row's bytes are overwritten with zeros, so a forgotten customer or erased text cannot be
    // read back from the file (the WAL is emptied by eraseFreedSpace in erasure.ts).
    sqlite.pragma("secure_delete = ON");
  } catch (error) {
    sqlite.close();
    throw error;
  }
  // SQLite creates -wal and -shm with the database file's mode; tighten any left by an older run.
  if (!inMemory) for (const suffix of ["-wal", "-shm"]) tightenMode(file + suffix);
  return new Kysely<Database>({ dialect: new TransactionalSqliteDialect({ database: withStatementCache(sqlite) }) });
}

/** Prepared statements kept per database file, least recently used dropped first. */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * kysely prepares every query anew, and preparing a statement costs about as
 * much as running a small one (the pipeline benchmark's profile showed it at
 * ~8% of the server's time). The queries are a fixed set of SQL texts, so keep
 * their statements. A statement still being iterated (a stream) is never handed
 * out twice; SQLite re-prepares a kept statement itself after a schema change.
 */
function withStatementCache(sqlite: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      const kept = statements.get(sql);
      if (kept !== undefined && !kept.busy) {
        statements.delete(sql);
        statements.set(sql, kept);
        return kept;
      }
      const statement = sqlite.prepare(sql);
      statements.set(sql, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      return statement;
    },
  };
}

/**
 * SQLite can roll back schema changes, but kysely's adapter says it cannot, so
 * its migrator would run migrations outside a transaction and a failure would
 * leave half a schema. This adapter tells the truth. (better-sqlite3 is one
 * connection, and kysely serialises its use, so no migration lock is needed.)
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

class TransactionalSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }

  override createDriver(): Driver {
    return new PriorityLaneSqliteDriver(this.#config);
  }
}

/**
 * kysely's driver hands the one connection out in arrival order; this one lets work in the
 * priority lane (see write-priority.ts) go first among the waiters. Its own mutex orders the
 * waiters, so the base driver's mutex is always free when it is reached.
 */
class PriorityLaneSqliteDriver extends SqliteDriver {
  readonly #turns = new PriorityMutex();

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.#turns.lock(inWritePriorityLane());
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.#turns.unlock();
  }
}

function createPrivateFile(file: string): void {
  // The mode applies only to folders made now; an existing DATA_DIR keeps the mode its owner chose.
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Creating the file ourselves (mode 600) before SQLite does means it never exists with a looser mode.
  closeSync(openSync(file, "a", 0o600));
  tightenMode(file);
}

function tightenMode(file: string): void {
  if (process.platform === "win32" || !existsSync(file)) return;
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}
