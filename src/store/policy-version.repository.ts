/**
 * Policy versions: each stored weight set of a stage, so every assignment can
 * say which policy chose it and any policy can be replayed.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, PolicyVersionRow } from "./database.js";
import { PreparedQuery } from "./prepared-query.js";

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
  /**
   * Which learning features shaped the weights (issue 15). Stored in the `algorithm`
   * column as `+pending`, `+change`, `+newcomer` suffixes, so a version with all off
   * is stored exactly as before; absent when all are off.
   */
  learning?: PolicyLearning;
}

/** The learning switches a policy version was computed with. */
export interface PolicyLearning {
  pendingOutcomes: boolean;
  changeDetection: boolean;
  newcomerPrior: boolean;
}

const LEARNING_SUFFIXES: readonly [keyof PolicyLearning, string][] = [
  ["pendingOutcomes", "+pending"],
  ["changeDetection", "+change"],
  ["newcomerPrior", "+newcomer"],
];

/** The `algorithm` column: the algorithm name followed by one suffix per learning feature that was on. */
export function storedAlgorithm(algorithm: string, learning: PolicyLearning | undefined): string {
  if (learning === undefined) return algorithm;
  return (
    algorithm +
    LEARNING_SUFFIXES.filter(([key]) => learning[key])
      .map(([, suffix]) => suffix)
      .join("")
  );
}

/** Splits an `algorithm` column back into the algorithm name and its learning switches (absent when none is on). */
export function parseStoredAlgorithm(stored: string): { algorithm: string; learning?: PolicyLearning } {
  const [algorithm = "", ...rest] = stored.split("+");
  const on = new Set(rest.map((part) => `+${part}`));
  if (on.size === 0) return { algorithm };
  const learning = Object.fromEntries(LEARNING_SUFFIXES.map(([key, suffix]) => [key, on.has(suffix)]));
  return { algorithm, learning: learning as unknown as PolicyLearning };
}

/** Stores a new policy version and returns it. */
export async function insertPolicyVersion(db: Kysely<Database>, p: Omit<PolicyVersion, "id">): Promise<PolicyVersion> {
  const stored = storedAlgorithm(p.algorithm, p.learning);
  const { learning, ...rest } = p;
  const row = await db
    .insertInto("policy_versions")
    .values({
      stage: p.stage,
      algorithm: stored,
      weights_json: JSON.stringify(p.weights),
      floor: p.floor,
      seed: p.seed,
      counts_json: JSON.stringify(p.counts),
      reason: p.reason,
      created_at: p.createdAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const parsed = parseStoredAlgorithm(stored);
  return { ...rest, ...parsed, id: Number(row.id) };
}

/** The newest policy version of a stage. */
export async function latestPolicyVersion(db: Kysely<Database>, stage: string): Promise<PolicyVersion | undefined> {
  const row = await latestPolicyQuery.first(db, { stage });
  return row === undefined ? undefined : policyRowToVersion(row);
}

const latestPolicyQuery = new PreparedQuery((db, p: { stage: string }) =>
  db.selectFrom("policy_versions").selectAll().where("stage", "=", p.stage).orderBy("id", "desc").limit(1),
);

/** Turns a row into a policy version. */
export function policyRowToVersion(row: PolicyVersionRow): PolicyVersion {
  const { algorithm, learning } = parseStoredAlgorithm(row.algorithm);
  return {
    id: Number(row.id),
    stage: row.stage,
    algorithm,
    ...(learning === undefined ? {} : { learning }),
    weights: JSON.parse(row.weights_json) as Record<string, number>,
    floor: row.floor,
    seed: row.seed,
    counts: JSON.parse(row.counts_json) as PolicyVersion["counts"],
    reason: row.reason,
    createdAt: row.created_at,
  };
}
