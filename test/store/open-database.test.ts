import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCloserError } from "../../src/errors.js";
import { openDatabase, sqliteFilePath } from "../../src/store/open-database.js";
import { sqlDialectOf } from "../../src/store/sql-dialect.js";

describe("openDatabase", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "closer-open-"));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("should open SQLite in DATA_DIR when DATABASE_URL is unset", async () => {
    const dataDir = join(dir, "data");
    const db = openDatabase({ DATA_DIR: dataDir, DATABASE_URL: undefined });
    expect(sqlDialectOf(db)).toBe("sqlite");
    expect(sqliteFilePath(dataDir)).toBe(join(dataDir, "closer.db"));
    expect(existsSync(join(dataDir, "closer.db"))).toBe(true);
    await db.destroy();
  });

  it("should open PostgreSQL for a postgres:// DATABASE_URL and leave DATA_DIR alone", async () => {
    const db = openDatabase({ DATA_DIR: join(dir, "data"), DATABASE_URL: "postgres://user:pw@127.0.0.1:1/closer" });
    expect(sqlDialectOf(db)).toBe("postgres");
    expect(existsSync(join(dir, "data"))).toBe(false);
    await db.destroy();
  });

  it("should refuse a DATABASE_URL that is not PostgreSQL, without echoing its password", () => {
    let error: unknown;
    try {
      openDatabase({ DATA_DIR: join(dir, "data"), DATABASE_URL: "mysql://user:pw@127.0.0.1:3306/closer" });
    } catch (e) {
      error = e;
    }
    expect(isCloserError(error, "database_unsupported")).toBe(true);
    expect((error as Error).message).toMatch(/postgres:\/\//);
    expect((error as Error).message).not.toContain("pw@");
    expect(existsSync(join(dir, "data"))).toBe(false);
  });
});
