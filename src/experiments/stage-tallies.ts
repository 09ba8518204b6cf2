/**
 * Stage tallies: the counts reports, decisions and the SRM check need, computed
 * by the database with GROUP BY, so a stage with a million assignments costs a
 * handful of grouped rows in memory, never one object per assignment.
 * @module
 */
import { type Kysely, sql } from "kysely";
import type { Database } from "../store/index.js";
import { armKey } from "./arms.js";

/**
 * One arm's assignments in a stage, by status. With a `now`, only matured
 * assignments (conversion window closed) count as successes and failures; one
 * resolved inside its still-open window counts as pending and in `early*`.
 */
export interface ArmTally {
  successes: number;
  failures: number;
  pending: number;
  /** Successes and failures already resolved inside a window that is still open (in `pending`). */
  earlySuccesses: number;
  earlyFailures: number;
  /** Time of the arm's first assignment, epoch ms. */
  firstAssignedAt: number;
}

/** Observed and expected assignments per arm, for the SRM test. */
export interface AssignmentBalance {
  /** Arm keys, sorted; the arrays below follow this order. */
  keys: string[];
  /** Assignments each arm received. */
  observed: number[];
  /**
   * Assignments each arm should have received: the sum, over every assignment of
   * the stage, of the probability the arm had in the policy version that made it.
   */
  expected: number[];
}

/** Policy versions fetched per query when their weights are loaded (well under SQLite's parameter limit). */
const POLICY_IDS_PER_QUERY = 500;

/**
 * Per arm key (`variant@version`), the stage's assignments by status. Arms never assigned are absent.
 *
 * Why matured only: a success resolves as soon as the customer moves on, a failure only when the
 * window closes. Counting resolved outcomes early makes an arm whose traffic is growing look better
 * than it is (its successes are in, its failures not yet), and the verdict then "confirms" whichever
 * arm the bandit happened to favour; the simulator's A/A scenario named a winner in over half the runs.
 * Counting cohorts whose window has closed removes that bias.
 * @param now count as decided only assignments whose window closed by then; omitted = every resolved one.
 */
export async function stageArmTallies(
  db: Kysely<Database>,
  stage: string,
  now?: number,
): Promise<Map<string, ArmTally>> {
  const cutoff = now ?? Number.MAX_SAFE_INTEGER;
  const rows = await db
    .selectFrom("assignments")
    .select([
      "variant_id",
      "variant_version",
      "status",
      sql<number>`case when window_ends_at <= ${cutoff} then 1 else 0 end`.as("matured"),
      (eb) => eb.fn.countAll<number>().as("n"),
      (eb) => eb.fn.min<number>("assigned_at").as("first_at"),
    ])
    .where("stage", "=", stage)
    .groupBy(["variant_id", "variant_version", "status", "matured"])
    .execute();
  const out = new Map<string, ArmTally>();
  for (const row of rows) {
    const key = armKey(row.variant_id, Number(row.variant_version));
    const tally = out.get(key) ?? {
      successes: 0,
      failures: 0,
      pending: 0,
      earlySuccesses: 0,
      earlyFailures: 0,
      firstAssignedAt: Number(row.first_at),
    };
    const n = Number(row.n);
    const matured = Number(row.matured) === 1 || now === undefined;
    if (row.status === "success" && matured) tally.successes += n;
    else if (row.status === "failure" && matured) tally.failures += n;
    else {
      tally.pending += n;
      if (row.status === "success") tally.earlySuccesses += n;
      if (row.status === "failure") tally.earlyFailures += n;
    }
    tally.firstAssignedAt = Math.min(tally.firstAssignedAt, Number(row.first_at));
    out.set(key, tally);
  }
  return out;
}

/**
 * Observed against expected assignments per arm of a stage, over the
 * assignments made after `since` (epoch ms, exclusive; null = all). Expected
 * counts come from the policy version each assignment names, so they are exact
 * whatever the weights were at the time.
 */
export async function assignmentBalance(
  db: Kysely<Database>,
  stage: string,
  since: number | null,
): Promise<AssignmentBalance> {
  let query = db
    .selectFrom("assignments")
    .select(["policy_version_id", "variant_id", "variant_version", (eb) => eb.fn.countAll<number>().as("n")])
    .where("stage", "=", stage);
  if (since !== null) query = query.where("assigned_at", ">", since);
  const rows = await query.groupBy(["policy_version_id", "variant_id", "variant_version"]).execute();

  const observed = new Map<string, number>();
  const perPolicy = new Map<number, number>();
  for (const row of rows) {
    const key = armKey(row.variant_id, Number(row.variant_version));
    const n = Number(row.n);
    observed.set(key, (observed.get(key) ?? 0) + n);
    const policyId = Number(row.policy_version_id);
    perPolicy.set(policyId, (perPolicy.get(policyId) ?? 0) + n);
  }
  const expected = new Map<string, number>();
  for (const [policyId, weights] of await policyWeights(db, [...perPolicy.keys()])) {
    const n = perPolicy.get(policyId) ?? 0;
    for (const [key, weight] of Object.entries(weights)) expected.set(key, (expected.get(key) ?? 0) + n * weight);
  }
  const keys = [...new Set([...observed.keys(), ...expected.keys()])].sort();
  return {
    keys,
    observed: keys.map((k) => observed.get(k) ?? 0),
    expected: keys.map((k) => expected.get(k) ?? 0),
  };
}

async function policyWeights(db: Kysely<Database>, ids: number[]): Promise<Map<number, Record<string, number>>> {
  const out = new Map<number, Record<string, number>>();
  for (let i = 0; i < ids.length; i += POLICY_IDS_PER_QUERY) {
    const rows = await db
      .selectFrom("policy_versions")
      .select(["id", "weights_json"])
      .where("id", "in", ids.slice(i, i + POLICY_IDS_PER_QUERY))
      .execute();
    for (const row of rows) out.set(Number(row.id), JSON.parse(row.weights_json) as Record<string, number>);
  }
  return out;
}
