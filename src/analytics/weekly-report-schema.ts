/**
 * The weekly sales report's shape: what `closer report --format json` prints,
 * `GET /api/reports/weekly` answers, and the HTML and Markdown render from.
 * The zod schema is the single source of truth; the types are inferred.
 *
 * Two kinds of "nothing" are kept apart:
 * - a section or figure that is `null` is **not tracked by this version**
 *   (the data is not recorded yet); pages say "not tracked yet", never 0;
 * - a {@link metricSchema} whose `value` is `null` is tracked but has no data
 *   in the period (a rate over zero customers, a latency with no replies).
 * @module
 */
import { z } from "zod";

const count = z.number().int().min(0);
const unit = z.number().min(0).max(1);
const isoTime = z.iso.datetime({ offset: true });

/**
 * One figure of the period with the same figure over the period before it.
 * `delta` is `value − previous` (for rates: in rate units, 0.05 = 5 points);
 * null when either side has no data.
 */
export const metricSchema = z.strictObject({
  value: z.number().nullable(),
  previous: z.number().nullable(),
  delta: z.number().nullable(),
});

/** A name and how often it came up. */
const tallySchema = z.strictObject({ name: z.string(), count });

/** One stage of the funnel in the period. */
export const funnelStageSchema = z.strictObject({
  stage: z.string().min(1),
  /** Customers (journeys) who entered the stage in the period (its assignments). */
  entered: metricSchema,
  /** Of those, how many moved on to a later stage or were won (so far). */
  movedOn: metricSchema,
  /** movedOn / entered; null when nobody entered. */
  conversion: metricSchema,
  /** Of those who entered, how many are still inside their conversion window, undecided. */
  pending: count,
  /** Median hours from entering the stage to moving on, among those who moved on; null when none did. */
  medianHoursInStage: metricSchema,
});

/** Sales in one currency. */
export const revenueSchema = z.strictObject({
  /** ISO 4217 code; null for won outcomes reported without a currency. */
  currency: z.string().nullable(),
  /** Sum of the won outcomes' values. */
  revenue: metricSchema,
  /** Won outcomes that carried a value. */
  orders: metricSchema,
  /** revenue / orders; null without orders. */
  averageOrderValue: metricSchema,
});

/** Revenue of the customers whose path went through one arm. */
export const armRevenueSchema = z.strictObject({
  stage: z.string(),
  /** `variant@version`. */
  arm: z.string(),
  currency: z.string().nullable(),
  revenue: z.number().min(0),
  /** Won customers with a value whose journey had this arm. */
  customers: count,
});

/** One arm in the experiments section. */
export const weeklyArmSchema = z.strictObject({
  /** `variant@version`. */
  arm: z.string(),
  status: z.enum(["champion", "active", "candidate", "proposed", "retired"]),
  /** Matured decisions (window closed) the verdict counts. */
  decisions: count,
  /** Posterior mean of the success rate and its 95 % credible interval. */
  rate: unit,
  lower: unit,
  upper: unit,
  /** P(best) among the arms in rotation; null out of rotation. */
  pBest: unit.nullable(),
  /** Chance a customer entering the stage now gets this arm. */
  weight: unit,
  /** Successes already resolved inside a still-open window: the bandit learns from them, the verdict waits. */
  earlyWins: count,
  /** Customers this arm was assigned to in the period. */
  assignedInPeriod: count,
});

/** One stage's experiment. */
export const weeklyExperimentSchema = z.strictObject({
  stage: z.string(),
  verdict: z.enum(["collecting", "winner", "no_winner_yet"]),
  /** The winning arm when the verdict is `winner`. */
  winner: z.string().nullable(),
  /** The stage's champion arm, if any. */
  champion: z.string().nullable(),
  srm: z.strictObject({ pValue: unit, alarm: z.boolean() }),
  arms: z.array(weeklyArmSchema),
});

/** A promotion, retirement, new arm or SRM event in the period. */
export const experimentChangeSchema = z.strictObject({
  stage: z.string(),
  arm: z.string().nullable(),
  kind: z.string(),
  reason: z.string().nullable(),
  actor: z.string(),
  at: isoTime,
});

/** An arm proposed by reflection in the period. */
export const reflectionProposalSchema = z.strictObject({
  stage: z.string(),
  arm: z.string(),
  /** Its status now (`candidate`, `active`, `retired`, …). */
  status: z.string(),
  at: isoTime,
});

/** Top interests and concerns of one group of customers. */
const groupInsightsSchema = z.strictObject({
  customers: count,
  interests: z.array(tallySchema),
  concerns: z.array(tallySchema),
  /** Objections raised in their journeys, summed. */
  objections: count,
});

/** One next step, computed from the numbers by fixed rules (see next-actions.ts). */
export const nextActionSchema = z.strictObject({
  kind: z.enum([
    "promote",
    "retire",
    "near_verdict",
    "falling_conversion",
    "srm_alarm",
    "send_failures",
    "slow_replies",
    "low_automation",
  ]),
  stage: z.string().nullable(),
  arm: z.string().nullable(),
  text: z.string(),
});

/** The LLM's summary, or why there is none. */
export const narrativeSchema = z.strictObject({
  /**
   * `written`: the LLM wrote it and every number in it appears in the report;
   * `not_configured`: no LLM; `dropped`: it named a number the report does not hold;
   * `failed`: the LLM call failed.
   */
  status: z.enum(["written", "not_configured", "dropped", "failed"]),
  text: z.string().nullable(),
  /** Why it was dropped or failed. */
  reason: z.string().nullable(),
});

