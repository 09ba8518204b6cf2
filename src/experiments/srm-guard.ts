/**
 * The SRM guard: a sample-ratio mismatch means assignment or logging is broken,
 * so every statistic of the stage is suspect and its reweighting freezes until
 * an operator acknowledges the alarm.
 *
 * - The check compares observed assignments per arm with the sum of the
 *   probabilities the logged policy versions gave them (χ², alarm at p < 0.001),
 *   over the assignments made since the stage's last acknowledgement (all of
 *   them before the first one): an acknowledgement says "the mismatch up to
 *   here is understood", and the check starts over from it.
 * - The first time the check alarms, an `srm_alarm` event is recorded (once; it
 *   stays until acknowledged, even if the p-value recovers).
 * - A stage is frozen while its newest SRM event is an alarm, or while the check
 *   alarms and the job has not recorded it yet.
 * @module
 */
import type { Kysely } from "kysely";
import { appendAudit, type Database } from "../store/index.js";
import { latestExperimentEvent, recordExperimentEvent } from "./experiment-events.js";
import { type SrmResult, srmTest } from "./math/index.js";
import { assignmentBalance } from "./stage-tallies.js";

/**
 * Fewest assignments in the window before the check may alarm: below it χ² is
 * unreliable and a run of chance (24 vs 6 at 50/50) would freeze a stage.
 */
export const SRM_MIN_ASSIGNMENTS = 100;

/** The SRM check of one stage. */
export interface StageSrm extends SrmResult {
  /** The check covers assignments after this time (the last acknowledgement), epoch ms; null = all. */
  since: number | null;
  /** Assignments per arm key in the window. */
  observed: Record<string, number>;
  /** Expected assignments per arm key in the window (Σ logged policy probabilities). */
  expected: Record<string, number>;
}

/** The SRM state of a stage. */
export interface SrmState {
  srm: StageSrm;
  /** True when an `srm_alarm` event is newer than the last acknowledgement. */
  alarmRecorded: boolean;
  /** True when reweighting is frozen: an alarm is recorded or the check alarms now. */
  frozen: boolean;
}

/** Runs the SRM check of a stage over the assignments since its last acknowledgement. */
export async function stageSrm(db: Kysely<Database>, stage: string): Promise<StageSrm> {
  const lastAck = await latestExperimentEvent(db, stage, ["srm_ack"]);
  const since = lastAck?.created_at ?? null;
  const balance = await assignmentBalance(db, stage, since);
  const result = srmTest(balance.observed, balance.expected);
  const total = balance.observed.reduce((a, b) => a + b, 0);
  const enough = total >= SRM_MIN_ASSIGNMENTS;
  return {
    ...result,
    alarm: result.alarm && enough,
    ...(enough || !result.alarm
      ? {}
      : { message: `${total} assignments; the check alarms from ${SRM_MIN_ASSIGNMENTS}` }),
    since,
    observed: Object.fromEntries(balance.keys.map((k, i) => [k, balance.observed[i] ?? 0])),
    expected: Object.fromEntries(balance.keys.map((k, i) => [k, balance.expected[i] ?? 0])),
  };
}

/** The SRM check of a stage and whether its reweighting is frozen. Reads only. */
export async function srmState(db: Kysely<Database>, stage: string): Promise<SrmState> {
  const srm = await stageSrm(db, stage);
  const last = await latestExperimentEvent(db, stage, ["srm_alarm", "srm_ack"]);
  const alarmRecorded = last?.kind === "srm_alarm";
  return { srm, alarmRecorded, frozen: alarmRecorded || srm.alarm };
}

/**
 * Checks a stage before reweighting and records a new alarm (event and audit
 * entry, actor `system`) the first time the check alarms.
 * @returns the state, and `raised` when this call recorded the alarm.
 */
export async function guardSrm(
  db: Kysely<Database>,
  stage: string,
  now: number,
): Promise<SrmState & { raised: boolean }> {
  const state = await srmState(db, stage);
  if (!state.srm.alarm || state.alarmRecorded) return { ...state, raised: false };
  await recordAlarm(db, stage, state.srm, now);
  return { ...state, alarmRecorded: true, frozen: true, raised: true };
}

/** Records an alarm (used by the guard, and by an acknowledgement that comes before the job saw it). */
export async function recordAlarm(db: Kysely<Database>, stage: string, srm: StageSrm, now: number): Promise<void> {
  const reason = `SRM p-value ${formatP(srm.pValue)}${srm.message ? ` (${srm.message})` : ""}`;
  await recordExperimentEvent(db, { stage, kind: "srm_alarm", reason, actor: "system", at: now });
  await appendAudit(db, {
    at: now,
    actor: "system",
    action: "srm_alarm",
    subject: stage,
    detail: { pValue: srm.pValue, observed: srm.observed, expected: srm.expected, since: srm.since },
  });
}

/** A p-value in short form (`3.2e-7`, `0.0412`). */
export function formatP(p: number): string {
  return p === 0 ? "0" : p < 0.0001 ? p.toExponential(1) : String(Number(p.toPrecision(3)));
}
