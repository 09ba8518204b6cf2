/**
 * `change_stamps`: the row `arms` is written with a fresh random stamp (so a
 * rolled-back change never reappears as a later one) whenever a row of
 * `variant_versions` or `policy_versions` is inserted, updated or deleted, by
 * triggers, whatever process or instance writes (no row: nothing changed yet).
 * The engine's cache of arms and policies compares it with the stamp it was
 * filled under.
 * @module
 */
import { type Kysely, type Migration, sql } from "kysely";
import { sqlDialectOf } from "../sql-dialect.js";

const WATCHED = ["variant_versions", "policy_versions"] as const;
const EVENTS = ["insert", "update", "delete"] as const;

/** Creates the stamp and its triggers; `down` removes them. */
export const armsStampMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("change_stamps")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("stamp", "bigint", (c) => c.notNull())
      .execute();
    if (sqlDialectOf(db) === "sqlite") {
      for (const table of WATCHED) {
        for (const event of EVENTS) {
          await sql
            .raw(
              `create trigger ${table}_${event}_arms_stamp after ${event} on ${table} begin ` +
                `insert or replace into change_stamps (name, stamp) values ('arms', abs(random() % 9007199254740991)); end`,
            )
            .execute(db);
        }
      }
      return;
    }
    await sql
      .raw(
        "create function closer_bump_arms_stamp() returns trigger language plpgsql as $$ begin " +
          "insert into change_stamps (name, stamp) values ('arms', floor(random() * 9007199254740991)::bigint) " +
          "on conflict (name) do update set stamp = excluded.stamp; " +
          "return null; end $$",
      )
      .execute(db);
    for (const table of WATCHED) {
      await sql
        .raw(
          `create trigger ${table}_arms_stamp after insert or update or delete on ${table} ` +
            "for each row execute function closer_bump_arms_stamp()",
        )
        .execute(db);
    }
  },

  async down(db: Kysely<unknown>): Promise<void> {
    if (sqlDialectOf(db) === "sqlite") {
      for (const table of WATCHED) {
        for (const event of EVENTS) await sql.raw(`drop trigger if exists ${table}_${event}_arms_stamp`).execute(db);
      }
    } else {
      for (const table of WATCHED) await sql.raw(`drop trigger if exists ${table}_arms_stamp on ${table}`).execute(db);
      await sql.raw("drop function if exists closer_bump_arms_stamp()").execute(db);
    }
    await db.schema.dropTable("change_stamps").ifExists().execute();
  },
};
