/**
 * One shared helper for database tests: a fresh SQLite file in its own temp
 * folder, migrated, with a field cipher over a fixed test key.
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Kysely } from "kysely";
import type { Database, NewCustomerRow } from "../../src/store/database.js";
import { createFieldCipher, type FieldCipher } from "../../src/store/field-cipher.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { openSqliteDatabase, SQLITE_FILE_NAME } from "../../src/store/sqlite-database.js";

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
  /** The database file. */
  readonly file: string;
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
  return { db, cipher: createFieldCipher({ primary: TEST_DATA_KEY }), dir, file, close };
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
