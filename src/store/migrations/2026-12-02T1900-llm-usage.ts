/**
 * `llm_usage`: one row per LLM call (or call not made), for the daily budget,
 * the metrics a restart must not lose, and the report's cost per day and per
 * won customer. No message text, prompt or reasoning is stored here.
 * @module
 */
import type { Kysely, Migration } from "kysely";
import { autoIncrementId, sqlDialectOf } from "../sql-dialect.js";

/** Creates `llm_usage` with an index on the shop day; `down` drops it. */
export const llmUsageMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    const id = autoIncrementId(sqlDialectOf(db));
    await db.schema
      .createTable("llm_usage")
      .addColumn("id", id.type, id.build)
      .addColumn("at", "bigint", (c) => c.notNull())
      .addColumn("day", "text", (c) => c.notNull())
      .addColumn("purpose", "text", (c) => c.notNull())
      .addColumn("model", "text", (c) => c.notNull())
      .addColumn("outcome", "text", (c) => c.notNull())
      .addColumn("fallback_reason", "text")
      .addColumn("tokens_in", "integer", (c) => c.notNull())
      .addColumn("tokens_out", "integer", (c) => c.notNull())
      .addColumn("cost_usd", "double precision", (c) => c.notNull())
      .addColumn("latency_ms", "integer", (c) => c.notNull())
      .execute();
    await db.schema.createIndex("llm_usage_day_idx").on("llm_usage").column("day").execute();
    await db.schema.createIndex("llm_usage_at_idx").on("llm_usage").column("at").execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("llm_usage").ifExists().execute();
  },
};
