import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DummyDriver,
  Kysely,
  type Migration,
  MysqlAdapter,
  MysqlIntrospector,
  MysqlQueryCompiler,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCloserError } from "../../src/errors.js";
import type { Database } from "../../src/store/database.js";
import { listMigrations, MIGRATIONS, migrateToLatest } from "../../src/store/migrate.js";
import { initialMigration } from "../../src/store/migrations/2026-11-28T0000-initial.js";
import { sqlDialectOf } from "../../src/store/sql-dialect.js";
import { openSqliteDatabase } from "../../src/store/sqlite-database.js";

/** Lists every column of table T; the type check fails when one is missing or misspelt. */
function columnsOf<T>() {
  return <const K extends readonly (keyof T & string)[]>(
    ...keys: K & ([Exclude<keyof T, K[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, K[number]> })
  ): readonly string[] => keys;
}

const EXPECTED_COLUMNS: { [T in keyof Database]: readonly string[] } = {
  customers: columnsOf<Database["customers"]>()(
    "id",
    "phone_index",
    "phone_enc",
    "lid_index",
    "username_index",
    "name_enc",
    "stage",
    "journey",
    "stage_entered_at",
    "profile_enc",
    "opted_out",
    "handoff_until",
    "first_contact_at",
    "last_inbound_at",
    "last_interaction_at",
    "conversation_count",
    "created_at",
    "updated_at",
    "referral_json",
    "details_enc",
  ),
  consent_events: columnsOf<Database["consent_events"]>()("id", "customer_id", "kind", "at"),
  follow_ups: columnsOf<Database["follow_ups"]>()(
    "id",
    "customer_id",
    "journey",
    "stage",
    "assignment_id",
    "variant_id",
    "variant_version",
    "step",
    "quiet_since",
    "due_at",
    "status",
    "reason",
    "language",
    "cloud_template_json",
    "outbox_id",
    "message_id",
    "created_at",
    "updated_at",
    "sent_at",
  ),
  alerts: columnsOf<Database["alerts"]>()(
    "id",
    "kind",
    "alert_key",
    "status",
    "message",
    "detail_json",
    "fired_at",
    "last_sent_at",
    "deliveries",
    "resolved_at",
  ),
  inbox: columnsOf<Database["inbox"]>()(
    "id",
    "gateway",
    "gateway_message_index",
    "identity_index",
    "payload_enc",
    "received_at",
    "status",
    "attempts",
    "processed_at",
    "last_error",
  ),
  messages: columnsOf<Database["messages"]>()(
    "id",
    "customer_id",
    "direction",
    "author",
    "text_enc",
    "gateway_message_index",
    "journey",
    "stage",
    "assignment_id",
    "variant_id",
    "variant_version",
    "intent",
    "status",
    "status_reason",
    "created_at",
    "status_at",
    "kind",
    "content_enc",
    "reaction_enc",
    "reacted_at",
    "edited_at",
    "revoked_at",
    "text_erased_at",
    "media_erased_at",
  ),
  outbox: columnsOf<Database["outbox"]>()(
    "id",
    "message_id",
    "customer_id",
    "kind",
    "status",
    "attempts",
    "next_attempt_at",
    "in_reply_to_at",
    "in_reply_to_gateway_id_enc",
    "last_error",
    "created_at",
    "sent_at",
    "send_hash",
    "send_started_at",
    "claimed_by",
    "claim_expires_at",
  ),
  variant_versions: columnsOf<Database["variant_versions"]>()(
    "id",
    "variant_id",
    "version",
    "stage",
    "content_hash",
    "first_served_at",
    "status",
    "origin",
    "source_file",
    "created_at",
    "updated_at",
  ),
  policy_versions: columnsOf<Database["policy_versions"]>()(
    "id",
    "stage",
    "algorithm",
    "weights_json",
    "floor",
    "seed",
    "counts_json",
    "reason",
    "created_at",
  ),
  assignments: columnsOf<Database["assignments"]>()(
    "id",
    "customer_id",
    "journey",
    "stage",
    "variant_id",
    "variant_version",
    "propensity",
    "policy_version_id",
    "assigned_at",
    "window_ends_at",
    "status",
    "resolved_at",
    "resolution",
  ),
  outcomes: columnsOf<Database["outcomes"]>()(
    "id",
    "customer_id",
    "event_id",
    "outcome",
    "stage",
    "value",
    "currency",
    "reason",
    "source",
    "created_at",
  ),
  experiment_events: columnsOf<Database["experiment_events"]>()(
    "id",
    "stage",
    "variant_id",
    "variant_version",
    "kind",
    "reason",
    "actor",
    "created_at",
  ),
  audit_log: columnsOf<Database["audit_log"]>()("id", "at", "actor", "action", "subject", "detail_json"),
  handoffs: columnsOf<Database["handoffs"]>()("id", "customer_id", "started_at", "ends_at", "ended_at", "reason"),
  pending_acks: columnsOf<Database["pending_acks"]>()("gateway", "gateway_message_index", "status", "at"),
  forgotten_messages: columnsOf<Database["forgotten_messages"]>()("gateway_message_index", "forgotten_at"),
  settings: columnsOf<Database["settings"]>()("key", "value", "updated_at"),
  reflection_runs: columnsOf<Database["reflection_runs"]>()(
    "id",
    "batch_id",
    "stage",
    "status",
    "model",
    "dry_run",
    "tokens_in",
    "tokens_out",
    "tokens_estimated",
    "cost_usd",
    "proposed",
    "accepted_json",
    "rejected_json",
    "error",
    "started_at",
    "finished_at",
  ),
  reflection_lock: columnsOf<Database["reflection_lock"]>()(
    "name",
    "batch_id",
    "holder",
    "stages_json",
    "options_json",
    "acquired_at",
    "heartbeat_at",
  ),
  llm_usage: columnsOf<Database["llm_usage"]>()(
    "id",
    "at",
    "day",
    "purpose",
    "model",
    "outcome",
    "fallback_reason",
    "tokens_in",
    "tokens_out",
    "cost_usd",
    "latency_ms",
  ),
  dashboard_sessions: columnsOf<Database["dashboard_sessions"]>()("id_hash", "created_at", "expires_at"),
  chat_leases: columnsOf<Database["chat_leases"]>()("chat", "holder", "expires_at"),
  job_runs: columnsOf<Database["job_runs"]>()("name", "holder", "started_at", "finished_at"),
  send_slots: columnsOf<Database["send_slots"]>()("id", "holder", "at"),
  change_versions: columnsOf<Database["change_versions"]>()("name", "version", "updated_at"),
  change_stamps: columnsOf<Database["change_stamps"]>()("name", "stamp"),
};

const NOT_NULL_ROWS = {
  inbox: {
    gateway: "gowa",
    gateway_message_index: "ABC",
    identity_index: "idx",
    payload_enc: "enc",
    received_at: 1,
    status: "pending",
    attempts: 0,
  },
};

describe("migrateToLatest", () => {
  let dir: string;
  let db: Kysely<Database>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "closer-migrate-"));
    db = openSqliteDatabase({ file: join(dir, "closer.db"), synchronous: "normal" });
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should apply every migration to a fresh file and report each as applied", async () => {
    const steps = await migrateToLatest(db);
    expect(steps).toEqual(Object.keys(MIGRATIONS).map((name) => ({ name, status: "applied" })));
    expect(steps[0]?.name).toBe("2026-11-28T0000-initial");
  });

  it("should do nothing when run a second time", async () => {
    await migrateToLatest(db);
    await db.insertInto("inbox").values(NOT_NULL_ROWS.inbox).execute();
    expect(await migrateToLatest(db)).toEqual([]);
    expect(await db.selectFrom("inbox").select("gateway_message_index").execute()).toEqual([
      { gateway_message_index: "ABC" },
    ]);
  });

  it("should list each migration with the time it was applied", async () => {
    expect(await listMigrations(db)).toEqual(Object.keys(MIGRATIONS).map((name) => ({ name, executedAt: null })));
    const before = Date.now();
    await migrateToLatest(db);
    const [state] = await listMigrations(db);
    expect(state?.executedAt).toBeGreaterThanOrEqual(before - 1000);
  });

  it("should create exactly the tables and columns of database.ts", async () => {
    await migrateToLatest(db);
    const tables = await db.introspection.getTables();
    const actual = Object.fromEntries(
      tables.map((table) => [table.name, table.columns.map((column) => column.name).sort()]),
    );
    const expected = Object.fromEntries(
      Object.entries(EXPECTED_COLUMNS).map(([table, columns]) => [table, [...columns].sort()]),
    );
    expect(actual).toEqual(expected);
  });

  it("should leave the schema untouched and name the migration when one fails", async () => {
    const broken: Migration = {
      async up(trx) {
        await trx.schema.createTable("half_done").addColumn("id", "integer").execute();
        throw new Error("boom");
      },
    };
    const migrations = { ...MIGRATIONS, "2099-01-01T0000-broken": broken };
    const error = await migrateToLatest(db, { migrations }).catch((e: unknown) => e);
    expect(isCloserError(error, "migration_failed")).toBe(true);
    expect((error as Error).message).toContain("2099-01-01T0000-broken");
    expect((error as Error).message).toContain("boom");
    expect((error as { details?: unknown }).details).toEqual({
      steps: [
        ...Object.keys(MIGRATIONS).map((name) => ({ name, status: "rolled_back" })),
        { name: "2099-01-01T0000-broken", status: "failed" },
      ],
    });
    const names = (await db.introspection.getTables()).map((table) => table.name);
    expect(names).not.toContain("half_done");
    expect(names).not.toContain("inbox");
    expect((await listMigrations(db, { migrations })).every((m) => m.executedAt === null)).toBe(true);
    // The run can be repeated once the broken migration is gone.
    expect(await migrateToLatest(db)).toEqual(Object.keys(MIGRATIONS).map((name) => ({ name, status: "applied" })));
  });

  it("should drop every table when every migration is reverted, newest first", async () => {
    await migrateToLatest(db);
    for (const migration of Object.values(MIGRATIONS).reverse()) await migration.down?.(db);
    const names = (await db.introspection.getTables()).map((table) => table.name);
    expect(names.filter((name) => name in EXPECTED_COLUMNS)).toEqual([]);
  });
});

