/**
 * The report's sales: won customers, revenue, orders and average order value
 * per currency, and the revenue of the won customers attributed to every arm
 * on their path (each stage's arm of the journey that ended in the win).
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import type { ReportPeriod } from "./report-period.js";
import { idChunks, inSpan, type OutcomeFact, type ReportRows, ratio, type Span, spansOf } from "./report-rows.js";
import { metric, type WeeklyReport } from "./weekly-report-schema.js";

/** Builds the sales section; reads the won customers' assignments for the paths. */
export async function salesSection(
  db: Kysely<Database>,
  rows: ReportRows,
  period: ReportPeriod,
): Promise<WeeklyReport["sales"]> {
  const { current, previous } = spansOf(period);
  const won = (span: Span) => rows.outcomes.filter((o) => o.outcome === "won" && inSpan(o.at, span));
  const wonNow = won(current);
  const wonBefore = won(previous);
  const customers = (list: readonly OutcomeFact[]) => new Set(list.map((o) => o.customerId)).size;
  const currencies = [...new Set([...wonNow, ...wonBefore].filter((o) => o.value !== null).map((o) => o.currency))];
  currencies.sort((a, b) => (a ?? "").localeCompare(b ?? ""));
  return {
    wonCustomers: metric(customers(wonNow), customers(wonBefore)),
    revenue: currencies.map((currency) => {
      const now = totals(wonNow, currency);
      const before = totals(wonBefore, currency);
      return {
        currency,
        revenue: metric(now.revenue, before.revenue),
        orders: metric(now.orders, before.orders),
        averageOrderValue: metric(ratio(now.revenue, now.orders), ratio(before.revenue, before.orders)),
      };
    }),
    revenueByArm: await revenueByArm(db, wonNow),
  };
}

function totals(outcomes: readonly OutcomeFact[], currency: string | null): { revenue: number; orders: number } {
  const mine = outcomes.filter((o) => o.value !== null && o.currency === currency);
  return { revenue: mine.reduce((total, o) => total + (o.value ?? 0), 0), orders: mine.length };
}

/**
 * For each won outcome with a value: the journey it ended is the customer's
 * latest journey with an assignment before the win; every arm of that journey
 * gets the value. A customer counts once per arm however many orders they made.
 */
async function revenueByArm(
  db: Kysely<Database>,
  won: readonly OutcomeFact[],
): Promise<WeeklyReport["sales"]["revenueByArm"]> {
  const valued = won.filter((o) => o.value !== null);
  const ids = [...new Set(valued.map((o) => o.customerId))];
  if (ids.length === 0) return [];
  const paths = [];
  for (const chunk of idChunks(ids)) {
    paths.push(
      ...(await db
        .selectFrom("assignments")
        .select(["customer_id", "journey", "stage", "variant_id", "variant_version", "assigned_at"])
        .where("customer_id", "in", chunk)
        .execute()),
    );
  }
  const byArm = new Map<
    string,
    { stage: string; arm: string; currency: string | null; revenue: number; ids: Set<string> }
  >();
  for (const outcome of valued) {
    const mine = paths.filter((p) => p.customer_id === outcome.customerId && Number(p.assigned_at) <= outcome.at);
    const journey = Math.max(...mine.map((p) => Number(p.journey)));
    for (const step of mine.filter((p) => Number(p.journey) === journey)) {
      const arm = `${step.variant_id}@${Number(step.variant_version)}`;
      const key = `${step.stage}|${arm}|${outcome.currency ?? ""}`;
      const entry = byArm.get(key) ?? {
        stage: step.stage,
        arm,
        currency: outcome.currency,
        revenue: 0,
        ids: new Set(),
      };
      entry.revenue += outcome.value ?? 0;
      entry.ids.add(outcome.customerId);
      byArm.set(key, entry);
    }
  }
  return [...byArm.values()]
    .map(({ ids: who, ...rest }) => ({ ...rest, customers: who.size }))
    .sort((a, b) => a.stage.localeCompare(b.stage) || b.revenue - a.revenue || a.arm.localeCompare(b.arm));
}
