/**
 * The experiments service: what the server, the CLI and the jobs call. It
 * holds the loaded stage settings and runs each operation in a transaction.
 * Reports and off-policy evaluation read the same tables and live in
 * `src/analytics` (experiments may not import analytics).
 * @module
 */
import type { Kysely } from "kysely";
import { CloserError } from "../errors.js";
import type { Logger } from "../log.js";
import { appendAudit, type Database, storedAlgorithm } from "../store/index.js";
import { activeArms, allArms } from "./arms.js";
import { applyCandidateReviews, makeRoomInStage, type RoomResult } from "./candidate-lifecycle.js";
import { recordExperimentEvent } from "./experiment-events.js";
import type { ExperimentPlaybooks } from "./experiment-playbooks.js";
import type { ChangeAlarm, Random } from "./math/index.js";
import { type OutcomeReport, type OutcomeResult, recordOutcome } from "./outcomes.js";
import { type PolicyReason, updateStagePolicy } from "./policy-update.js";
import {
  type ArmChangeOptions,
  type ArmChangeResult,
  type PromoteOptions,
  promoteArm,
  retireArm,
} from "./promotion.js";
import { formatP, guardSrm, recordAlarm, type SrmState, srmState } from "./srm-guard.js";
import { type ExpiryResult, expireWindows } from "./window-expiry.js";

export type { ExperimentPlaybooks } from "./experiment-playbooks.js";

/** What the service is built from. */
export interface ExperimentsServiceDeps {
  db: Kysely<Database>;
  playbooks: ExperimentPlaybooks;
  clock: { now(): number };
  rng: Random;
  logger: Logger;
  /** Called for each change the weights job's detector finds for the first time (e.g. to raise an alert). */
  onChangeDetected?: (stage: string, change: ChangeAlarm) => void;
}

/** The status of one stage after a job. */
export interface StageJobStatus {
  stage: string;
  status: "updated" | "skipped" | "failed";
  detail: string;
}

/**
 * Runs inside the outcome's transaction after a (non-duplicate) outcome was
 * recorded, e.g. to update the customer's profile; a throw rolls the outcome back.
 */
export type OutcomeHook = (db: Kysely<Database>, report: OutcomeReport, result: OutcomeResult) => Promise<void>;

/** What acknowledging an SRM alarm did. */
export interface SrmAcknowledgement {
  stage: string;
  acknowledgedAt: number;
  /** The p-value of the check that was acknowledged. */
  pValue: number;
}

/** Operations on the experiments. */
export interface ExperimentsService {
  /** Resolves conversion windows that closed before `now`. */
  expireWindows(now: number): Promise<ExpiryResult>;
  /**
   * Recomputes every stage's weights; a stage that fails does not stop the
   * others. First each stage's candidates are reviewed: one that beats the
   * champion with P ≥ 0.5 after `burn_in` decisions becomes `active`, one whose
   * P(best) is below 0.01 after `min_decisions` is retired (both in the audit log
   * with the reason). A stage with an unacknowledged SRM alarm is `skipped`
   * (reweighting and reviews frozen) and the alarm is recorded the first time it is seen.
   */
  updateWeights(now: number, reason: PolicyReason): Promise<StageJobStatus[]>;
  /**
   * Records an outcome reported by the shop or an operator (idempotent on `eventId`).
   * @param onRecorded runs in the same transaction when the outcome was not a duplicate.
   */
  recordOutcome(report: OutcomeReport, onRecorded?: OutcomeHook): Promise<OutcomeResult>;
  /**
   * Makes an arm (`variant@version`) the stage's champion and recomputes the
   * stage's policy at once (see promotion.ts for the rules). Retiring the other
   * arms while the stage's verdict is still `collecting` needs `force`.
   * @throws CloserError `strategy_unknown`, `experiment_invalid`, `bad_request`,
   *   `promotion_needs_force` (the message says how much evidence there is).
   */
  promote(stage: string, arm: string, options: PromoteOptions): Promise<ArmChangeResult>;
  /**
   * Takes an arm out of rotation and recomputes the stage's policy at once.
   * @throws CloserError `strategy_unknown`, `experiment_invalid`, `bad_request`.
   */
  retire(stage: string, arm: string, options: ArmChangeOptions): Promise<ArmChangeResult>;
  /**
   * Acknowledges a stage's SRM alarm (event `srm_ack` and audit entry): the
   * stage's weights move again, and the check starts over from now.
   * @throws CloserError `strategy_unknown` (no such stage), `experiment_invalid` (no alarm to acknowledge).
   */
  acknowledgeSrm(stage: string, options: ArmChangeOptions): Promise<SrmAcknowledgement>;
  /**
   * The stage's SRM check and whether its reweighting is frozen.
   * @throws CloserError `strategy_unknown`.
   */
  srmState(stage: string): Promise<SrmState>;
  /**
   * Makes room for `adding` new arms under the stage's `max_arms`: retires the
   * weakest arms past burn-in (lowest P(best), never the champion), each in the
   * audit log with the reason, and says how many of the new arms fit.
   * @throws CloserError `strategy_unknown`.
   */
  makeRoom(stage: string, adding: number, options: { actor?: string; now: number }): Promise<RoomResult>;
}

