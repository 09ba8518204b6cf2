/**
 * Every source of the weekly report that Closer records in its own store, in
 * one place, so the CLI, the API, the weekly job and the dashboard read the
 * same figures: LLM usage from `llm_usage`.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { llmUsageSource } from "./llm-usage-source.js";
import type { WeeklyReportSources } from "./weekly-report.js";

/** The report's sources read from `db`. */
export function storedReportSources(db: Kysely<Database>): WeeklyReportSources {
  return { llmUsage: llmUsageSource(db) };
}