describe("the initial schema", () => {
  let dir: string;
  let db: Kysely<Database>;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "closer-schema-"));
    db = openSqliteDatabase({ file: join(dir, "closer.db"), synchronous: "normal" });
    await migrateToLatest(db);
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  async function insertCustomer(id: string, phoneIndex = `phone-${id}`): Promise<void> {
    await db
      .insertInto("customers")
      .values({
        id,
        phone_index: phoneIndex,
        phone_enc: "enc",
        stage: "first_contact",
        journey: 1,
        stage_entered_at: 1,
        profile_enc: "enc",
        opted_out: 0,
        first_contact_at: 1,
        last_interaction_at: 1,
        conversation_count: 1,
        created_at: 1,
        updated_at: 1,
      })
      .execute();
  }

  async function insertPolicy(): Promise<number> {
    const row = await db
      .insertInto("policy_versions")
      .values({
        stage: "intent",
        algorithm: "thompson",
        weights_json: "{}",
        floor: 0.05,
        seed: 4_294_967_295,
        counts_json: "{}",
        reason: "initial",
        created_at: 1,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    return row.id;
  }

  const assignment = (policyVersionId: number) => ({
    customer_id: "c1",
    journey: 1,
    stage: "intent",
    variant_id: "direct",
    variant_version: 1,
    propensity: 0.25,
    policy_version_id: policyVersionId,
    assigned_at: 1,
    window_ends_at: 2,
    status: "pending",
  });

  it.each([
    {
      name: "inbox (gateway, gateway_message_index)",
      insert: () => db.insertInto("inbox").values(NOT_NULL_ROWS.inbox).execute(),
    },
    { name: "customers.phone_index", insert: () => insertCustomer(`c${Math.random()}`, "same-phone") },
    {
      name: "assignments (customer_id, journey, stage)",
      insert: async () => {
        const policy = await insertPolicy();
        await db.insertInto("assignments").values(assignment(policy)).execute();
      },
    },
    {
      name: "outcomes.event_id",
      insert: () =>
        db
          .insertInto("outcomes")
          .values({ customer_id: "c1", event_id: "order-1", outcome: "won", source: "api", created_at: 1 })
          .execute(),
    },
    {
      name: "pending_acks (gateway, gateway_message_index, status)",
      insert: () =>
        db
          .insertInto("pending_acks")
          .values({ gateway: "gowa", gateway_message_index: "M1", status: "read", at: 1 })
          .execute(),
    },
    {
      name: "settings.key",
      insert: () => db.insertInto("settings").values({ key: "paused", value: "1", updated_at: 1 }).execute(),
    },
    {
      name: "variant_versions.id",
      insert: () =>
        db
          .insertInto("variant_versions")
          .values({
            id: "warm@1",
            variant_id: "warm",
            version: 1,
            stage: "first_contact",
            content_hash: "h",
            status: "active",
            origin: "hand",
            source_file: "variants/warm.yaml",
            created_at: 1,
            updated_at: 1,
          })
          .execute(),
    },
  ])("should refuse a duplicate $name", async ({ insert }) => {
    await insert();
    await expect(insert()).rejects.toThrow(/UNIQUE constraint failed/);
  });

  it("should accept many outcomes without an event id", async () => {
    const row = { customer_id: "c1", event_id: null, outcome: "won", source: "cli", created_at: 1 };
    await db.insertInto("outcomes").values([row, row, row]).execute();
    const count = await db.selectFrom("outcomes").select(db.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(count.n).toBe(3);
  });

  it("should hand out increasing ids that are never reused after a delete", async () => {
    const insert = (id: string) =>
      db
        .insertInto("inbox")
        .values({ ...NOT_NULL_ROWS.inbox, gateway_message_index: id })
        .returning("id")
        .executeTakeFirstOrThrow();
    const first = await insert("A");
    const second = await insert("B");
    expect(second.id).toBe(first.id + 1);
    await db.deleteFrom("inbox").where("id", "=", second.id).execute();
    expect((await insert("C")).id).toBe(second.id + 1);
  });

  it("should keep epoch milliseconds and large seeds exact", async () => {
    const policy = await insertPolicy();
    const row = await db
      .selectFrom("policy_versions")
      .select(["seed", "floor"])
      .where("id", "=", policy)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ seed: 4_294_967_295, floor: 0.05 });
    await db.insertInto("audit_log").values({ at: 1_795_000_000_123, actor: "cli", action: "promote" }).execute();
    expect((await db.selectFrom("audit_log").select("at").executeTakeFirstOrThrow()).at).toBe(1_795_000_000_123);
  });

  it("should refuse a message for an unknown customer", async () => {
    await expect(
      db
        .insertInto("messages")
        .values({
          customer_id: "nobody",
          direction: "in",
          author: "customer",
          text_enc: "enc",
          journey: 1,
          stage: "first_contact",
          status: "received",
          created_at: 1,
          status_at: 1,
        })
        .execute(),
    ).rejects.toThrow(/FOREIGN KEY constraint failed/);
  });

  it("should refuse an assignment whose policy version does not exist", async () => {
    await expect(db.insertInto("assignments").values(assignment(999)).execute()).rejects.toThrow(
      /FOREIGN KEY constraint failed/,
    );
  });

  it("should delete a forgotten customer's transcript but keep their assignments", async () => {
    await insertCustomer("c1");
    const message = await db
      .insertInto("messages")
      .values({
        customer_id: "c1",
        direction: "out",
        author: "bot",
        text_enc: "enc",
        journey: 1,
        stage: "intent",
        status: "queued",
        created_at: 1,
        status_at: 1,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("outbox")
      .values({
        message_id: message.id,
        customer_id: "c1",
        kind: "reply",
        status: "pending",
        attempts: 0,
        next_attempt_at: 1,
        created_at: 1,
      })
      .execute();
    await db
      .insertInto("handoffs")
      .values({ customer_id: "c1", started_at: 1, ends_at: 2, reason: "fromMe" })
      .execute();
    await db.insertInto("consent_events").values({ customer_id: "c1", kind: "opt_out", at: 1 }).execute();
    await db
      .insertInto("assignments")
      .values(assignment(await insertPolicy()))
      .execute();

    await db.deleteFrom("customers").where("id", "=", "c1").execute();

    for (const table of ["messages", "outbox", "handoffs", "consent_events"] as const) {
      const rows = await db.selectFrom(table).select("customer_id").execute();
      expect(rows, table).toEqual([]);
    }
    expect(await db.selectFrom("assignments").select("customer_id").execute()).toEqual([{ customer_id: "c1" }]);
  });

  it("should have the indexes the queues and lookups rely on", async () => {
    const rows = await sql<{ name: string }>`select name from sqlite_master where type = 'index'`.execute(db);
    const names = rows.rows.map((row) => row.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "customers_phone_index_key",
        "customers_lid_index_idx",
        "inbox_gateway_message_key",
        "inbox_status_idx",
        "messages_customer_idx",
        "messages_gateway_message_idx",
        "outbox_due_idx",
        "assignments_customer_stage_key",
        "assignments_stage_status_idx",
        "assignments_window_idx",
        "outcomes_event_id_key",
        "policy_versions_stage_idx",
        "handoffs_customer_idx",
      ]),
    );
  });
});

