/**
 * The experiment report's shape (issue 4): what `closer experiments --json`
 * prints and `GET /api/experiments` answers. The zod schema is the single
 * source of truth; the types are inferred from it.
 * @module
 */
import { z } from "zod";

/** A probability or rate in [0, 1]. */
const unit = z.number().min(0).max(1);
const count = z.number().int().min(0);

/** One arm (variant version) of a stage. */
export const armReportSchema = z.strictObject({
  variant: z.string().min(1),
  version: z.number().int().min(1),
  /** `retired` arms get no new customers; their statistics stay. */
  status: z.enum(["champion", "active", "candidate", "proposed", "retired"]),
  /** Resolved assignments: successes + failures (pending ones are not decisions yet). */
  decisions: count,
  successes: count,
  failures: count,
  /** Assignments still inside their conversion window; they count nowhere in the posterior. */
  pending: count,
  /** Mean of the posterior Beta(α0 + successes, β0 + failures) of the success rate. */
  posteriorMean: unit,
  /** Equal-tailed 95 % credible interval of the success rate, [lower, upper]. */
  credibleInterval: z.tuple([unit, unit]),
  /** P(this arm has the highest success rate) among the arms in rotation; null for an arm out of rotation. */
  pBest: unit.nullable(),
  /** E[best rate − this arm's rate] among the arms in rotation; null for an arm out of rotation. */
  expectedLoss: unit.nullable(),
  /** Probability that a customer entering the stage now gets this arm (0 out of rotation). */
  weight: unit,
});

/** One stage's experiment. */
export const stageReportSchema = z.strictObject({
  stage: z.string().min(1),
  /** `collecting` until every arm in rotation has the minimum evidence; then `winner` or `no_winner_yet`. */
  verdict: z.enum(["collecting", "winner", "no_winner_yet"]),
  /** The winning arm's key (`variant@version`) when the verdict is `winner`, else null. */
  winner: z.string().nullable(),
  /**
   * Sample-ratio-mismatch check since the last acknowledgement. `alarm` stays
   * true (and reweighting frozen) until an operator acknowledges it.
   */
  srm: z.strictObject({ pValue: unit, alarm: z.boolean() }),
  /** Every variant version of the stage, retired ones included. */
  arms: z.array(armReportSchema),
});

/** The whole report: stages in funnel order. */
export const experimentReportSchema = z.strictObject({
  stages: z.array(stageReportSchema),
});

/** One arm of a stage's report. */
export type ArmReport = z.infer<typeof armReportSchema>;
/** One stage of the report. */
export type StageReport = z.infer<typeof stageReportSchema>;
/** The experiment report. */
export type ExperimentReport = z.infer<typeof experimentReportSchema>;
