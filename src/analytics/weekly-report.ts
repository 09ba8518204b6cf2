/**
 * Builds the weekly sales report: funnel, sales, experiments, customers and
 * service, each figure with the same figure over the period before; the next
 * steps computed from them; and, with an LLM, a narrative checked against the
 * numbers. The result is validated by {@link weeklyReportSchema} before it is
 * returned, so every renderer and consumer reads the documented shape.
 * @module
 */
import type { Kysely } from "kysely";
import type { ExperimentPlaybooks } from "../experiments/index.js";
import type { Database, FieldCipher } from "../store/index.js";
import { customersSection } from "./customers-section.js";
import { experimentsSection } from "./experiments-section.js";
import { followUpSection } from "./follow-up-section.js";
import { funnelSection } from "./funnel-section.js";
import { nextActions, type ReportFigures } from "./next-actions.js";
import { type NarrativeLlm, writeNarrative } from "./report-narrative.js";
import { type ReportPeriod, reportPeriod } from "./report-period.js";
import { loadReportRows, spansOf } from "./report-rows.js";
import { salesSection } from "./sales-section.js";
import { serviceSection } from "./service-section.js";
import { type Metric, metric, type WeeklyReport, weeklyReportSchema } from "./weekly-report-schema.js";

/**
 * Optional sources other parts of Closer record; a source left out makes its
 * figures `null` ("not tracked by this version").
 */
export interface WeeklyReportSources {
  /** LLM calls, fallbacks, tokens and cost in `[fromMs, toMs)`. */
  llmUsage?: (span: { fromMs: number; toMs: number }) => Promise<LlmUsage>;
  /** Alerts raised in `[fromMs, toMs)`, counted by kind. */
  alertCounts?: (span: { fromMs: number; toMs: number }) => Promise<{ kind: string; count: number }[]>;
}

/** LLM usage over a span: calls (made or skipped), those whose answer was not used, tokens, cost in USD. */
export interface LlmUsage {
  calls: number;
  fallbacks: number;
  tokens: number;
  costUsd: number;
}

/** What the report reads. */
export interface WeeklyReportDeps {
  db: Kysely<Database>;
  /** Decrypts profiles for the customers section. */
  cipher: FieldCipher;
  /** The funnel's stages and the experiment settings. */
  playbooks: ExperimentPlaybooks;
  clock: { now(): number };
  /** The shop's IANA time zone, recorded in the report. */
  timeZone: string;
  /** Writes the narrative; omitted means no narrative (`not_configured`). */
  llm?: NarrativeLlm | undefined;
  sources?: WeeklyReportSources;
}

/**
 * Builds the report of `[from, to)` (epoch ms), compared with the period of
 * the same length before it.
 * @throws CloserError `bad_request` when `from` is not before `to`.
 */
export async function buildWeeklyReport(
  deps: WeeklyReportDeps,
  span: { from: number; to: number },
): Promise<WeeklyReport> {
  const period = reportPeriod(span.from, span.to);
  const figures = await reportFigures(deps, period);
  const actions = nextActions(figures);
  const narrative = await writeNarrative(deps.llm, figures, actions);
  return weeklyReportSchema.parse({ ...figures, nextActions: actions, narrative });
}

async function reportFigures(deps: WeeklyReportDeps, period: ReportPeriod): Promise<ReportFigures> {
  const { db, cipher, playbooks, clock } = deps;
  const now = clock.now();
  const rows = await loadReportRows(db, period);
  const stages = playbooks.stageIds;
  const { section: service, activeIds } = await serviceSection(db, period);
  const funnel = funnelSection(rows, stages, period, await newCustomers(db, period));
  const sales = await salesSection(db, rows, period);
  sales.revenueByArm.sort((a, b) => stages.indexOf(a.stage) - stages.indexOf(b.stage));
  const { current, previous } = spansOf(period);
  const usage = deps.sources?.llmUsage;
  if (usage !== undefined) {
    const thisPeriod = await usage({ fromMs: current.from, toMs: current.to });
    const periodBefore = await usage({ fromMs: previous.from, toMs: previous.to });
    service.llm = llmFigures(thisPeriod, periodBefore, sales.wonCustomers);
  }
  const alerts =
    deps.sources?.alertCounts === undefined
      ? null
      : await deps.sources.alertCounts({ fromMs: current.from, toMs: current.to });
  return {
    schemaVersion: 1,
    generatedAt: new Date(now).toISOString(),
    period: {
      from: iso(period.from),
      to: iso(period.to),
      previousFrom: iso(period.previousFrom),
      previousTo: iso(period.previousTo),
      timeZone: deps.timeZone,
    },
    funnel,
    sales,
    experiments: await experimentsSection(db, playbooks, rows, period, Math.min(now, period.to)),
    customers: await customersSection(db, cipher, rows, period, activeIds),
    service,
    followUps: await followUpSection(db, period, stages),
    alerts,
  };
}

/** LLM usage of the two periods, with the cost per won customer (the plan's ROI). */
function llmFigures(now: LlmUsage, before: LlmUsage, won: Metric): NonNullable<WeeklyReport["service"]["llm"]> {
  const perWon = (cost: number, customers: number | null) => (customers ? cost / customers : null);
  return {
    calls: metric(now.calls, before.calls),
    fallbacks: metric(now.fallbacks, before.fallbacks),
    tokens: metric(now.tokens, before.tokens),
    costUsd: metric(now.costUsd, before.costUsd),
    costPerWonCustomerUsd: metric(perWon(now.costUsd, won.value), perWon(before.costUsd, won.previous)),
  };
}

async function newCustomers(
  db: Kysely<Database>,
  period: ReportPeriod,
): Promise<{ current: number; previous: number }> {
  const count = async (from: number, to: number) => {
    const row = await db
      .selectFrom("customers")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("first_contact_at", ">=", from)
      .where("first_contact_at", "<", to)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  };
  return {
    current: await count(period.from, period.to),
    previous: await count(period.previousFrom, period.previousTo),
  };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}