describe("sqlDialectOf", () => {
  it("should refuse a dialect the schema does not support", () => {
    const mysql = new Kysely<unknown>({
      dialect: {
        createAdapter: () => new MysqlAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new MysqlIntrospector(db),
        createQueryCompiler: () => new MysqlQueryCompiler(),
      },
    });
    expect(() => sqlDialectOf(mysql)).toThrow(/Unsupported SQL dialect/);
  });
});

describe("the initial migration on PostgreSQL", () => {
  it("should emit identity ids and bigint times, and nothing SQLite-only", async () => {
    const statements: string[] = [];
    const pg = new Kysely<unknown>({
      dialect: {
        createAdapter: () => new PostgresAdapter(),
        createDriver: () => new DummyDriver(),
        createIntrospector: (db) => new PostgresIntrospector(db),
        createQueryCompiler: () => new PostgresQueryCompiler(),
      },
      log: (event) => {
        statements.push(event.query.sql);
      },
    });
    expect(sqlDialectOf(pg)).toBe("postgres");
    await initialMigration.up(pg);
    const ddl = statements.join(";\n");
    expect(ddl).toContain('create table "inbox" ("id" bigint generated by default as identity primary key');
    expect(ddl).toContain('"received_at" bigint not null');
    expect(ddl).toContain('"propensity" double precision not null');
    expect(ddl).not.toMatch(/autoincrement|pragma|sqlite/i);
    await pg.destroy();
  });
});
