/**
 * Promotion and retirement: an operator makes an arm the stage's champion, or
 * takes an arm out of rotation. Both are recorded (experiment events and the
 * audit log, with time, actor and reason) and recompute the stage's policy at
 * once, so the very next customer entering the stage sees the change.
 *
 * Rules:
 * - The arm must be a variant version of that stage (else `strategy_unknown`).
 * - A retired arm never comes back under the same version: promoting or
 *   retiring it again is `experiment_invalid` (a new version is a new arm).
 * - Promote: the arm becomes `champion`. With `keepChallengers` the previous
 *   champion becomes `active` and the others keep their status; without it every
 *   other arm of the stage is retired (their statistics stay).
 * - Retiring the challengers while the stage's verdict is still `collecting`
 *   decides on too little evidence: it is refused (`promotion_needs_force`,
 *   saying how much evidence there is) unless `force` is set, and a forced one
 *   carries that evidence as its `warning`.
 * - Customers already assigned to a retired arm keep it for the rest of their
 *   time in the stage (their outcome still counts for that arm); only customers
 *   who enter the stage afterwards get the remaining arms.
 * - Retire: refused for the last arm in rotation of a stage, since the stage
 *   would have nothing to answer with; promote or add another arm first.
 *   Retiring the champion leaves the stage without one; the remaining arms
 *   keep competing.
 * @module
 */
import type { Kysely } from "kysely";
import { CloserError } from "../errors.js";
import { appendAudit, type Database, type PolicyVersion, setVariantStatus } from "../store/index.js";
import { type Arm, activeArms, allArms, parseArmKey } from "./arms.js";
import { recordExperimentEvent } from "./experiment-events.js";
import type { ExperimentPlaybooks } from "./experiment-playbooks.js";
import type { Random } from "./math/index.js";
import { type PolicyReason, updateStagePolicy } from "./policy-update.js";
import { DAY_MS } from "./stage-settings.js";
import { type StageEvidence, stageEvidence } from "./stage-verdict.js";

/** Who changes an arm, when and why. */
export interface ArmChangeOptions {
  /** Free text kept in the audit log. */
  reason?: string | null | undefined;
  /** `api`, `cli:<user>`, `dashboard`, … */
  actor: string;
  /** Epoch ms. */
  now: number;
}

/** Options of a promotion. */
export interface PromoteOptions extends ArmChangeOptions {
  /** Keep the other arms in rotation (the old champion becomes `active`); default false: retire them. */
  keepChallengers?: boolean | undefined;
  /** Retire the other arms even though the stage's verdict is still `collecting`; default false. */
  force?: boolean | undefined;
}

/** What a promotion or retirement did. */
export interface ArmChangeResult {
  stage: string;
  /** The arm promoted or retired. */
  arm: string;
  /** The stage's champion afterwards, or null. */
  champion: string | null;
  /** Arms retired by this operation (the arm itself for a retirement). */
  retired: string[];
  /** Former champions that became `active` (promotion with keepChallengers). */
  demoted: string[];
  /** The policy version computed right after. */
  policy: PolicyVersion;
  /** Set when a forced promotion retired arms while the stage was still collecting: the evidence it had. */
  warning: string | null;
}

/** What every promotion that retires arms tells the operator about customers already assigned to them. */
export const RETIRED_ARMS_KEEP_CUSTOMERS =
  "Customers already assigned to a retired arm keep it until they leave the stage; only customers entering the stage from now on get the champion.";

/** What a surface (API, MCP) answers after a promotion or retirement: the change, the stage's new weights, the warning and note. */
export function armChangeSummary(result: ArmChangeResult) {
  return {
    stage: result.stage,
    arm: result.arm,
    champion: result.champion,
    retired: result.retired,
    demoted: result.demoted,
    weights: result.policy.weights,
    /** The evidence a forced promotion decided on while the stage was still collecting, else null. */
    warning: result.warning,
    /** What happens to customers already assigned to the retired arms, when any were retired. */
    note: result.retired.length > 0 ? RETIRED_ARMS_KEEP_CUSTOMERS : null,
  };
}

