/**
 * Off-policy evaluation of a stage: what success rate would another policy
 * (always the champion, a uniform A/B rotation, or any weights) have had,
 * estimated from the stage's resolved assignments and the propensities logged
 * with them (IPS and self-normalised IPS, with the effective sample size).
 * The log is read grouped by (arm, propensity, outcome), so memory stays small.
 * @module
 */
import type { Kysely } from "kysely";
import { z } from "zod";
import { CloserError } from "../errors.js";
import {
  activeArms,
  allArms,
  armKey,
  championTarget,
  type ExperimentPlaybooks,
  evaluatePolicy,
  type LoggedDecision,
  type OffPolicyEstimate,
  uniformTarget,
} from "../experiments/index.js";
import type { Database } from "../store/index.js";

/** Arm key (`variant@version`) → probability of choosing it; the probabilities sum to 1. */
export const policyWeightsSchema = z.record(z.string().min(1), z.number().min(0).max(1));

/** Arm weights of a custom target policy. */
export type PolicyWeights = z.infer<typeof policyWeightsSchema>;

/** The policy to evaluate: the stage's champion, a uniform rotation over the arms in rotation, or weights. */
export type PolicySpec = "champion" | "uniform" | PolicyWeights;

/** How far the weights of a custom policy may sum from 1. */
export const WEIGHTS_SUM_TOLERANCE = 1e-6;

/** The evaluation of one policy in one stage. */
export type StagePolicyEvaluation = OffPolicyEstimate & {
  stage: string;
  /** `champion`, `uniform` or `weights`. */
  policy: string;
  /** The target probabilities evaluated. */
  target: Record<string, number>;
};

/**
 * Estimates the success rate `spec` would have had in `stage`.
 * @throws CloserError `strategy_unknown` (no such stage, or weights naming an arm
 *   the stage never had), `experiment_invalid` (no champion / no arm in rotation),
 *   `bad_request` (weights that do not sum to 1).
 */
export async function evaluateStagePolicy(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  stage: string,
  spec: PolicySpec,
): Promise<StagePolicyEvaluation> {
  if (!playbooks.stageIds.includes(stage)) {
    throw new CloserError(
      "strategy_unknown",
      `"${stage}" is not a stage of the funnel (${playbooks.stageIds.join(", ")}).`,
    );
  }
  const target = await targetOf(db, playbooks, stage, spec);
  const rows = await db
    .selectFrom("assignments")
    .select(["variant_id", "variant_version", "propensity", "status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("stage", "=", stage)
    .where("status", "in", ["success", "failure"])
    .groupBy(["variant_id", "variant_version", "propensity", "status"])
    .execute();
  const log: LoggedDecision[] = rows.map((row) => ({
    arm: armKey(row.variant_id, Number(row.variant_version)),
    propensity: row.propensity,
    reward: row.status === "success" ? 1 : 0,
    count: Number(row.n),
  }));
  return {
    stage,
    policy: typeof spec === "string" ? spec : "weights",
    target,
    ...evaluatePolicy(log, target),
  };
}

async function targetOf(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  stage: string,
  spec: PolicySpec,
): Promise<Record<string, number>> {
  if (spec === "champion") {
    const champion = (await activeArms(db, stage, playbooks.loadedKeys)).find((a) => a.status === "champion");
    if (champion === undefined) {
      throw new CloserError("experiment_invalid", `Stage ${stage} has no champion; promote one or evaluate 'uniform'.`);
    }
    return { ...championTarget(champion.key) };
  }
  if (spec === "uniform") {
    const rotating = await activeArms(db, stage, playbooks.loadedKeys);
    if (rotating.length === 0) throw new CloserError("experiment_invalid", `Stage ${stage} has no arm in rotation.`);
    return { ...uniformTarget(rotating.map((a) => a.key)) };
  }
  const weights = policyWeightsSchema.parse(spec);
  const known = new Set((await allArms(db, stage)).map((a) => a.key));
  const unknown = Object.keys(weights).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new CloserError("strategy_unknown", `Not arms of stage ${stage}: ${unknown.join(", ")}.`);
  }
  const sum = Object.values(weights).reduce((s, w) => s + w, 0);
  if (Math.abs(sum - 1) > WEIGHTS_SUM_TOLERANCE) {
    throw new CloserError("bad_request", `The policy's weights must sum to 1; they sum to ${sum}.`);
  }
  return { ...weights };
}
