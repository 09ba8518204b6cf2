/**
 * Assignment: the bandit's choice of an arm for a customer entering a stage,
 * sticky for the rest of that stage, logged with its exact propensity and the
 * policy version that chose it.
 * @module
 */
import type { Kysely } from "kysely";
import {
  type AssignmentRow,
  type Database,
  findAssignment,
  insertAssignment,
  latestPolicyVersion,
  markVersionServed,
  type PolicyVersion,
} from "../store/index.js";
import type { ArmPolicyCache, ArmPolicyView } from "./arm-policy-cache.js";
import { type Arm, activeArms } from "./arms.js";
import { chooseArm, type Random } from "./math/index.js";
import { updateStagePolicy } from "./policy-update.js";
import { HOUR_MS, type StageSettings } from "./stage-settings.js";

/** What the engine asks for. */
export interface AssignRequest {
  customerId: string;
  journey: number;
  stage: string;
  now: number;
  /** Draws the arm. */
  rng: Random;
  settings: StageSettings;
  /** Keys (`variant@version`) of the variants in the loaded playbooks. */
  loadedKeys: ReadonlySet<string>;
  /** The engine's cache of arms and policies; without it both are read from the store. */
  cache?: ArmPolicyCache | undefined;
}

/** The arm a customer has in a stage. */
export interface AssignmentResult {
  assignment: AssignmentRow;
  /** True when this call made the assignment (false: the sticky one was found). */
  created: boolean;
}

/**
 * Returns the customer's assignment for the stage, drawing one from the stage's
 * current policy on entry. Returns `null` when the stage has no active arm.
 * Call inside the transaction that handles the message.
 */
export async function assignOnEntry(db: Kysely<Database>, req: AssignRequest): Promise<AssignmentResult | null> {
  const existing = await findAssignment(db, req.customerId, req.journey, req.stage);
  if (existing !== undefined) return { assignment: existing, created: false };

  const view = await req.cache?.view(db);
  const arms = await activeArms(db, req.stage, req.loadedKeys, view);
  if (arms.length === 0) return null;
  const policy = await currentPolicy(db, req, arms, view);
  const keys = Object.keys(policy.weights);
  const { index, propensity } = chooseArm(
    keys.map((k) => policy.weights[k] ?? 0),
    req.rng,
  );
  const key = keys[index] as string;
  const arm = arms.find((a) => a.key === key);
  if (arm === undefined) throw new Error(`policy ${policy.id} names an arm that is not active: ${key}`);
  const assignment = await insertAssignment(db, {
    customerId: req.customerId,
    journey: req.journey,
    stage: req.stage,
    variantId: arm.variantId,
    variantVersion: arm.version,
    propensity,
    policyVersionId: policy.id,
    assignedAt: req.now,
    windowEndsAt: req.now + req.settings.windowHours * HOUR_MS,
  });
  // The arm was read in this transaction: a version already served needs no write.
  if (arm.firstServedAt === null) await markVersionServed(db, key, req.now);
  return { assignment, created: true };
}

/** The stage's newest policy, recomputed first when the set of active arms changed since. */
async function currentPolicy(
  db: Kysely<Database>,
  req: AssignRequest,
  arms: Arm[],
  view: ArmPolicyView | undefined,
): Promise<PolicyVersion> {
  const latest = await (view?.latestPolicy(req.stage) ?? latestPolicyVersion(db, req.stage));
  const armKeys = arms.map((a) => a.key);
  if (latest !== undefined && sameKeys(Object.keys(latest.weights), armKeys)) return latest;
  return updateStagePolicy(db, req.settings, arms, {
    now: req.now,
    rng: req.rng,
    reason: latest === undefined ? "initial" : "arms_changed",
  });
}

function sameKeys(a: string[], b: string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((k) => set.has(k));
}
