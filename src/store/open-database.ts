/**
 * Picks the database from the configuration: SQLite in `DATA_DIR` unless
 * `DATABASE_URL` names a PostgreSQL server.
 *
 * PostgreSQL is the seam, not yet a feature: the schema and every query are
 * plain kysely that runs there too, but the `pg` driver is not a dependency of
 * this build. Adding it means a `postgres-database.ts` beside
 * `sqlite-database.ts` that builds kysely's `PostgresDialect` over a `pg.Pool`,
 * and parses `int8` (type 20) as a JS number, since ids and epoch-millisecond
 * times are `bigint` columns that stay far below 2^53.
 * @module
 */
import { join } from "node:path";
import type { Kysely } from "kysely";
import { CloserError } from "../errors.js";
import type { Database } from "./database.js";
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
 * @throws CloserError `database_unsupported` when `DATABASE_URL` is set: this build has no PostgreSQL driver.
 */
export function openDatabase(config: OpenDatabaseConfig): Kysely<Database> {
  if (config.DATABASE_URL !== undefined && config.DATABASE_URL !== "") {
    throw new CloserError(
      "database_unsupported",
      "DATABASE_URL is set, but PostgreSQL support needs the `pg` package, which this build does not include. " +
        "Unset DATABASE_URL to use SQLite in DATA_DIR.",
    );
  }
  return openSqliteDatabase({ file: sqliteFilePath(config.DATA_DIR) });
}

/** Where the SQLite database lives inside `dataDir`. */
export function sqliteFilePath(dataDir: string): string {
  return join(dataDir, SQLITE_FILE_NAME);
}
