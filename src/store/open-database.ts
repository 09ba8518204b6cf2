/**
 * Picks the database from the configuration: SQLite in `DATA_DIR` unless
 * `DATABASE_URL` names a PostgreSQL server, which several Closer instances
 * can share (see README "Running on PostgreSQL").
 * @module
 */
import { join } from "node:path";
import type { Kysely } from "kysely";
import { CloserError } from "../errors.js";
import type { Database } from "./database.js";
import { openPostgresDatabase } from "./postgres-database.js";
import { openSqliteDatabase, SQLITE_FILE_NAME } from "./sqlite-database.js";

/** The part of the configuration that chooses the database. */
export interface OpenDatabaseConfig {
  /** Folder of the SQLite file (`closer.db`), created with mode 700 when missing. */
  readonly DATA_DIR: string;
  /** `postgres://…` asks for PostgreSQL; unset means SQLite. */
  readonly DATABASE_URL?: string | undefined;
}

/**
 * Opens the configured database. Migrations are not run here (see migrate.ts).
 * @throws CloserError `database_unsupported` when `DATABASE_URL` is set but is not a `postgres://` URL.
 */
export function openDatabase(config: OpenDatabaseConfig): Kysely<Database> {
  const url = config.DATABASE_URL;
  if (url !== undefined && url !== "") {
    if (!/^postgres(ql)?:\/\//.test(url)) {
      throw new CloserError(
        "database_unsupported",
        "DATABASE_URL must be a postgres:// (or postgresql://) URL; unset it to use SQLite in DATA_DIR.",
      );
    }
    return openPostgresDatabase({ url });
  }
  return openSqliteDatabase({ file: sqliteFilePath(config.DATA_DIR) });
}

/** Where the SQLite database lives inside `dataDir`. */
export function sqliteFilePath(dataDir: string): string {
  return join(dataDir, SQLITE_FILE_NAME);
}
