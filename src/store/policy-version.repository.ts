/**
 * Policy versions: each stored weight set of a stage, so every assignment can
 * say which policy chose it and any policy can be replayed.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, PolicyVersionRow } from "./database.js";

/** A stored policy version, parsed. */
export interface PolicyVersion {
  id: number;
  stage: string;
  algorithm: string;
  /** Propensity of each arm key (`variant@version`), summing to 1. */
  weights: Record<string, number>;
  floor: number;
  seed: number;
  counts: Record<string, { successes: number; failures: number }>;
  reason: string;
  createdAt: number;
}

/** Stores a new policy version and returns it. */
export async function insertPolicyVersion(db: Kysely<Database>, p: Omit<PolicyVersion, "id">): Promise<PolicyVersion> {
  const row = await db
    .insertInto("policy_versions")
    .values({
      stage: p.stage,
      algorithm: p.algorithm,
      weights_json: JSON.stringify(p.weights),
      floor: p.floor,
      seed: p.seed,
      counts_json: JSON.stringify(p.counts),
      reason: p.reason,
      created_at: p.createdAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { ...p, id: Number(row.id) };
}

/** The newest policy version of a stage. */
export async function latestPolicyVersion(db: Kysely<Database>, stage: string): Promise<PolicyVersion | undefined> {
  const row = await db
    .selectFrom("policy_versions")
    .selectAll()
    .where("stage", "=", stage)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : policyRowToVersion(row);
}

/** Turns a row into a policy version. */
export function policyRowToVersion(row: PolicyVersionRow): PolicyVersion {
  return {
    id: Number(row.id),
    stage: row.stage,
    algorithm: row.algorithm,
    weights: JSON.parse(row.weights_json) as Record<string, number>,
    floor: row.floor,
    seed: row.seed,
    counts: JSON.parse(row.counts_json) as PolicyVersion["counts"],
    reason: row.reason,
    createdAt: row.created_at,
  };
}