/** Conversion of one week of arrivals, for the trend chart. */
export const weekConversionSchema = z.strictObject({
  /** Start of the week (weeks end at the report's `to`, 7 × 24 h each). */
  weekStart: isoTime,
  /** Customers (journeys) who entered the first stage that week. */
  entered: count,
  /** Of those, how many have been won by the report's end. */
  won: count,
  /** won / entered; null when nobody entered. */
  conversion: unit.nullable(),
});

/** The weekly report. */
export const weeklyReportSchema = z.strictObject({
  schemaVersion: z.literal(1),
  generatedAt: isoTime,
  period: z.strictObject({
    from: isoTime,
    to: isoTime,
    /** The period the changes compare against: the same length just before. */
    previousFrom: isoTime,
    previousTo: isoTime,
    timeZone: z.string(),
  }),
  funnel: z.strictObject({
    stages: z.array(funnelStageSchema),
    /** Customers first seen in the period. */
    newCustomers: metricSchema,
    /** Won outcomes reported in the period (distinct customers). */
    won: metricSchema,
    /** Lost outcomes reported in the period (distinct customers). */
    lost: metricSchema,
    /** Assignments whose window closed without a move in the period (customers who went quiet). */
    wentQuiet: metricSchema,
    /** Conversion per week of arrival over the last weeks, oldest first. */
    weekly: z.array(weekConversionSchema),
  }),
  sales: z.strictObject({
    wonCustomers: metricSchema,
    /** One entry per currency seen in either period. */
    revenue: z.array(revenueSchema),
    /** Per stage and arm, the revenue of the won customers whose path went through it (a customer counts once per stage). */
    revenueByArm: z.array(armRevenueSchema),
  }),
  experiments: z.strictObject({
    stages: z.array(weeklyExperimentSchema),
    changes: z.array(experimentChangeSchema),
    /** Arms reflection proposed in the period. */
    reflectionProposals: z.array(reflectionProposalSchema),
  }),
  customers: z.strictObject({
    won: groupInsightsSchema,
    lost: groupInsightsSchema,
    /** Reasons given with lost outcomes; `(none given)` counts those without. */
    lostReasons: z.array(tallySchema),
    /** Languages of the customers active in the period. */
    languages: z.array(tallySchema),
    /** Where customers came from (ad referrals); null: not tracked by this version. */
    sources: z.array(tallySchema).nullable(),
  }),
  service: z.strictObject({
    /** The plan's targets the figures are read against. */
    targets: z.strictObject({ sendSuccessRate: unit, replyLatencySeconds: z.number(), automationRate: unit }),
    /** Bot messages the gateway accepted / those it accepted or refused (target > 95 %). */
    sendSuccessRate: metricSchema,
    messagesSent: metricSchema,
    sendFailures: metricSchema,
    /** Seconds from the customer's message to our reply leaving (target p95 < 30 s). */
    replyLatencyP50Seconds: metricSchema,
    replyLatencyP95Seconds: metricSchema,
    /** Median seconds from a new customer's first message to the first reply. */
    firstResponseP50Seconds: metricSchema,
    optOuts: metricSchema,
    humanTakeovers: metricSchema,
    /** Customers who asked for a person; null: not tracked by this version. */
    humanRequested: metricSchema.nullable(),
    /** Customers who wrote in the period. */
    conversations: metricSchema,
    /** Share of those conversations with no human takeover (target > 70 %). */
    automationRate: metricSchema,
    /** LLM usage; null: not tracked by this version. */
    llm: z
      .strictObject({
        calls: metricSchema,
        fallbacks: metricSchema,
        tokens: metricSchema,
        costUsd: metricSchema,
        /** LLM cost / won customers (the plan's ROI). */
        costPerWonCustomerUsd: metricSchema,
      })
      .nullable(),
  }),
  /**
   * Per arm: follow-ups sent in the period, answered within 24 h, followed by an opt-out (within 72 h),
   * the opt-out rate, and those the safety rules skipped. Absent in reports of versions before follow-ups.
   */
  followUps: z
    .array(
      z.strictObject({
        stage: z.string(),
        arm: z.string(),
        sent: count,
        answered: count,
        optOuts: count,
        optOutRate: unit.nullable(),
        skipped: count,
      }),
    )
    .optional(),
  /** Alerts raised in the period; null: not tracked by this version. */
  alerts: z.array(z.strictObject({ kind: z.string(), count })).nullable(),
  nextActions: z.array(nextActionSchema),
  narrative: narrativeSchema,
});

/** One figure with its change. */
export type Metric = z.infer<typeof metricSchema>;
/** One funnel stage. */
export type FunnelStage = z.infer<typeof funnelStageSchema>;
/** One next step. */
export type NextAction = z.infer<typeof nextActionSchema>;
/** The narrative block. */
export type Narrative = z.infer<typeof narrativeSchema>;
/** The weekly report. */
export type WeeklyReport = z.infer<typeof weeklyReportSchema>;

/** Builds a metric from this period's and the previous period's value. */
export function metric(value: number | null, previous: number | null): Metric {
  return { value, previous, delta: value === null || previous === null ? null : value - previous };
}