/**
 * Makes `key` the champion of `stage`. Run it inside a transaction.
 * @param rng seeds the recomputed policy's posterior draws.
 * @throws CloserError `bad_request` (malformed key), `strategy_unknown` (no such
 *   stage or arm in it), `experiment_invalid` (retired, proposed and not yet approved, or not in the
 *   loaded playbooks), `promotion_needs_force` (it would retire arms while the verdict is `collecting`,
 *   and `force` is not set; the message says how much evidence there is).
 */
export async function promoteArm(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  stage: string,
  key: string,
  options: PromoteOptions & { rng: Random },
): Promise<ArmChangeResult> {
  const { arm, arms } = await findArm(db, playbooks, stage, key);
  if (arm.status === "retired") {
    throw new CloserError(
      "experiment_invalid",
      `${arm.key} is retired, and a retired arm never comes back under the same version; ` +
        `give the variant a new version to bring it back as a new arm.`,
    );
  }
  if (arm.status === "proposed") {
    throw new CloserError(
      "experiment_invalid",
      `${arm.key} is a proposal awaiting review; approve it first (closer candidates approve ${stage} ${arm.key}).`,
    );
  }
  if (!playbooks.loadedKeys.has(arm.key)) {
    throw new CloserError("experiment_invalid", `${arm.key} is not in the loaded playbooks (was its file removed?).`);
  }
  const { now, actor, reason = null, keepChallengers = false, force = false } = options;
  const toRetire = keepChallengers ? [] : arms.filter((a) => a.key !== arm.key && a.status !== "retired");
  let warning: string | null = null;
  if (toRetire.length > 0) {
    const evidence = await stageEvidence(db, playbooks, stage, now);
    if (evidence.verdict.verdict === "collecting") {
      const summary = collectingSummary(stage, evidence, now);
      if (!force) {
        throw new CloserError(
          "promotion_needs_force",
          `${summary} Promoting ${arm.key} now retires ${toRetire.map((a) => a.key).join(", ")} on that evidence. ` +
            'Promote with force to do it anyway (closer promote --force; API: "force": true), ' +
            'or keep the others competing (--keep-challengers; API: "keepChallengers": true).',
          { details: { stage, verdict: "collecting", arms: evidence.judged } },
        );
      }
      warning = `${summary} Promoted with force.`;
    }
  }
  const retired: string[] = [];
  const demoted: string[] = [];
  for (const other of arms) {
    if (other.key === arm.key || other.status === "retired") continue;
    if (!keepChallengers) {
      await setVariantStatus(db, other.key, "retired", now);
      retired.push(other.key);
    } else if (other.status === "champion") {
      await setVariantStatus(db, other.key, "active", now);
      demoted.push(other.key);
    }
  }
  await setVariantStatus(db, arm.key, "champion", now);

  const subject = `${stage}/${arm.key}`;
  await recordExperimentEvent(db, { stage, kind: "promote", arm, reason, actor, at: now });
  await appendAudit(db, {
    at: now,
    actor,
    action: "experiment_promote",
    subject,
    detail: { stage, arm: arm.key, reason, keepChallengers, retired, demoted },
  });
  for (const other of retired) {
    const parsed = parseArmKey(other);
    await recordExperimentEvent(db, {
      stage,
      kind: "retire",
      arm: parsed ?? undefined,
      reason: `promotion of ${arm.key}${reason ? `: ${reason}` : ""}`,
      actor,
      at: now,
    });
    await appendAudit(db, {
      at: now,
      actor,
      action: "experiment_retire",
      subject: `${stage}/${other}`,
      detail: { stage, arm: other, reason, cause: "promotion", champion: arm.key },
    });
  }
  const policy = await recompute(db, playbooks, stage, "promotion", options);
  return { stage, arm: arm.key, champion: arm.key, retired, demoted, policy, warning };
}

