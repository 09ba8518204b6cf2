/**
 * Recomputes a stage's policy (Thompson weights with floor, burn-in and
 * candidate cap) from resolved outcomes and stores it as a policy version.
 * @module
 */
import type { Kysely } from "kysely";
import { type Database, insertPolicyVersion, type PolicyVersion } from "../store/index.js";
import type { Arm } from "./arms.js";
import { recordExperimentEvent } from "./experiment-events.js";
import {
  type ChangeAlarm,
  createSeededRandom,
  discountedCounts,
  LEARNING_OFF,
  LearningEvidence,
  type LearningOptions,
  type PolicyArm,
  type Random,
  thompsonWeights,
} from "./math/index.js";
import { HOUR_MS, type StageSettings } from "./stage-settings.js";

/** Resolved counts of one arm. */
export interface ArmCounts {
  successes: number;
  failures: number;
}

/** Why a policy version was made. */
export type PolicyReason = "initial" | "schedule" | "manual" | "promotion" | "retirement" | "new_arm" | "arms_changed";

/** A stored policy version and the changes its evidence revealed for the first time. */
export type UpdatedPolicy = PolicyVersion & {
  /** Change alarms recorded by this update (`change_detected` events), oldest first. */
  readonly changes: readonly ChangeAlarm[];
};

/** The learning switches of a stage: its settings', or all off (also under `discount_per_week`, which replaces them). */
export function stageLearning(settings: StageSettings): LearningOptions {
  if (settings.learning === undefined || settings.discountPerWeek !== null) return LEARNING_OFF;
  const l = settings.learning;
  return {
    pendingOutcomes: l.pendingOutcomes,
    changeDetection: l.changeDetection,
    newcomerPrior: l.newcomerPrior,
    changeFalseAlarmRate: l.changeFalseAlarmRate,
    changePreWeight: l.changePreWeight,
    changeHorizon: l.changeHorizon,
    newcomerPriorStrength: l.newcomerPriorStrength,
  };
}

/**
 * Computes and stores a new policy version for one stage. With a learning switch
 * on, the evidence comes from {@link LearningEvidence} (the simulator's own code),
 * and each change it detects for the first time is recorded as a `change_detected`
 * event; the version's `algorithm` records which switches were on.
 * @param rng draws the seed of the posterior sampling, which is stored with the weights.
 */
export async function updateStagePolicy(
  db: Kysely<Database>,
  settings: StageSettings,
  arms: readonly Arm[],
  { now, rng, reason }: { now: number; rng: Random; reason: PolicyReason },
): Promise<UpdatedPolicy> {
  const learning = stageLearning(settings);
  const on = learning.pendingOutcomes || learning.changeDetection || learning.newcomerPrior;
  const seed = Math.floor(rng.next() * 2 ** 31);
  let perArm: PolicyArm[];
  let changes: ChangeAlarm[] = [];
  if (on) {
    const evidence = await learningEvidence(db, settings, arms, now, learning);
    perArm = evidence.arms;
    changes = await recordChanges(db, settings, evidence.alarms, learning, now);
  } else {
    const counts = await resolvedCounts(db, settings, now);
    perArm = arms.map((arm) => ({
      key: arm.key,
      status: arm.status,
      successes: counts.get(arm.key)?.successes ?? 0,
      failures: counts.get(arm.key)?.failures ?? 0,
    }));
  }
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
  const version = await insertPolicyVersion(db, {
    stage: settings.stage,
    algorithm: result.reason === "thompson" ? "thompson" : `thompson:${result.reason}`,
    weights,
    floor: settings.floor,
    seed,
    counts: Object.fromEntries(perArm.map((a) => [a.key, { successes: a.successes, failures: a.failures }])),
    reason,
    createdAt: now,
    ...(on
      ? {
          learning: {
            pendingOutcomes: learning.pendingOutcomes,
            changeDetection: learning.changeDetection,
            newcomerPrior: learning.newcomerPrior,
          },
        }
      : {}),
  });
  return { ...version, changes };
}

/**
 * The stage's evidence at `now` under `learning`: every assignment of the stage
 * replayed through {@link LearningEvidence} (assignments in order, then outcomes in
 * order of resolution), read for `arms`.
 */
