/**
 * The `max_arms` rule (default 6 non-retired arms per stage): before the
 * reflection adds an arm to a full stage, it retires the weakest arm — the
 * lowest P(best) among arms past burn-in, never the champion — with the reason
 * in the audit log. A full stage with no such arm gets no new arm.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "../../store/index.js";
import { NO_TRAFFIC_STATUSES } from "../arms.js";
import type { ExperimentPlaybooks } from "../experiment-playbooks.js";
import { type ArmStatus, DEFAULT_MAX_ARMS, type Random } from "../math/index.js";
import { retireArm } from "../promotion.js";
import type { StageEvidence } from "./stage-evidence.js";

/** What making room did. */
export type RoomResult = { ok: true; retired: string[] } | { ok: false; reason: string };

/**
 * Retires the weakest arms past burn-in until the stage has room for one more.
 * @param options.adding arms accepted earlier in this stage's run (not in the store yet).
 * @param options.retiredSoFar arms this run retired already (or, in a dry run, would have).
 */
export async function makeRoomForArm(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  evidence: StageEvidence,
  options: {
    stage: string;
    adding: number;
    retiredSoFar: readonly string[];
    dryRun: boolean;
    now: number;
    rng: Random;
  },
): Promise<RoomResult> {
  const { stage, dryRun, now, rng } = options;
  const settings = playbooks.settings(stage);
  const maxArms = settings.maxArms ?? DEFAULT_MAX_ARMS;
  const rows = await db
    .selectFrom("variant_versions")
    .select(["id", "status"])
    .where("stage", "=", stage)
    .where("status", "!=", "retired")
    .execute();
  const gone = new Set(options.retiredSoFar);
  let count = rows.filter((r) => playbooks.loadedKeys.has(r.id) && !gone.has(r.id)).length + options.adding;
  const eligible = evidence.arms
    .filter(
      (arm) =>
        arm.status !== "champion" &&
        !NO_TRAFFIC_STATUSES.includes(arm.status as ArmStatus) &&
        arm.pBest !== null &&
        arm.decisions >= settings.burnIn &&
        !gone.has(arm.key),
    )
    .sort((a, b) => (a.pBest ?? 0) - (b.pBest ?? 0) || a.key.localeCompare(b.key));
  const retired: string[] = [];
  while (count >= maxArms) {
    const weakest = eligible.shift();
    if (weakest === undefined) {
      return {
        ok: false,
        reason: `max_arms: stage ${stage} has ${count} arms (max_arms ${maxArms}) and none past burn-in (${settings.burnIn} decisions) that could be retired to make room`,
      };
    }
    if (!dryRun) {
      await retireArm(db, playbooks, stage, weakest.key, {
        now,
        rng,
        actor: "reflection",
        reason: `max_arms ${maxArms}: the weakest arm past burn-in (P(best) ${(weakest.pBest ?? 0).toFixed(3)}) makes room for a reflection proposal`,
      });
    }
    retired.push(weakest.key);
    count -= 1;
  }
  return { ok: true, retired };
}
