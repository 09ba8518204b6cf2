/**
 * The weights job's side of the arm lifecycle, over the store: candidates that
 * proved themselves become `active`, hopeless ones are retired, and a stage at
 * `max_arms` retires its weakest arm before another joins. The rules are the pure
 * ones of `math/arm-lifecycle.ts` (the simulator runs the same); this module reads
 * each arm's matured cohorts (assignments whose window has closed, as the verdict
 * does: a new arm's successes resolve before its failures and would flatter it),
 * writes the statuses, and records each change as an experiment event and in the
 * audit log with its reason.
 * @module
 */
import type { Kysely } from "kysely";
import { appendAudit, type Database, setVariantStatus } from "../store/index.js";
import { type Arm, parseArmKey } from "./arms.js";
import { recordExperimentEvent } from "./experiment-events.js";
import {
  type CandidateReview,
  createSeededRandom,
  makeRoomForArms,
  type PolicyArm,
  type Random,
  reviewCandidates,
} from "./math/index.js";
import type { StageSettings } from "./stage-settings.js";
import { stageArmTallies } from "./stage-tallies.js";

/** The actor of the changes the jobs make on their own. */
export const SYSTEM_ACTOR = "system";

/** What a review changed. */
export interface CandidateLifecycleResult {
  /** Candidates that became `active`. */
  graduated: CandidateReview[];
  /** Candidates retired automatically. */
  retired: CandidateReview[];
}

/** Arms freed to make room, and how many new arms fit. */
export interface RoomResult {
  stage: string;
  /** Arm keys retired, weakest first. */
  retired: string[];
  /** How many of the arms being added fit now. */
  room: number;
}

/**
 * Reviews the stage's candidates on its resolved counts and applies the verdicts.
 * Run it inside the weights job's transaction, before the policy is recomputed.
 * @param arms the stage's arms in rotation.
 * @param rng draws the seed of the review's posterior sampling.
 */
export async function applyCandidateReviews(
  db: Kysely<Database>,
  settings: StageSettings,
  arms: readonly Arm[],
  { now, rng }: { now: number; rng: Random },
): Promise<CandidateLifecycleResult> {
  const result: CandidateLifecycleResult = { graduated: [], retired: [] };
  if (!arms.some((arm) => arm.status === "candidate")) return result;
  const reviews = reviewCandidates({
    arms: await withCounts(db, settings, arms, now),
    prior: settings.prior,
    burnIn: settings.burnIn,
    minDecisions: settings.minDecisions,
    draws: settings.draws,
    rng: createSeededRandom(Math.floor(rng.next() * 2 ** 31)),
  });
  for (const review of reviews) {
    if (review.action === "keep") continue;
    const { stage } = settings;
    const arm = parseArmKey(review.key) ?? undefined;
    const detail = {
      stage,
      arm: review.key,
      reason: review.reason,
      cause: "automatic",
      decisions: review.decisions,
      pBest: review.pBest,
      pBeatsReference: review.pBeatsReference,
      reference: review.reference,
    };
    if (review.action === "graduate") {
      await setVariantStatus(db, review.key, "active", now);
      await recordExperimentEvent(db, {
        stage,
        kind: "graduate",
        arm,
        reason: review.reason,
        actor: SYSTEM_ACTOR,
        at: now,
      });
      await appendAudit(db, {
        at: now,
        actor: SYSTEM_ACTOR,
        action: "experiment_graduate",
        subject: `${stage}/${review.key}`,
        detail,
      });
      result.graduated.push(review);
    } else {
      await retire(db, stage, review.key, review.reason, now, detail);
      result.retired.push(review);
    }
  }
  return result;
}

/**
 * Retires the weakest arms past burn-in so that `adding` more fit under the
 * stage's `max_arms` (see `makeRoomForArms`). Run it inside a transaction, before
 * the new arms are written.
 * @param arms every arm of the stage, retired ones included.
 */
export async function makeRoomInStage(
  db: Kysely<Database>,
  settings: StageSettings,
  arms: readonly Arm[],
  { adding, now, rng, actor = SYSTEM_ACTOR }: { adding: number; now: number; rng: Random; actor?: string },
): Promise<RoomResult> {
  const plan = makeRoomForArms({
    arms: await withCounts(db, settings, arms, now),
    adding,
    maxArms: settings.maxArms,
    burnIn: settings.burnIn,
    prior: settings.prior,
    draws: settings.draws,
    rng: createSeededRandom(Math.floor(rng.next() * 2 ** 31)),
  });
  for (const arm of plan.retire) {
    await retire(
      db,
      settings.stage,
      arm.key,
      arm.reason,
      now,
      {
        stage: settings.stage,
        arm: arm.key,
        reason: arm.reason,
        cause: "max_arms",
        pBest: arm.pBest,
      },
      actor,
    );
  }
  return { stage: settings.stage, retired: plan.retire.map((arm) => arm.key), room: plan.room };
}

async function retire(
  db: Kysely<Database>,
  stage: string,
  key: string,
  reason: string,
  now: number,
  detail: Record<string, unknown>,
  actor = SYSTEM_ACTOR,
): Promise<void> {
  await setVariantStatus(db, key, "retired", now);
  const arm = parseArmKey(key) ?? undefined;
  await recordExperimentEvent(db, { stage, kind: "retire", arm, reason, actor, at: now });
  await appendAudit(db, { at: now, actor, action: "experiment_retire", subject: `${stage}/${key}`, detail });
}

/** The arms as the pure rules take them: status and matured counts. */
async function withCounts(
  db: Kysely<Database>,
  settings: StageSettings,
  arms: readonly Arm[],
  now: number,
): Promise<PolicyArm[]> {
  const counts = await stageArmTallies(db, settings.stage, now);
  return arms.map((arm) => ({
    key: arm.key,
    status: arm.status,
    successes: counts.get(arm.key)?.successes ?? 0,
    failures: counts.get(arm.key)?.failures ?? 0,
  }));
}
