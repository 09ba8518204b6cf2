/**
 * Recomputes a stage's policy (Thompson weights with floor, burn-in and
 * candidate cap) from resolved outcomes and stores it as a policy version.
 * @module
 */
import type { Kysely } from "kysely";
import { type Database, insertPolicyVersion, type PolicyVersion } from "../store/index.js";
import type { Arm } from "./arms.js";
import { createSeededRandom, discountedCounts, type Random, thompsonWeights } from "./math/index.js";
import type { StageSettings } from "./stage-settings.js";

/** Resolved counts of one arm. */
export interface ArmCounts {
  successes: number;
  failures: number;
}

/** Why a policy version was made. */
export type PolicyReason = "initial" | "schedule" | "manual" | "promotion" | "retirement" | "new_arm" | "arms_changed";

/**
 * Computes and stores a new policy version for one stage.
 * @param rng draws the seed of the posterior sampling, which is stored with the weights.
 */
export async function updateStagePolicy(
  db: Kysely<Database>,
  settings: StageSettings,
  arms: readonly Arm[],
  { now, rng, reason }: { now: number; rng: Random; reason: PolicyReason },
): Promise<PolicyVersion> {
  const counts = await resolvedCounts(db, settings, now);
  const seed = Math.floor(rng.next() * 2 ** 31);
  const perArm = arms.map((arm) => ({
    key: arm.key,
    status: arm.status,
    successes: counts.get(arm.key)?.successes ?? 0,
    failures: counts.get(arm.key)?.failures ?? 0,
  }));
  const result = thompsonWeights({
    arms: perArm,
    prior: settings.prior,
    floor: settings.floor,
    burnIn: settings.burnIn,
    draws: settings.draws,
    candidateCap: settings.candidateCap,
    rng: createSeededRandom(seed),
  });
  const weights: Record<string, number> = {};
  arms.forEach((arm, i) => {
    weights[arm.key] = result.propensities[i] ?? 0;
  });
  return insertPolicyVersion(db, {
    stage: settings.stage,
    algorithm: result.reason === "thompson" ? "thompson" : `thompson:${result.reason}`,
    weights,
    floor: settings.floor,
    seed,
    counts: Object.fromEntries(perArm.map((a) => [a.key, { successes: a.successes, failures: a.failures }])),
    reason,
    createdAt: now,
  });
}

/**
 * Resolved successes and failures per arm of a stage; with discounting, each
 * outcome weighs γ^(age in weeks).
 */
export async function resolvedCounts(
  db: Kysely<Database>,
  settings: StageSettings,
  now: number,
): Promise<Map<string, ArmCounts>> {
  const out = new Map<string, ArmCounts>();
  if (settings.discountPerWeek === null) {
    const rows = await db
      .selectFrom("assignments")
      .select(["variant_id", "variant_version", "status", (eb) => eb.fn.countAll<number>().as("n")])
      .where("stage", "=", settings.stage)
      .where("status", "in", ["success", "failure"])
      .groupBy(["variant_id", "variant_version", "status"])
      .execute();
    for (const row of rows) {
      const key = `${row.variant_id}@${row.variant_version}`;
      const c = out.get(key) ?? { successes: 0, failures: 0 };
      if (row.status === "success") c.successes += Number(row.n);
      else c.failures += Number(row.n);
      out.set(key, c);
    }
    return out;
  }
  const rows = await db
    .selectFrom("assignments")
    .select(["variant_id", "variant_version", "status", "resolved_at"])
    .where("stage", "=", settings.stage)
    .where("status", "in", ["success", "failure"])
    .execute();
  const byArm = new Map<string, { success: boolean; resolvedAt: number }[]>();
  for (const row of rows) {
    const key = `${row.variant_id}@${row.variant_version}`;
    const list = byArm.get(key) ?? [];
    list.push({ success: row.status === "success", resolvedAt: row.resolved_at ?? now });
    byArm.set(key, list);
  }
  for (const [key, outcomes] of byArm) {
    out.set(key, { ...discountedCounts(outcomes, { now, discountPerWeek: settings.discountPerWeek }) });
  }
  return out;
}
