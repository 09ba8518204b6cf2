/**
 * The weekly report's LLM source: calls, fallbacks, tokens and cost of a span,
 * summed from the `llm_usage` rows the engine's LLM governor writes.
 * @module
 */
import type { Kysely } from "kysely";
import { type Database, llmUsageSummary } from "../store/index.js";
import type { WeeklyReportSources } from "./weekly-report.js";

/** Reads LLM usage for the report from `db` (calls skipped by the breaker or budget count as fallbacks). */
export function llmUsageSource(db: Kysely<Database>): NonNullable<WeeklyReportSources["llmUsage"]> {
  return async function llmUsage(span) {
    const summary = await llmUsageSummary(db, span);
    return {
      calls: summary.calls,
      fallbacks: summary.fallbacks,
      tokens: summary.tokensIn + summary.tokensOut,
      costUsd: summary.costUsd,
    };
  };
}
