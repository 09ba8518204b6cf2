/**
 * The experiment report: per stage the verdict, the SRM check and every arm's
 * counts, posterior, P(best), expected loss and current weight.
 *
 * Counts come from grouped SQL (a few rows per arm, whatever the number of
 * assignments). P(best) and expected loss use posterior draws seeded from the
 * stage's name, so the same data always give the same report.
 * @module
 */
import type { Kysely } from "kysely";
import {
  type Arm,
  clampUnit,
  createSeededRandom,
  credibleInterval,
  deriveSeed,
  type ExperimentPlaybooks,
  formatP,
  posteriorMean,
  type StageSettings,
  srmState,
  stageEvidence,
  thompsonWeights,
  VERDICT_SEED,
} from "../experiments/index.js";
import { type Database, latestPolicyVersion } from "../store/index.js";
import type { ArmReport, ExperimentReport, StageReport } from "./experiment-report-schema.js";

/** Root seed of the report's posterior draws (the verdict's, shared with promotions). */
export const REPORT_SEED = VERDICT_SEED;

/** A stage's report and the sentences that explain it to a person. */
export interface StageReportWithNotes {
  report: StageReport;
  /** Verdict reasons, SRM detail, weight remarks. */
  notes: string[];
}

/** Builds the report of every stage of the funnel, in funnel order. */
export async function buildExperimentReport(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  now: number,
): Promise<ExperimentReport> {
  return (await buildExperimentReportWithNotes(db, playbooks, now)).report;
}

/** Builds the report and, per stage id, the notes that explain it. */
export async function buildExperimentReportWithNotes(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  now: number,
): Promise<{ report: ExperimentReport; notes: Record<string, string[]> }> {
  const stages: StageReport[] = [];
  const notes: Record<string, string[]> = {};
  for (const stage of playbooks.stageIds) {
    const built = await buildStageReport(db, playbooks, stage, now);
    stages.push(built.report);
    notes[stage] = built.notes;
  }
  return { report: { stages }, notes };
}

/** Days a detected change stays among a stage's notes. */
const CHANGE_NOTE_DAYS = 30;

/** Builds one stage's report with its notes. */
export async function buildStageReport(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  stage: string,
  now: number,
): Promise<StageReportWithNotes> {
  const evidence = await stageEvidence(db, playbooks, stage, now);
  const { settings, arms, rotating, tallies, posteriors, verdict } = evidence;
  // The policy learns from every resolved outcome; the report and the verdict from matured cohorts only.
  const resolvedEvidence = new Map(
    [...tallies].map(([key, t]) => [
      key,
      { successes: t.successes + t.earlySuccesses, failures: t.failures + t.earlyFailures },
    ]),
  );
  const weights = await currentWeights(
    db,
    settings,
    rotating,
    settings.discountPerWeek === null ? resolvedEvidence : evidence.posteriorCounts,
  );
  const notes: string[] = [...verdict.reasons, ...weights.notes];
  const judgedByKey = new Map(evidence.judged.map((j) => [j.key, j]));

  const armReports: ArmReport[] = arms.map((arm) => {
    const t = tallies.get(arm.key);
    const post = posteriors.get(arm.key) ?? settings.prior;
    const [lower, upper] = credibleInterval(post);
    const inRotation = judgedByKey.get(arm.key);
    return {
      variant: arm.variantId,
      version: arm.version,
      status: arm.status,
      decisions: (t?.successes ?? 0) + (t?.failures ?? 0),
      successes: t?.successes ?? 0,
      failures: t?.failures ?? 0,
      pending: t?.pending ?? 0,
      posteriorMean: posteriorMean(post),
      credibleInterval: [lower, upper],
      pBest: inRotation?.pBest ?? null,
      expectedLoss: inRotation?.expectedLoss ?? null,
      weight: inRotation !== undefined ? (weights.byKey.get(arm.key) ?? 0) : 0,
    };
  });

  // Changes the weights job's detector found in the last 30 days (issue 15).
  const changes = await db
    .selectFrom("experiment_events")
    .select(["variant_id", "variant_version", "reason", "created_at"])
    .where("stage", "=", stage)
    .where("kind", "=", "change_detected")
    .where("created_at", ">=", now - CHANGE_NOTE_DAYS * 86_400_000)
    .orderBy("id")
    .execute();
  for (const c of changes) {
    const day = new Date(Number(c.created_at)).toISOString().slice(0, 10);
    notes.push(`change detected ${day} on ${c.variant_id}@${Number(c.variant_version)}: ${c.reason ?? ""}`);
  }
  const srm = await srmState(db, stage);
  if (srm.frozen) {
    notes.push(
      `SRM alarm (p-value ${formatP(srm.srm.pValue)}): reweighting is frozen until an operator acknowledges it`,
    );
  } else if (srm.srm.message) {
    notes.push(`SRM: ${srm.srm.message}`);
  }
  return {
    report: {
      stage,
      verdict: verdict.verdict,
      winner: verdict.winner,
      srm: { pValue: clampUnit(srm.srm.pValue), alarm: srm.frozen },
      arms: armReports,
    },
    notes,
  };
}

/**
 * The propensities a customer entering the stage faces now: the latest policy
 * version's, or, when there is none yet or the arms in rotation changed since,
 * what the policy would compute (not stored; the next assignment stores it).
 */
async function currentWeights(
  db: Kysely<Database>,
  settings: StageSettings,
  rotating: readonly Arm[],
  evidence: ReadonlyMap<string, { successes: number; failures: number }>,
): Promise<{ byKey: Map<string, number>; notes: string[] }> {
  const latest = await latestPolicyVersion(db, settings.stage);
  const keys = rotating.map((a) => a.key);
  if (latest !== undefined && sameKeys(Object.keys(latest.weights), keys)) {
    return { byKey: new Map(Object.entries(latest.weights)), notes: [] };
  }
  const preview = thompsonWeights({
    arms: rotating.map((a) => ({
      key: a.key,
      status: a.status,
      successes: evidence.get(a.key)?.successes ?? 0,
      failures: evidence.get(a.key)?.failures ?? 0,
    })),
    prior: settings.prior,
    floor: settings.floor,
    burnIn: settings.burnIn,
    draws: settings.draws,
    candidateCap: settings.candidateCap,
    rng: createSeededRandom(deriveSeed(REPORT_SEED, `weights:${settings.stage}`)),
  });
  const note =
    latest === undefined
      ? "no policy stored yet: weights are what the first assignment will compute"
      : "the arms changed since the last policy: weights are what the next assignment will compute";
  return {
    byKey: new Map(keys.map((k, i) => [k, preview.propensities[i] ?? 0])),
    notes: keys.length > 0 ? [note] : [],
  };
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  const set = new Set(a);
  return a.length === b.length && b.every((k) => set.has(k));
}
