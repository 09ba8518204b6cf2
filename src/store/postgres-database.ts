/**
 * The PostgreSQL adapter: kysely's `PostgresDialect` over a `pg.Pool`. `pg`
 * stops here; the rest of the store sees `Kysely<Database>`, the same type the
 * SQLite adapter returns.
 * @module
 */
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import type { Database } from "./database.js";

/** Options of `openPostgresDatabase`. */
export interface PostgresDatabaseOptions {
  /** `postgres://user:password@host:port/database` (or `postgresql://`). */
  readonly url: string;
  /** Connections the pool keeps at most; default 10. */
  readonly maxConnections?: number;
  /** Milliseconds a statement may run before the server cancels it; default 30000 (0 = no limit). */
  readonly statementTimeoutMs?: number;
}

/**
 * Ids and epoch-millisecond times are `bigint` (int8) columns, and counts and
 * sums come back as int8 or numeric; `pg` returns those as strings to keep
 * precision. Every such value Closer stores stays far below 2^53, so read them
 * as JS numbers, as the SQLite driver does.
 */
const INT8_OID = 20;
const NUMERIC_OID = 1700;

/** A `pg.types` override, so the pool's parsing does not change `pg`'s global defaults for other users. */
const closerTypes = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    if (oid === INT8_OID || oid === NUMERIC_OID) return (value: string) => Number(value);
    return format === "binary" ? pg.types.getTypeParser(oid, "binary") : pg.types.getTypeParser(oid, "text");
  },
};

/**
 * Returns a kysely instance over a connection pool to `url`. Nothing connects
 * until the first query (so a wrong URL fails there, with the server's message).
 * Migrations are not run here (see migrate.ts). Close it with `db.destroy()`.
 */
export function openPostgresDatabase({
  url,
  maxConnections = 10,
  statementTimeoutMs = 30_000,
}: PostgresDatabaseOptions): Kysely<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: maxConnections,
    types: closerTypes as pg.CustomTypesConfig,
    // A server-side limit, so a stuck query frees its connection instead of holding a lock forever.
    statement_timeout: statementTimeoutMs,
    application_name: "closer",
  });
  // An idle connection the server dropped (restart, failover) must not crash the process; the pool replaces it.
  pool.on("error", () => {});
  // The same for a connection in use when the server ends its session (a long-held one such as the
  // liveness lock's): its next query fails, the pool drops it, and the process goes on.
  pool.on("connect", (client) => client.on("error", () => {}));
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "postgres://…";
  }
}
