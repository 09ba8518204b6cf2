/**
 * The rows a weekly report reads once and every section shares: assignments
 * and reported outcomes from the start of the trend window (or of the previous
 * period, whichever is earlier) to the report's end, plus small helpers over
 * spans and medians. Selected columns only; no message text.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import type { ReportPeriod } from "./report-period.js";

/** Weeks of arrivals the conversion trend shows. */
export const TREND_WEEKS = 8;
/** One week, ms. */
export const WEEK = 7 * 86_400_000;

/** One assignment as the report reads it. */
export interface AssignmentFact {
  customerId: string;
  journey: number;
  stage: string;
  arm: string;
  assignedAt: number;
  windowEndsAt: number;
  status: string;
  resolution: string | null;
  resolvedAt: number | null;
}

/** One reported outcome as the report reads it. */
export interface OutcomeFact {
  customerId: string;
  outcome: string;
  value: number | null;
  currency: string | null;
  reason: string | null;
  at: number;
}

/** What the sections share. */
export interface ReportRows {
  assignments: AssignmentFact[];
  outcomes: OutcomeFact[];
}

/** A half-open span of time, ms. */
export interface Span {
  readonly from: number;
  readonly to: number;
}

/** The report's period and the previous one as spans. */
export function spansOf(period: ReportPeriod): { current: Span; previous: Span } {
  return {
    current: { from: period.from, to: period.to },
    previous: { from: period.previousFrom, to: period.previousTo },
  };
}

/** True when `at` lies in `span`. */
export function inSpan(at: number | null, span: Span): boolean {
  return at !== null && at >= span.from && at < span.to;
}

/** Loads the assignments and outcomes the report needs. */
export async function loadReportRows(db: Kysely<Database>, period: ReportPeriod): Promise<ReportRows> {
  const start = Math.min(period.previousFrom, period.to - TREND_WEEKS * WEEK);
  const assignments = await db
    .selectFrom("assignments")
    .select([
      "customer_id",
      "journey",
      "stage",
      "variant_id",
      "variant_version",
      "assigned_at",
      "window_ends_at",
      "status",
      "resolution",
      "resolved_at",
    ])
    .where("assigned_at", ">=", start)
    .where("assigned_at", "<", period.to)
    .orderBy("id")
    .execute();
  const outcomes = await db
    .selectFrom("outcomes")
    .select(["customer_id", "outcome", "value", "currency", "reason", "created_at"])
    .where("created_at", ">=", start)
    .where("created_at", "<", period.to)
    .orderBy("id")
    .execute();
  return {
    assignments: assignments.map((a) => ({
      customerId: a.customer_id,
      journey: Number(a.journey),
      stage: a.stage,
      arm: `${a.variant_id}@${Number(a.variant_version)}`,
      assignedAt: Number(a.assigned_at),
      windowEndsAt: Number(a.window_ends_at),
      status: a.status,
      resolution: a.resolution,
      resolvedAt: a.resolved_at === null ? null : Number(a.resolved_at),
    })),
    outcomes: outcomes.map((o) => ({
      customerId: o.customer_id,
      outcome: o.outcome,
      value: o.value === null ? null : Number(o.value),
      currency: o.currency,
      reason: o.reason,
      at: Number(o.created_at),
    })),
  };
}

/** Ids per `where … in (…)` query, well under SQLite's and PostgreSQL's parameter limits. */
export const IDS_PER_QUERY = 500;

/** `ids` in slices of {@link IDS_PER_QUERY}. */
export function idChunks(ids: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) out.push(ids.slice(i, i + IDS_PER_QUERY));
  return out;
}

/** The `q`-quantile (0…1) of `values` by linear interpolation; null when empty. */
export function quantile(values: readonly number[], q: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * q;
  const low = Math.floor(pos);
  const high = Math.ceil(pos);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (pos - low);
}

/** `part / whole`, or null when `whole` is 0. */
export function ratio(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

/** The names in `names` with their counts, most frequent first (ties by name), at most `limit`. */
export function topTallies(names: Iterable<string>, limit: number): { name: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return [...counts]
    .map(([name, count]) => ({ name, count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, limit);
}