export async function learningEvidence(
  db: Kysely<Database>,
  settings: StageSettings,
  arms: readonly Arm[],
  now: number,
  learning: LearningOptions = stageLearning(settings),
): Promise<{ arms: PolicyArm[]; alarms: ChangeAlarm[] }> {
  const rows = await db
    .selectFrom("assignments")
    .select(["id", "variant_id", "variant_version", "status", "assigned_at", "resolved_at"])
    .where("stage", "=", settings.stage)
    .where("assigned_at", "<=", now)
    .orderBy("assigned_at")
    .orderBy("id")
    .execute();
  const evidence = new LearningEvidence({ windowMs: settings.windowHours * HOUR_MS, prior: settings.prior, learning });
  const keyOf = (row: (typeof rows)[number]) => `${row.variant_id}@${row.variant_version}`;
  for (const row of rows) evidence.assigned(keyOf(row), Number(row.id), Number(row.assigned_at));
  const resolved = rows
    .filter((row) => row.status === "success" || row.status === "failure")
    .sort((a, b) => Number(a.resolved_at ?? now) - Number(b.resolved_at ?? now));
  for (const row of resolved) {
    const resolvedAt = Number(row.resolved_at ?? now);
    evidence.resolved(keyOf(row), Number(row.id), Number(row.assigned_at), resolvedAt, row.status === "success");
  }
  return evidence.evidence(
    now,
    arms.map((arm) => ({ key: arm.key, status: arm.status })),
  );
}

/**
 * Records the alarms not recorded before as `change_detected` events; returns those
 * it recorded. Each update replays the whole history, so the same change is found
 * again (its estimated start may move a little as the threshold follows the
 * traffic): an alarm counts as known when its arm already has an event whose change
 * started no earlier than one window before this one's.
 */
async function recordChanges(
  db: Kysely<Database>,
  settings: StageSettings,
  alarms: readonly ChangeAlarm[],
  learning: LearningOptions,
  now: number,
): Promise<ChangeAlarm[]> {
  if (alarms.length === 0) return [];
  const stage = settings.stage;
  const known = await db
    .selectFrom("experiment_events")
    .select(["variant_id", "variant_version", "reason"])
    .where("stage", "=", stage)
    .where("kind", "=", "change_detected")
    .execute();
  const starts = known.map((e) => ({ arm: `${e.variant_id}@${e.variant_version}`, changeAt: changeStartOf(e.reason) }));
  const windowMs = settings.windowHours * HOUR_MS;
  const recorded: ChangeAlarm[] = [];
  for (const alarm of alarms) {
    if (starts.some((s) => s.arm === alarm.arm && s.changeAt >= alarm.changeAt - windowMs)) continue;
    starts.push({ arm: alarm.arm, changeAt: alarm.changeAt });
    const at = alarm.arm.lastIndexOf("@");
    await recordExperimentEvent(db, {
      stage,
      kind: "change_detected",
      arm: { variantId: alarm.arm.slice(0, at), version: Number(alarm.arm.slice(at + 1)) },
      reason: changeReason(alarm, learning),
      actor: "system",
      at: now,
    });
    recorded.push(alarm);
  }
  return recorded;
}

/** The change's start written in a `change_detected` reason, ms (−∞ when unreadable). */
function changeStartOf(reason: string | null): number {
  const iso = /from (\d{4}-\d\d-\d\dT[\d:.]+Z)/.exec(reason ?? "")?.[1];
  const at = iso === undefined ? Number.NaN : Date.parse(iso);
  return Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
}

/** The event's reason: deterministic for an alarm, so a replay of the same evidence recognises it. */
export function changeReason(alarm: ChangeAlarm, learning: LearningOptions): string {
  const weight = learning.changePreWeight ?? 0.1;
  return (
    `conversion went ${alarm.direction} from ${new Date(alarm.changeAt).toISOString()} ` +
    `(CUSUM over ${alarm.outcomes} matured outcomes crossed ${alarm.threshold.toFixed(1)}); ` +
    `evidence from before weighs ${weight}`
  );
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
