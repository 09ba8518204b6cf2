/**
 * Outcomes: stage advances seen by the engine and outcomes reported by the shop
 * (API, CLI, dashboard) resolve assignments. Idempotent on the caller's event id.
 * @module
 */
import type { Kysely } from "kysely";
import {
  type Database,
  findCustomerById,
  pendingAssignmentsOf,
  resolveAssignment,
  updateCustomer,
} from "../store/index.js";
import { type AttributionEvent, attribute, type Resolution } from "./attribution.js";

/** An outcome reported by the shop or an operator. */
export interface OutcomeReport {
  customerId: string;
  outcome: "won" | "lost" | "advanced";
  /** For `advanced`: the stage reached (default: the next one). For won/lost: the stage it happened in (informational). */
  stage?: string | undefined;
  value?: number | undefined;
  currency?: string | undefined;
  reason?: string | undefined;
  eventId?: string | undefined;
  source: "api" | "cli" | "dashboard" | "engine" | "mcp";
  now: number;
}

/** What recording an outcome did. */
export interface OutcomeResult {
  duplicate: boolean;
  resolved: Resolution[];
  stage: string;
}

/**
 * Resolves the pending assignments of the customer's journey for a stage change
 * the engine saw (no outcome row: the transcript is the record).
 */
export async function resolveOnAdvance(
  db: Kysely<Database>,
  customerId: string,
  journey: number,
  toStageIndex: number,
  now: number,
  stageIndexOf: (stage: string) => number,
): Promise<Resolution[]> {
  return applyEvent(db, customerId, journey, { kind: "advanced", toStageIndex }, now, stageIndexOf);
}

/**
 * Records a reported outcome once per event id and applies it: won/lost end the
 * journey (the customer's stage becomes won/lost), advanced moves the customer on.
 * @throws Error when the customer does not exist (the caller checks first and answers 404).
 */
export async function recordOutcome(
  db: Kysely<Database>,
  report: OutcomeReport,
  stages: readonly string[],
): Promise<OutcomeResult> {
  const customer = await findCustomerById(db, report.customerId);
  if (customer === undefined) throw new Error(`unknown customer ${report.customerId}`);
  if (report.eventId !== undefined) {
    const seen = await db.selectFrom("outcomes").select("id").where("event_id", "=", report.eventId).executeTakeFirst();
    if (seen !== undefined) return { duplicate: true, resolved: [], stage: customer.stage };
  }
  await db
    .insertInto("outcomes")
    .values({
      customer_id: report.customerId,
      event_id: report.eventId ?? null,
      outcome: report.outcome,
      stage: report.stage ?? customer.stage,
      value: report.value ?? null,
      currency: report.currency ?? null,
      reason: report.reason ?? null,
      source: report.source,
      created_at: report.now,
    })
    .execute();

  const stageIndexOf = (s: string) => {
    const i = stages.indexOf(s);
    return i >= 0 ? i : stages.length;
  };
  let stage: string;
  let event: AttributionEvent;
  if (report.outcome === "advanced") {
    const current = stageIndexOf(customer.stage);
    const target = report.stage !== undefined ? stageIndexOf(report.stage) : Math.min(current + 1, stages.length - 1);
    stage = stages[Math.max(target, current)] ?? customer.stage;
    event = { kind: "advanced", toStageIndex: stageIndexOf(stage) };
  } else {
    stage = report.outcome;
    event = { kind: report.outcome };
  }
  const resolved = await applyEvent(db, customer.id, customer.journey, event, report.now, stageIndexOf);
  if (stage !== customer.stage) {
    await updateCustomer(db, customer.id, { stage, stage_entered_at: report.now, updated_at: report.now });
  }
  return { duplicate: false, resolved, stage };
}

async function applyEvent(
  db: Kysely<Database>,
  customerId: string,
  journey: number,
  event: AttributionEvent,
  now: number,
  stageIndexOf: (stage: string) => number,
): Promise<Resolution[]> {
  const pending = await pendingAssignmentsOf(db, customerId, journey);
  const resolutions = attribute(
    pending.map((a) => ({ id: Number(a.id), stage: a.stage, windowEndsAt: a.window_ends_at })),
    event,
    now,
    stageIndexOf,
  );
  const applied: Resolution[] = [];
  for (const r of resolutions) {
    if (await resolveAssignment(db, r.id, r.status, r.resolution, now)) applied.push(r);
  }
  return applied;
}
