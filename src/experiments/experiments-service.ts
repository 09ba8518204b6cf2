/**
 * The experiments service: what the server, the CLI and the jobs call. It
 * holds the loaded stage settings and runs each operation in a transaction.
 * @module
 */
import type { Kysely } from "kysely";
import type { Logger } from "../log.js";
import type { Database } from "../store/index.js";
import { activeArms } from "./arms.js";
import type { Random } from "./math/index.js";
import { type OutcomeReport, type OutcomeResult, recordOutcome } from "./outcomes.js";
import { type PolicyReason, updateStagePolicy } from "./policy-update.js";
import type { StageSettings } from "./stage-settings.js";
import { type ExpiryResult, expireWindows } from "./window-expiry.js";

/** The part of the loaded playbooks the service needs. */
export interface ExperimentPlaybooks {
  readonly stageIds: readonly string[];
  readonly loadedKeys: ReadonlySet<string>;
  settings(stage: string): StageSettings;
}

/** What the service is built from. */
export interface ExperimentsServiceDeps {
  db: Kysely<Database>;
  playbooks: ExperimentPlaybooks;
  clock: { now(): number };
  rng: Random;
  logger: Logger;
}

/** The status of one stage after a job. */
export interface StageJobStatus {
  stage: string;
  status: "updated" | "skipped" | "failed";
  detail: string;
}

/** Operations on the experiments. */
export interface ExperimentsService {
  /** Resolves conversion windows that closed before `now`. */
  expireWindows(now: number): Promise<ExpiryResult>;
  /** Recomputes every stage's weights; a stage that fails does not stop the others. */
  updateWeights(now: number, reason: PolicyReason): Promise<StageJobStatus[]>;
  /** Records an outcome reported by the shop or an operator (idempotent on `eventId`). */
  recordOutcome(report: OutcomeReport): Promise<OutcomeResult>;
}

/** Builds the service. */
export function createExperimentsService(deps: ExperimentsServiceDeps): ExperimentsService {
  const { db, playbooks, rng } = deps;
  return {
    expireWindows(now) {
      return expireWindows(db, now);
    },
    async updateWeights(now, reason) {
      const statuses: StageJobStatus[] = [];
      for (const stage of playbooks.stageIds) {
        try {
          const policy = await db.transaction().execute(async (trx) => {
            const arms = await activeArms(trx, stage, playbooks.loadedKeys);
            if (arms.length === 0) return null;
            return updateStagePolicy(trx, playbooks.settings(stage), arms, { now, rng, reason });
          });
          statuses.push(
            policy === null
              ? { stage, status: "skipped", detail: "no active arm" }
              : { stage, status: "updated", detail: policy.algorithm },
          );
        } catch (error) {
          statuses.push({ stage, status: "failed", detail: error instanceof Error ? error.message : String(error) });
        }
      }
      return statuses;
    },
    recordOutcome(report) {
      return db.transaction().execute((trx) => recordOutcome(trx, report, playbooks.stageIds));
    },
  };
}
