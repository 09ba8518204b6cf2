import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFieldCipher } from "../../src/store/field-cipher.js";
import { migrateToLatest } from "../../src/store/migrate.js";
import { openSqliteDatabase, STATEMENT_CACHE_SIZE } from "../../src/store/sqlite-database.js";
import { TEST_DATA_KEY } from "../support/test-database.js";

const mode = (path: string) => statSync(path).mode & 0o777;

describe("openSqliteDatabase", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "closer-sqlite-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  async function pragma(db: ReturnType<typeof openSqliteDatabase>, name: string): Promise<unknown> {
    const result = await sql<Record<string, unknown>>`${sql.raw(`pragma ${name}`)}`.execute(db);
    return Object.values(result.rows[0] ?? {})[0];
  }

  it("should open the file in WAL mode with foreign keys, a busy timeout and FULL sync by default", async () => {
    const db = openSqliteDatabase({ file: join(dir, "closer.db") });
    expect(await pragma(db, "journal_mode")).toBe("wal");
    expect(await pragma(db, "foreign_keys")).toBe(1);
    expect(await pragma(db, "busy_timeout")).toBe(5000);
    expect(await pragma(db, "synchronous")).toBe(2);
    await db.destroy();
  });

  it("should use NORMAL sync and the given busy timeout when asked", async () => {
    const db = openSqliteDatabase({ file: join(dir, "closer.db"), synchronous: "normal", busyTimeoutMs: 250 });
    expect(await pragma(db, "synchronous")).toBe(1);
    expect(await pragma(db, "busy_timeout")).toBe(250);
    await db.destroy();
  });

  it.skipIf(process.platform === "win32")(
    "should create a missing data folder with mode 700 and the file, -wal and -shm with mode 600",
    async () => {
      const dataDir = join(dir, "nested", "data");
      const file = join(dataDir, "closer.db");
      const db = openSqliteDatabase({ file });
      await migrateToLatest(db);
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(file)).toBe(0o600);
      expect(existsSync(`${file}-wal`)).toBe(true);
      expect(mode(`${file}-wal`)).toBe(0o600);
      expect(mode(`${file}-shm`)).toBe(0o600);
      await db.destroy();
    },
  );

  it.skipIf(process.platform === "win32")("should tighten an existing database file readable by others", async () => {
    const file = join(dir, "closer.db");
    writeFileSync(file, "");
    chmodSync(file, 0o644);
    const db = openSqliteDatabase({ file });
    expect(mode(file)).toBe(0o600);
    await db.destroy();
  });

  it("should keep committed rows when the database is opened again", async () => {
    const file = join(dir, "closer.db");
    const first = openSqliteDatabase({ file });
    await migrateToLatest(first);
    await first.insertInto("settings").values({ key: "k", value: "v", updated_at: 1 }).execute();
    await first.destroy();
    const second = openSqliteDatabase({ file });
    expect(await second.selectFrom("settings").select("value").execute()).toEqual([{ value: "v" }]);
    await second.destroy();
  });

  it("should work in memory for throwaway use", async () => {
    const db = openSqliteDatabase({ file: ":memory:" });
    await migrateToLatest(db);
    expect(await db.selectFrom("settings").selectAll().execute()).toEqual([]);
    await db.destroy();
  });

  it("should store no plaintext of an encrypted value in the database file", async () => {
    const file = join(dir, "closer.db");
    const db = openSqliteDatabase({ file });
    await migrateToLatest(db);
    const cipher = createFieldCipher({ primary: TEST_DATA_KEY });
    const secret = "My card number is 4111 1111 1111 1111, call me on +1 555 0100";
    await db
      .insertInto("settings")
      .values([
        { key: "encrypted", value: cipher.encrypt(secret, "settings.value"), updated_at: 1 },
        { key: "control", value: "a visible control value", updated_at: 1 },
      ])
      .execute();
    await sql`pragma wal_checkpoint(TRUNCATE)`.execute(db);
    const bytes = readFileSync(file);
    // The control proves the raw read sees row data after the checkpoint, so the absence below means something.
    expect(bytes.includes("a visible control value")).toBe(true);
    expect(bytes.includes(secret)).toBe(false);
    expect(bytes.includes("4111 1111")).toBe(false);
    expect(bytes.includes("555 0100")).toBe(false);
    await db.destroy();
  });

  it("should answer repeated queries with current rows while it reuses prepared statements", async () => {
    const db = openSqliteDatabase({ file: join(dir, "closer.db") });
    await migrateToLatest(db);
    const keys = () => db.selectFrom("settings").select("key").orderBy("key").execute();
    expect(await keys()).toEqual([]);
    await db.insertInto("settings").values({ key: "a", value: "1", updated_at: 1 }).execute();
    expect(await keys()).toEqual([{ key: "a" }]);
    // More distinct statements than the cache keeps, so the first ones are evicted and prepared again.
    for (let i = 0; i < STATEMENT_CACHE_SIZE + 10; i++) {
      await sql`select ${sql.lit(i)} as n`.execute(db);
    }
    await db.insertInto("settings").values({ key: "b", value: "2", updated_at: 1 }).execute();
    expect(await keys()).toEqual([{ key: "a" }, { key: "b" }]);
    // A kept `select *` sees a column added after it was prepared.
    const all = () => sql<Record<string, unknown>>`select * from settings where key = 'a'`.execute(db);
    expect(Object.keys((await all()).rows[0] ?? {})).toEqual(["key", "value", "updated_at"]);
    await sql`alter table settings add column note text`.execute(db);
    expect(Object.keys((await all()).rows[0] ?? {})).toEqual(["key", "value", "updated_at", "note"]);
    await db.destroy();
  });
});
