/**
 * One shared helper for database tests: a fresh SQLite file in its own temp
 * folder, migrated, with a field cipher over a fixed test key. Under the vitest
 * project `postgres` (env `CLOSER_TEST_DATABASE=postgres`) the same helper
 * gives a fresh schema in the run's temporary PostgreSQL cluster instead, so
 * the same test files check both dialects.
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Kysely, sql } from "kysely";
import { inject } from "vitest";
import type { Database, NewCustomerRow } from "../../src/store/database.js";
import { createFieldCipher, type FieldCipher } from "../../src/store/field-cipher.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { openPostgresDatabase } from "../../src/store/postgres-database.js";
import type { SqlDialectName } from "../../src/store/sql-dialect.js";
import { openSqliteDatabase, SQLITE_FILE_NAME } from "../../src/store/sqlite-database.js";
import { postgresDatabaseUrl } from "./postgres-cluster.js";

/** The data key of every test database: 32 fixed bytes (0x00…0x1f), never used outside tests. */
export const TEST_DATA_KEY: Buffer = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

/** A migrated test database and what a test needs around it. */
export interface TestDatabase {
  /** kysely over the database file. */
  readonly db: Kysely<Database>;
  /** A field cipher over `TEST_DATA_KEY`. */
  readonly cipher: FieldCipher;
  /** The temp folder holding the file (a stand-in for DATA_DIR). */
  readonly dir: string;
  /** The database file (SQLite); empty on PostgreSQL. */
  readonly file: string;
  /** Which dialect this run's databases speak. */
  readonly dialect: SqlDialectName;
  /** `DATABASE_URL` of this database on PostgreSQL (its schema first on the search path); undefined on SQLite. */
  readonly url: string | undefined;
  /** Closes the database and deletes the temp folder. Safe to call twice. */
  close(): Promise<void>;
}

/**
 * Creates a fresh, migrated SQLite database file in a new temp folder. The
 * product's settings apply (WAL, foreign keys, mode 600) except
 * `synchronous = NORMAL`, which skips the per-commit fsync that only matters
 * on power loss and would slow the suite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDialect() === "postgres") return createPostgresTestDatabase();
  const dir = mkdtempSync(join(tmpdir(), "closer-store-"));
  const file = join(dir, SQLITE_FILE_NAME);
  const db = openSqliteDatabase({ file, synchronous: "normal" });
  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
  try {
    await migrateToLatest(db);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    db,
    cipher: createFieldCipher({ primary: TEST_DATA_KEY }),
    dir,
    file,
    dialect: "sqlite",
    url: undefined,
    close,
  };
}

/** The dialect the current vitest project tests: `postgres` under the `postgres` project, else `sqlite`. */
export function testDialect(): SqlDialectName {
  return process.env["CLOSER_TEST_DATABASE"] === "postgres" ? "postgres" : "sqlite";
}

/**
 * A database in the run's cluster, copied from the migrated template (see
 * postgres-global-setup.ts). Copying costs a checkpoint, so a test file's
 * worker keeps the databases its tests closed and hands them out again emptied
 * (`truncate … restart identity`: no rows, ids from 1, as a fresh file). The
 * migrations still run (a no-op), so a test sees what `migrateToLatest` leaves.
 */
async function createPostgresTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "closer-store-"));
  let name = idleDatabases.pop();
  if (name === undefined) {
    name = `t_${randomBytes(8).toString("hex")}`;
    const created = name;
    await withAdmin((admin) =>
      sql`create database ${sql.id(created)} template ${sql.id(inject("postgresTemplate"))} strategy file_copy`.execute(
        admin,
      ),
    );
  }
  const kept = name;
  const url = postgresDatabaseUrl(inject("postgresUrl"), kept);
  const db = openPostgresDatabase({ url });
  let closed = false;
  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    try {
      await emptyDatabase(db);
      idleDatabases.push(kept);
    } finally {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  }
  try {
    await migrateToLatest(db);
  } catch (error) {
    await close();
    throw error;
  }
  return {
    db,
    cipher: createFieldCipher({ primary: TEST_DATA_KEY }),
    dir,
    file: "",
    dialect: "postgres",
    url,
    close,
  };
}

/** Databases of this worker that a closed test left, emptied, ready for the next. */
const idleDatabases: string[] = [];

/**
 * Deletes every row of every table but kysely's migration bookkeeping, and
 * restarts the ids. `delete` with foreign-key triggers off (a superuser may) is
 * much cheaper than `truncate` on a few rows: no new files.
 */
async function emptyDatabase(db: Kysely<Database>): Promise<void> {
  const tables = await sql<{ tablename: string }>`
    select tablename from pg_tables where schemaname = current_schema() and tablename not like 'kysely_%'`.execute(db);
  const sequences = await sql<{ sequencename: string }>`
    select sequencename from pg_sequences where schemaname = current_schema()`.execute(db);
  const statements = [
    "set session_replication_role = replica",
    ...tables.rows.map((row) => `delete from "${row.tablename}"`),
    ...sequences.rows.map((row) => `alter sequence "${row.sequencename}" restart`),
    "set session_replication_role = origin",
  ];
  await sql.raw(statements.join(";\n")).execute(db);
}

async function withAdmin<T>(fn: (admin: Kysely<Database>) => Promise<T>): Promise<T> {
  const admin = openPostgresDatabase({ url: inject("postgresUrl"), maxConnections: 1 });
  try {
    return await fn(admin);
  } finally {
    await admin.destroy();
  }
}

/**
 * A customer row for tests that need one to exist (foreign keys) but not its
 * contents: placeholder ciphertext, stage first_contact, times 1.
 */
export function placeholderCustomerRow(id: string, over: Partial<NewCustomerRow> = {}): NewCustomerRow {
  return {
    id,
    phone_index: `idx-${id}`,
    phone_enc: "enc",
    lid_index: null,
    name_enc: null,
    stage: "first_contact",
    journey: 1,
    stage_entered_at: 1,
    profile_enc: "enc",
    opted_out: 0,
    handoff_until: null,
    first_contact_at: 1,
    last_inbound_at: null,
    last_interaction_at: 1,
    conversation_count: 0,
    referral_json: null,
    details_enc: null,
    created_at: 1,
    updated_at: 1,
    ...over,
  };
}
