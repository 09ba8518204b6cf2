/**
 * Follow-ups (see follow-up.table.ts): scheduling, claiming the due ones,
 * settling them with their outbox row, a customer's list and per-arm figures.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { FollowUpRow, FollowUpUpdate, NewFollowUpRow } from "./follow-up.table.js";

/** Follow-up states that count as written to the customer (queued to send, or sent). */
export const FOLLOW_UP_WRITTEN = ["queued", "sent"] as const;

/**
 * Schedules a follow-up; does nothing when that step of that assignment already has a row.
 * @returns true when a row was inserted.
 */
export async function scheduleFollowUp(db: Kysely<Database>, row: NewFollowUpRow): Promise<boolean> {
  const result = await db
    .insertInto("follow_ups")
    .values(row)
    .onConflict((oc) => oc.columns(["assignment_id", "step"]).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Scheduled follow-ups due at `now`, soonest first. */
export async function dueFollowUps(db: Kysely<Database>, now: number, limit: number): Promise<FollowUpRow[]> {
  return db
    .selectFrom("follow_ups")
    .selectAll()
    .where("status", "=", "scheduled")
    .where("due_at", "<=", now)
    .orderBy("due_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * Changes a follow-up that is still `scheduled` (the claim: of two runners, one changes it).
 * @returns false when it was no longer scheduled.
 */
export async function updateScheduledFollowUp(
  db: Kysely<Database>,
  id: number,
  patch: FollowUpUpdate,
): Promise<boolean> {
  const result = await db
    .updateTable("follow_ups")
    .set(patch)
    .where("id", "=", id)
    .where("status", "=", "scheduled")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Removes a scheduled follow-up (the customer answered: it is scheduled again when they go quiet). */
export async function unscheduleFollowUp(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom("follow_ups").where("id", "=", id).where("status", "=", "scheduled").execute();
}

/** The follow-up behind an outbox row, if any. */
export async function followUpOfOutbox(db: Kysely<Database>, outboxId: number): Promise<FollowUpRow | undefined> {
  return db.selectFrom("follow_ups").selectAll().where("outbox_id", "=", outboxId).executeTakeFirst();
}

/** Settles the follow-up behind an outbox row with the row's final state (no-op for other rows). */
export async function settleFollowUpOfOutbox(
  db: Kysely<Database>,
  outboxId: number,
  status: "sent" | "failed" | "held",
  at: number,
  reason: string | null,
): Promise<void> {
  await db
    .updateTable("follow_ups")
    .set({ status, reason, updated_at: at, ...(status === "sent" ? { sent_at: at } : {}) })
    .where("outbox_id", "=", outboxId)
    .where("status", "=", "queued")
    .execute();
}

/** Steps of an assignment's follow-ups that have a row. */
export async function followUpStepsOf(db: Kysely<Database>, assignmentId: number): Promise<FollowUpRow[]> {
  return db.selectFrom("follow_ups").selectAll().where("assignment_id", "=", assignmentId).orderBy("step").execute();
}

/** How many follow-ups went (or are going) to a customer in a journey. */
export async function countWrittenFollowUps(
  db: Kysely<Database>,
  customerId: string,
  journey: number,
): Promise<number> {
  const row = await db
    .selectFrom("follow_ups")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("customer_id", "=", customerId)
    .where("journey", "=", journey)
    .where("status", "in", FOLLOW_UP_WRITTEN)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A customer's follow-ups, newest first. */
export async function followUpsOfCustomer(
  db: Kysely<Database>,
  customerId: string,
  limit = 50,
): Promise<FollowUpRow[]> {
  return db
    .selectFrom("follow_ups")
    .selectAll()
    .where("customer_id", "=", customerId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

/** Follow-up figures of one arm. */
export interface FollowUpArmFigures {
  stage: string;
  variantId: string;
  variantVersion: number;
  sent: number;
  /** Sent ones the customer answered within 24 hours. */
  answered: number;
  /** Sent ones after which the customer opted out within the attribution window. */
  optOuts: number;
  /** Skipped by a rule (opted out, window closed, no Cloud template, …). */
  skipped: number;
}

/** How long after a follow-up an opt-out is counted against its arm. */
export const FOLLOW_UP_OPT_OUT_WINDOW_MS = 72 * 3_600_000;
/** How long after a follow-up an answer counts as "answered". */
export const FOLLOW_UP_ANSWER_WINDOW_MS = 24 * 3_600_000;

/**
 * Per arm: follow-ups sent (or skipped) in `[from, to)`, those answered within 24 h, and those
 * followed by an opt-out within {@link FOLLOW_UP_OPT_OUT_WINDOW_MS}.
 */
export async function followUpFiguresByArm(
  db: Kysely<Database>,
  from: number,
  to: number,
): Promise<FollowUpArmFigures[]> {
  const rows = await db
    .selectFrom("follow_ups as f")
    .select(["f.stage", "f.variant_id", "f.variant_version", "f.status"])
    .select((eb) => [
      eb
        .exists(
          eb
            .selectFrom("messages as m")
            .select("m.id")
            .whereRef("m.customer_id", "=", "f.customer_id")
            .where("m.direction", "=", "in")
            .whereRef("m.created_at", ">", "f.sent_at")
            .where((w) => w("m.created_at", "<=", w(w.ref("f.sent_at"), "+", FOLLOW_UP_ANSWER_WINDOW_MS))),
        )
        .as("answered"),
      eb
        .exists(
          eb
            .selectFrom("consent_events as c")
            .select("c.id")
            .whereRef("c.customer_id", "=", "f.customer_id")
            .where("c.kind", "=", "opt_out")
            .whereRef("c.at", ">=", "f.sent_at")
            .where((w) => w("c.at", "<=", w(w.ref("f.sent_at"), "+", FOLLOW_UP_OPT_OUT_WINDOW_MS))),
        )
        .as("opted_out"),
    ])
    .where((eb) =>
      eb.or([
        eb.and([eb("f.status", "=", "sent"), eb("f.sent_at", ">=", from), eb("f.sent_at", "<", to)]),
        eb.and([eb("f.status", "=", "skipped"), eb("f.updated_at", ">=", from), eb("f.updated_at", "<", to)]),
      ]),
    )
    .execute();
  const byArm = new Map<string, FollowUpArmFigures>();
  for (const row of rows) {
    const key = `${row.stage}/${row.variant_id}@${row.variant_version}`;
    const arm = byArm.get(key) ?? {
      stage: row.stage,
      variantId: row.variant_id,
      variantVersion: row.variant_version,
      sent: 0,
      answered: 0,
      optOuts: 0,
      skipped: 0,
    };
    if (row.status === "skipped") arm.skipped++;
    else {
      arm.sent++;
      if (row.answered) arm.answered++;
      if (row.opted_out) arm.optOuts++;
    }
    byArm.set(key, arm);
  }
  return [...byArm.values()].sort((a, b) =>
    a.stage === b.stage
      ? `${a.variantId}@${a.variantVersion}`.localeCompare(`${b.variantId}@${b.variantVersion}`)
      : a.stage.localeCompare(b.stage),
  );
}
