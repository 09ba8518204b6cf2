/**
 * Assignments: the bandit's logged decisions with their propensities, and their
 * resolution into success or failure.
 * @module
 */
import type { Kysely } from "kysely";
import type { AssignmentRow, Database } from "./database.js";
import { PreparedQuery } from "./prepared-query.js";

/** A new assignment to log. */
export interface NewAssignment {
  customerId: string;
  journey: number;
  stage: string;
  variantId: string;
  variantVersion: number;
  propensity: number;
  policyVersionId: number;
  assignedAt: number;
  windowEndsAt: number;
}

/** Logs an assignment and returns the stored row. */
export async function insertAssignment(db: Kysely<Database>, a: NewAssignment): Promise<AssignmentRow> {
  const row = await insertAssignmentQuery.first(db, a);
  if (row === undefined) throw new Error("assignment insert returned no row");
  return row;
}

const insertAssignmentQuery = new PreparedQuery((db, a: NewAssignment) =>
  db
    .insertInto("assignments")
    .values({
      customer_id: a.customerId,
      journey: a.journey,
      stage: a.stage,
      variant_id: a.variantId,
      variant_version: a.variantVersion,
      propensity: a.propensity,
      policy_version_id: a.policyVersionId,
      assigned_at: a.assignedAt,
      window_ends_at: a.windowEndsAt,
      status: "pending",
      resolved_at: null,
      resolution: null,
    })
    .returningAll(),
);

/** The customer's assignment for one stage of one journey (stickiness). */
export async function findAssignment(
  db: Kysely<Database>,
  customerId: string,
  journey: number,
  stage: string,
): Promise<AssignmentRow | undefined> {
  return findAssignmentQuery.first(db, { customerId, journey, stage });
}

const findAssignmentQuery = new PreparedQuery((db, p: { customerId: string; journey: number; stage: string }) =>
  db
    .selectFrom("assignments")
    .selectAll()
    .where("customer_id", "=", p.customerId)
    .where("journey", "=", p.journey)
    .where("stage", "=", p.stage),
);

/** The customer's pending assignments in one journey. */
export async function pendingAssignmentsOf(
  db: Kysely<Database>,
  customerId: string,
  journey: number,
): Promise<AssignmentRow[]> {
  return pendingAssignmentsQuery.rows(db, { customerId, journey });
}

const pendingAssignmentsQuery = new PreparedQuery((db, p: { customerId: string; journey: number }) =>
  db
    .selectFrom("assignments")
    .selectAll()
    .where("customer_id", "=", p.customerId)
    .where("journey", "=", p.journey)
    .where("status", "=", "pending")
    .orderBy("id"),
);

/** Every assignment of a customer, oldest first. */
export async function assignmentsOf(db: Kysely<Database>, customerId: string): Promise<AssignmentRow[]> {
  return db.selectFrom("assignments").selectAll().where("customer_id", "=", customerId).orderBy("id").execute();
}

/** Pending assignments whose window closed before `now`. */
export async function expiredPendingAssignments(
  db: Kysely<Database>,
  now: number,
  limit = 1000,
): Promise<AssignmentRow[]> {
  return db
    .selectFrom("assignments")
    .selectAll()
    .where("status", "=", "pending")
    .where("window_ends_at", "<", now)
    .orderBy("id")
    .limit(limit)
    .execute();
}

/**
 * Resolves a pending assignment. Idempotent: an already resolved assignment is
 * left as it is. @returns true when this call resolved it.
 */
export async function resolveAssignment(
  db: Kysely<Database>,
  id: number,
  status: "success" | "failure",
  resolution: string,
  at: number,
): Promise<boolean> {
  const result = await resolveAssignmentQuery.execute(db, { id, status, resolution, at });
  return Number(result.numAffectedRows ?? 0) === 1;
}

const resolveAssignmentQuery = new PreparedQuery(
  (db, p: { id: number; status: "success" | "failure"; resolution: string; at: number }) =>
    db
      .updateTable("assignments")
      .set({ status: p.status, resolution: p.resolution, resolved_at: p.at })
      .where("id", "=", p.id)
      .where("status", "=", "pending"),
);
