/**
 * LLM usage: one row per call (tokens, cost, latency, outcome, why it fell
 * back), summed per shop day for the daily budget and per range for reports.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, LlmUsageTable } from "./database.js";

/** A usage row to record (see `LlmUsageTable` for each field). */
export type NewLlmUsage = Omit<LlmUsageTable, "id">;

/** Usage of one shop day. */
export interface LlmUsageDay {
  day: string;
  /** Rows of the day: calls made and calls skipped. */
  calls: number;
  ok: number;
  /** Rows whose answer was not used (failed, fell back, or skipped). */
  fallbacks: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
}

/** Usage over a time range. */
export interface LlmUsageSummary {
  /** Rows in the range: calls made and calls skipped (breaker, budget). */
  calls: number;
  ok: number;
  /** Rows whose answer was not used (failed, fell back, or skipped). */
  fallbacks: number;
  tokensIn: number;
  tokensOut: number;
  costUsd: number;
  /** One entry per shop day with rows, oldest first. */
  byDay: LlmUsageDay[];
  /** How many rows fell back for each reason (`timeout`, `schema_mismatch`, `budget_reached`, …). */
  fallbackReasons: Record<string, number>;
}

/** Records one call. */
export async function recordLlmUsage(db: Kysely<Database>, row: NewLlmUsage): Promise<void> {
  await db.insertInto("llm_usage").values(row).execute();
}

/** The cost of a shop day's calls so far, US dollars (what the daily budget compares). */
export async function llmCostOfDay(db: Kysely<Database>, day: string): Promise<number> {
  const row = await db
    .selectFrom("llm_usage")
    .select((eb) => eb.fn.sum<number | string | null>("cost_usd").as("cost"))
    .where("day", "=", day)
    .executeTakeFirst();
  return Number(row?.cost ?? 0);
}

/** Sums the calls with `fromMs <= at < toMs` (epoch ms). */
export async function llmUsageSummary(
  db: Kysely<Database>,
  { fromMs, toMs }: { fromMs: number; toMs: number },
): Promise<LlmUsageSummary> {
  const groups = await db
    .selectFrom("llm_usage")
    .select((eb) => [
      "day",
      "outcome",
      "fallback_reason",
      eb.fn.countAll<number | string>().as("calls"),
      eb.fn.sum<number | string>("tokens_in").as("tokens_in"),
      eb.fn.sum<number | string>("tokens_out").as("tokens_out"),
      eb.fn.sum<number | string>("cost_usd").as("cost_usd"),
    ])
    .where("at", ">=", fromMs)
    .where("at", "<", toMs)
    .groupBy(["day", "outcome", "fallback_reason"])
    .orderBy("day")
    .execute();
  const summary: LlmUsageSummary = {
    calls: 0,
    ok: 0,
    fallbacks: 0,
    tokensIn: 0,
    tokensOut: 0,
    costUsd: 0,
    byDay: [],
    fallbackReasons: {},
  };
  const days = new Map<string, LlmUsageDay>();
  for (const group of groups) {
    const day = days.get(group.day) ?? emptyDay(group.day);
    days.set(group.day, day);
    const calls = Number(group.calls);
    for (const total of [day, summary]) {
      total.calls += calls;
      if (group.outcome === "ok") total.ok += calls;
      else total.fallbacks += calls;
      total.tokensIn += Number(group.tokens_in);
      total.tokensOut += Number(group.tokens_out);
      total.costUsd += Number(group.cost_usd);
    }
    if (group.outcome !== "ok") {
      const reason = group.fallback_reason ?? "unknown";
      summary.fallbackReasons[reason] = (summary.fallbackReasons[reason] ?? 0) + calls;
    }
  }
  summary.byDay = [...days.values()];
  return summary;
}

function emptyDay(day: string): LlmUsageDay {
  return { day, calls: 0, ok: 0, fallbacks: 0, tokensIn: 0, tokensOut: 0, costUsd: 0 };
}
