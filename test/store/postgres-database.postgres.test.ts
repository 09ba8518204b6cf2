/**
 * What the PostgreSQL adapter adds to the shared store suite: the driver's
 * int8 and numeric values come back as JS numbers (as SQLite gives them),
 * every migration is applied, and a URL's password never reaches a message.
 * @module
 */
import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { listMigrations, MIGRATIONS } from "../../src/store/migrate.js";
import { redactDatabaseUrl } from "../../src/store/postgres-database.js";
import { sqlDialectOf } from "../../src/store/sql-dialect.js";
import { createTestDatabase, placeholderCustomerRow, type TestDatabase } from "../support/test-database.js";

describe("the PostgreSQL adapter", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  it("speaks PostgreSQL and has every migration applied", async () => {
    expect(sqlDialectOf(t.db)).toBe("postgres");
    const states = await listMigrations(t.db);
    expect(states.map((s) => s.name)).toEqual(Object.keys(MIGRATIONS).sort());
    expect(states.every((s) => s.executedAt !== null)).toBe(true);
  });

  it("reads bigint ids, epoch-millisecond times, counts and sums as numbers", async () => {
    const at = Date.UTC(2026, 11, 3, 7, 30);
    await t.db
      .insertInto("customers")
      .values(placeholderCustomerRow("c1", { created_at: at }))
      .execute();
    const event = await t.db
      .insertInto("consent_events")
      .values({ customer_id: "c1", kind: "opt_out", at })
      .returning(["id", "at"])
      .executeTakeFirstOrThrow();
    expect(event).toEqual({ id: 1, at });
    const customer = await t.db.selectFrom("customers").select("created_at").executeTakeFirstOrThrow();
    expect(customer.created_at).toBe(at);
    const totals = await sql<{ n: number; total: number }>`
      select count(*) as n, sum(created_at) as total from customers`.execute(t.db);
    expect(totals.rows[0]).toEqual({ n: 1, total: at });
  });

  it("hides the password of a database URL", () => {
    expect(redactDatabaseUrl("postgres://closer:s3cret@db:5432/closer")).toBe("postgres://closer:***@db:5432/closer");
    expect(redactDatabaseUrl("not a url")).not.toContain("not a url");
  });
});