/**
 * Takes `key` out of rotation in `stage`. Run it inside a transaction.
 * @throws CloserError `bad_request`, `strategy_unknown` as for a promotion;
 *   `experiment_invalid` when the arm is already retired or is the stage's last arm in rotation.
 */
export async function retireArm(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  stage: string,
  key: string,
  options: ArmChangeOptions & { rng: Random },
): Promise<ArmChangeResult> {
  const { arm, arms } = await findArm(db, playbooks, stage, key);
  if (arm.status === "retired") throw new CloserError("experiment_invalid", `${arm.key} is already retired.`);
  const rotating = await activeArms(db, stage, playbooks.loadedKeys);
  if (rotating.some((a) => a.key === arm.key) && rotating.length === 1) {
    throw new CloserError(
      "experiment_invalid",
      `${arm.key} is the last arm in rotation in stage ${stage}; add or promote another arm before retiring it.`,
    );
  }
  const { now, actor, reason = null } = options;
  await setVariantStatus(db, arm.key, "retired", now);
  await recordExperimentEvent(db, { stage, kind: "retire", arm, reason, actor, at: now });
  await appendAudit(db, {
    at: now,
    actor,
    action: "experiment_retire",
    subject: `${stage}/${arm.key}`,
    detail: { stage, arm: arm.key, reason, cause: "operator" },
  });
  const policy = await recompute(db, playbooks, stage, "retirement", options);
  const champion = arms.find((a) => a.key !== arm.key && a.status === "champion")?.key ?? null;
  return { stage, arm: arm.key, champion, retired: [arm.key], demoted: [], policy, warning: null };
}

/**
 * A few sentences on how much a collecting stage knows: each arm in rotation
 * with its matured decisions, successes and P(best), and what a verdict needs.
 */
function collectingSummary(stage: string, evidence: StageEvidence, now: number): string {
  const arms = evidence.judged
    .map((a) => `${a.key} ${a.decisions} decisions, ${a.successes} successes, P(best) ${a.pBest.toFixed(2)}`)
    .join("; ");
  const { minDecisions, minSuccesses, minDays } = evidence.settings;
  const days = (now - evidence.startedAt) / DAY_MS;
  return (
    `Stage ${stage} is still collecting evidence: ${arms}. ` +
    `A verdict needs ${minDecisions} decisions and ${minSuccesses} successes per arm over ${minDays} days; ` +
    `it has run ${days.toFixed(1)} days.`
  );
}

/** Finds a stage's arm by key, with all the stage's arms. */
async function findArm(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  stage: string,
  key: string,
): Promise<{ arm: Arm; arms: Arm[] }> {
  if (!playbooks.stageIds.includes(stage)) {
    throw new CloserError(
      "strategy_unknown",
      `"${stage}" is not a stage of the funnel (${playbooks.stageIds.join(", ")}).`,
    );
  }
  if (parseArmKey(key) === null) {
    throw new CloserError(
      "bad_request",
      `"${key}" is not an arm; write it as <variant>@<version>, e.g. reserve-now@2.`,
    );
  }
  const arms = await allArms(db, stage);
  const arm = arms.find((a) => a.key === key.trim());
  if (arm === undefined) {
    const known = arms.map((a) => a.key).join(", ") || "none";
    throw new CloserError("strategy_unknown", `${key} is not an arm of stage ${stage} (its arms: ${known}).`);
  }
  return { arm, arms };
}

async function recompute(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  stage: string,
  reason: PolicyReason,
  { now, rng }: { now: number; rng: Random },
): Promise<PolicyVersion> {
  const rotating = await activeArms(db, stage, playbooks.loadedKeys);
  return updateStagePolicy(db, playbooks.settings(stage), rotating, { now, rng, reason });
}
