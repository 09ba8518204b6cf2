/**
 * Shared fixtures of the experiments and analytics tests: stage settings, a
 * plain-object playbooks port, and direct inserts of arms, policy versions and
 * assignments into a test database.
 */
import type { Kysely } from "kysely";
import type { ExperimentPlaybooks, StageSettings } from "../../src/experiments/index.js";
import type { Database } from "../../src/store/database.js";
import { insertPolicyVersion } from "../../src/store/policy-version.repository.js";
import { insertVariantVersion } from "../../src/store/variant-version.repository.js";

/** The default funnel's stages. */
export const STAGES = ["first_contact", "building_trust", "intent", "closing"] as const;

/** 2026-03-02T09:00:00Z, the start of every test's clock. */
export const T0 = Date.UTC(2026, 2, 2, 9, 0, 0);

/** Settings of a stage with the defaults, and small burn-in and thresholds unless overridden. */
export function stageSettings(stage: string, overrides: Partial<StageSettings> = {}): StageSettings {
  return {
    stage,
    windowHours: 48,
    prior: { alpha: 1, beta: 1 },
    floor: 0.02,
    burnIn: 20,
    draws: 4000,
    candidateCap: 0.1,
    maxArms: 6,
    discountPerWeek: null,
    minDecisions: 100,
    minSuccesses: 40,
    minDays: 14,
    ...overrides,
  };
}

/** A playbooks port over the given stages and loaded arm keys. */
export function fakePlaybooks(
  loadedKeys: readonly string[],
  overrides: Partial<StageSettings> = {},
  stages: readonly string[] = STAGES,
): ExperimentPlaybooks {
  return {
    stageIds: stages,
    loadedKeys: new Set(loadedKeys),
    settings(stage) {
      if (!stages.includes(stage)) throw new Error(`no stage ${stage}`);
      return stageSettings(stage, overrides);
    },
  };
}

/** An arm to insert: `variant@version` in a stage with a status. */
export interface ArmSeed {
  key: string;
  stage: string;
  status?: string;
}

/** Inserts variant versions as `syncArms` would. */
export async function seedArms(db: Kysely<Database>, arms: readonly ArmSeed[], at = T0): Promise<void> {
  for (const arm of arms) {
    const [variantId, version] = arm.key.split("@") as [string, string];
    await insertVariantVersion(db, {
      variantId,
      version: Number(version),
      stage: arm.stage,
      contentHash: `hash-${arm.key}`,
      status: arm.status ?? "active",
      origin: "hand",
      sourceFile: `variants/${arm.stage}/${variantId}.yaml`,
      at,
    });
  }
}

/** Stores a policy version with the given propensities; returns its id. */
export async function seedPolicy(
  db: Kysely<Database>,
  stage: string,
  weights: Record<string, number>,
  at = T0,
): Promise<number> {
  const policy = await insertPolicyVersion(db, {
    stage,
    algorithm: "test",
    weights,
    floor: 0.02,
    seed: 1,
    counts: {},
    reason: "initial",
    createdAt: at,
  });
  return policy.id;
}

/** An assignment to insert. */
export interface AssignmentSeed {
  arm: string;
  stage: string;
  policyId: number;
  status?: "pending" | "success" | "failure";
  /** Default: the policy's weight is unknown here, so give it (default 0.5). */
  propensity?: number;
  at?: number;
  windowEndsAt?: number;
  customerId?: string;
}

let customerCounter = 0;

/** Inserts assignments (each for a new customer id unless given). */
export async function seedAssignments(db: Kysely<Database>, seeds: readonly AssignmentSeed[]): Promise<void> {
  for (const s of seeds) {
    const [variantId, version] = s.arm.split("@") as [string, string];
    const status = s.status ?? "pending";
    const at = s.at ?? T0;
    await db
      .insertInto("assignments")
      .values({
        customer_id: s.customerId ?? `customer-${++customerCounter}`,
        journey: 1,
        stage: s.stage,
        variant_id: variantId,
        variant_version: Number(version),
        propensity: s.propensity ?? 0.5,
        policy_version_id: s.policyId,
        assigned_at: at,
        window_ends_at: s.windowEndsAt ?? at + 48 * 3_600_000,
        status,
        resolved_at: status === "pending" ? null : at + 3_600_000,
        resolution: status === "pending" ? null : status === "success" ? "advanced" : "lost",
      })
      .execute();
  }
}

/** `n` copies of one assignment seed. */
export function times(n: number, seed: AssignmentSeed): AssignmentSeed[] {
  return Array.from({ length: n }, () => ({ ...seed }));
}