/** Builds the service. */
export function createExperimentsService(deps: ExperimentsServiceDeps): ExperimentsService {
  const { db, playbooks, rng, logger } = deps;
  const requireStage = (stage: string) => {
    if (!playbooks.stageIds.includes(stage)) {
      throw new CloserError(
        "strategy_unknown",
        `"${stage}" is not a stage of the funnel (${playbooks.stageIds.join(", ")}).`,
      );
    }
  };
  return {
    expireWindows(now) {
      return expireWindows(db, now);
    },
    async updateWeights(now, reason) {
      const statuses: StageJobStatus[] = [];
      for (const stage of playbooks.stageIds) {
        try {
          statuses.push(await db.transaction().execute((trx) => updateStage(trx, stage, now, reason)));
        } catch (error) {
          statuses.push({ stage, status: "failed", detail: error instanceof Error ? error.message : String(error) });
        }
      }
      return statuses;
    },
    recordOutcome(report, onRecorded) {
      return db.transaction().execute(async (trx) => {
        const result = await recordOutcome(trx, report, playbooks.stageIds);
        if (!result.duplicate && onRecorded !== undefined) await onRecorded(trx, report, result);
        return result;
      });
    },
    async promote(stage, arm, options) {
      const result = await db
        .transaction()
        .execute((trx) => promoteArm(trx, playbooks, stage, arm, { ...options, rng }));
      logger.info(
        { stage, arm: result.arm, retired: result.retired, actor: options.actor, forced: result.warning !== null },
        "arm promoted",
      );
      return result;
    },
    async retire(stage, arm, options) {
      const result = await db
        .transaction()
        .execute((trx) => retireArm(trx, playbooks, stage, arm, { ...options, rng }));
      logger.info({ stage, arm: result.arm, actor: options.actor }, "arm retired");
      return result;
    },
    async acknowledgeSrm(stage, { actor, now, reason = null }) {
      requireStage(stage);
      const ack = await db.transaction().execute(async (trx) => {
        const state = await srmState(trx, stage);
        if (!state.frozen) {
          throw new CloserError(
            "experiment_invalid",
            `Stage ${stage} has no SRM alarm to acknowledge (p-value ${formatP(state.srm.pValue)}).`,
          );
        }
        if (!state.alarmRecorded) await recordAlarm(trx, stage, state.srm, now);
        await recordExperimentEvent(trx, { stage, kind: "srm_ack", reason, actor, at: now });
        await appendAudit(trx, {
          at: now,
          actor,
          action: "srm_ack",
          subject: stage,
          detail: { reason, pValue: state.srm.pValue, observed: state.srm.observed, expected: state.srm.expected },
        });
        return { stage, acknowledgedAt: now, pValue: state.srm.pValue };
      });
      logger.info({ stage, actor }, "SRM alarm acknowledged");
      return ack;
    },
    srmState(stage) {
      requireStage(stage);
      return srmState(db, stage);
    },
    async makeRoom(stage, adding, { actor, now }) {
      requireStage(stage);
      const result = await db.transaction().execute(async (trx) => {
        const settings = playbooks.settings(stage);
        const room = await makeRoomInStage(trx, settings, await allArms(trx, stage), { adding, now, rng, actor });
        if (room.retired.length > 0) {
          const rotating = await activeArms(trx, stage, playbooks.loadedKeys);
          await updateStagePolicy(trx, settings, rotating, { now, rng, reason: "retirement" });
        }
        return room;
      });
      if (result.retired.length > 0) logger.info({ stage, retired: result.retired }, "arms retired for max_arms");
      return result;
    },
  };

  async function updateStage(
    trx: Kysely<Database>,
    stage: string,
    now: number,
    reason: PolicyReason,
  ): Promise<StageJobStatus> {
    const arms = await activeArms(trx, stage, playbooks.loadedKeys);
    if (arms.length === 0) return { stage, status: "skipped", detail: "no active arm" };
    const guard = await guardSrm(trx, stage, now);
    if (guard.frozen) {
      if (guard.raised) logger.warn({ stage, pValue: guard.srm.pValue }, "SRM alarm: reweighting frozen");
      return {
        stage,
        status: "skipped",
        detail:
          `SRM alarm (p-value ${formatP(guard.srm.pValue)}): reweighting is frozen until an operator ` +
          `acknowledges it (POST /api/experiments/${stage}/srm-ack or closer experiments srm-ack ${stage})`,
      };
    }
    const settings = playbooks.settings(stage);
    const reviewed = await applyCandidateReviews(trx, settings, arms, { now, rng });
    const changed = reviewed.graduated.length + reviewed.retired.length > 0;
    for (const review of reviewed.graduated) logger.info({ stage, arm: review.key }, "candidate graduated");
    for (const review of reviewed.retired) logger.info({ stage, arm: review.key }, "candidate retired");
    const rotating = changed ? await activeArms(trx, stage, playbooks.loadedKeys) : arms;
    const policy = await updateStagePolicy(trx, settings, rotating, { now, rng, reason });
    for (const change of policy.changes) {
      logger.warn(
        { stage, arm: change.arm, direction: change.direction, changeAt: new Date(change.changeAt).toISOString() },
        "change detected: the arm's older evidence now weighs less",
      );
      deps.onChangeDetected?.(stage, change);
    }
    const changes = [
      ...policy.changes.map((change) => `${change.arm} changed (${change.direction})`),
      ...reviewed.graduated.map((review) => `${review.key} graduated`),
      ...reviewed.retired.map((review) => `${review.key} retired`),
    ];
    const algorithm = storedAlgorithm(policy.algorithm, policy.learning);
    return { stage, status: "updated", detail: [algorithm, ...changes].join("; ") };
  }
}
