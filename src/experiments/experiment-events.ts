/**
 * Experiment events: the trail of promotions, graduations, retirements, new arms and SRM
 * alarms and acknowledgements of each stage, kept in `experiment_events`.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, ExperimentEventRow } from "../store/index.js";

/** What happened to a stage's experiment. */
export type ExperimentEventKind =
  | "promote"
  | "graduate"
  | "retire"
  | "new_arm"
  | "srm_alarm"
  | "srm_ack"
  /** The change detector found an arm's conversion moved (issue 15); its older evidence now weighs less. */
  | "change_detected";

/** A new experiment event. */
export interface NewExperimentEvent {
  stage: string;
  kind: ExperimentEventKind;
  /** The arm concerned, when one is (promote, graduate, retire, new_arm, change_detected). */
  arm?: { variantId: string; version: number } | undefined;
  reason?: string | null | undefined;
  /** Who did it: `system`, `api`, `cli:<user>`, … */
  actor: string;
  at: number;
}

/** Appends an experiment event. */
export async function recordExperimentEvent(db: Kysely<Database>, e: NewExperimentEvent): Promise<void> {
  await db
    .insertInto("experiment_events")
    .values({
      stage: e.stage,
      variant_id: e.arm?.variantId ?? null,
      variant_version: e.arm?.version ?? null,
      kind: e.kind,
      reason: e.reason ?? null,
      actor: e.actor,
      created_at: e.at,
    })
    .execute();
}

/** The newest event of one of `kinds` in a stage, or undefined. */
export async function latestExperimentEvent(
  db: Kysely<Database>,
  stage: string,
  kinds: readonly ExperimentEventKind[],
): Promise<ExperimentEventRow | undefined> {
  return db
    .selectFrom("experiment_events")
    .selectAll()
    .where("stage", "=", stage)
    .where("kind", "in", [...kinds])
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** A stage's events, oldest first. */
export async function experimentEventsOf(db: Kysely<Database>, stage: string): Promise<ExperimentEventRow[]> {
  return db.selectFrom("experiment_events").selectAll().where("stage", "=", stage).orderBy("id").execute();
}
