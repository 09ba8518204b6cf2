/**
 * The report's follow-ups: per arm, follow-ups sent in the period, those the
 * customer answered within 24 hours, and those followed by an opt-out (within
 * 72 hours: counted against the arm), with the opt-out rate; plus the ones the
 * safety rules skipped.
 * @module
 */
import type { Kysely } from "kysely";
import { type Database, followUpFiguresByArm } from "../store/index.js";

/** One arm's follow-up figures in the report. */
export interface FollowUpArmRow {
  stage: string;
  /** `variant@version`. */
  arm: string;
  sent: number;
  answered: number;
  optOuts: number;
  /** optOuts / sent; null when none was sent. */
  optOutRate: number | null;
  skipped: number;
}

/** The follow-up figures of `[from, to)`, in funnel order of `stages`. */
export async function followUpSection(
  db: Kysely<Database>,
  period: { from: number; to: number },
  stages: readonly string[],
): Promise<FollowUpArmRow[]> {
  const arms = await followUpFiguresByArm(db, period.from, period.to);
  return arms
    .map((a) => ({
      stage: a.stage,
      arm: `${a.variantId}@${a.variantVersion}`,
      sent: a.sent,
      answered: a.answered,
      optOuts: a.optOuts,
      optOutRate: a.sent === 0 ? null : a.optOuts / a.sent,
      skipped: a.skipped,
    }))
    .sort((a, b) => stages.indexOf(a.stage) - stages.indexOf(b.stage) || a.arm.localeCompare(b.arm));
}
