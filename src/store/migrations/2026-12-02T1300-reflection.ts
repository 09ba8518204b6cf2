/**
 * The weekly reflection's tables: one row per stage of every run (model, tokens,
 * estimated cost, accepted and rejected proposals with reasons), and the lock
 * that keeps to one run at a time and lets a run that died be resumed.
 * @module
 */
import type { Kysely, Migration } from "kysely";
import { autoIncrementId, sqlDialectOf } from "../sql-dialect.js";

/** Creates `reflection_runs` and `reflection_lock`; `down` drops them. */
export const reflectionMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const id = autoIncrementId(sqlDialectOf(db));
    const ms = "bigint";
    await db.schema
      .createTable("reflection_runs")
      .addColumn("id", id.type, id.build)
      .addColumn("batch_id", "text", (c) => c.notNull())
      .addColumn("stage", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("dry_run", "integer", (c) => c.notNull())
      .addColumn("tokens_in", "integer", (c) => c.notNull())
      .addColumn("tokens_out", "integer", (c) => c.notNull())
      .addColumn("tokens_estimated", "integer", (c) => c.notNull())
      .addColumn("cost_usd", "double precision", (c) => c.notNull())
      .addColumn("proposed", "integer", (c) => c.notNull())
      .addColumn("accepted_json", "text", (c) => c.notNull())
      .addColumn("rejected_json", "text", (c) => c.notNull())
      .addColumn("error", "text")
      .addColumn("started_at", ms, (c) => c.notNull())
      .addColumn("finished_at", ms)
      .execute();
    await db.schema
      .createIndex("reflection_runs_batch_idx")
      .on("reflection_runs")
      .columns(["batch_id", "stage"])
      .unique()
      .execute();
    await db.schema.createIndex("reflection_runs_started_idx").on("reflection_runs").column("started_at").execute();
    await db.schema
      .createTable("reflection_lock")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("batch_id", "text", (c) => c.notNull())
      .addColumn("holder", "text", (c) => c.notNull())
      .addColumn("stages_json", "text", (c) => c.notNull())
      .addColumn("options_json", "text", (c) => c.notNull())
      .addColumn("acquired_at", ms, (c) => c.notNull())
      .addColumn("heartbeat_at", ms, (c) => c.notNull())
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("reflection_lock").ifExists().execute();
    await db.schema.dropTable("reflection_runs").ifExists().execute();
  },
};
