/**
 * The operator's review of what the reflection wrote: list the proposed and
 * candidate arms, show one (its file, its parents' texts side by side, its
 * rationale), approve a proposal (it becomes a `candidate` on capped traffic)
 * or reject one (it is retired with the reason). The store's status is the one
 * that counts; the file's `status:` line is kept in step so the folder says the
 * same. Every change is in the audit log.
 * @module
 */
import type { Kysely } from "kysely";
import { CloserError } from "../../errors.js";
import { appendAudit, type Database, setVariantStatus, transaction } from "../../store/index.js";
import type { LoadedVariant, PlaybookSet } from "../../strategies/index.js";
import { type Arm, activeArms, allArms, parseArmKey } from "../arms.js";
import type { ExperimentPlaybooks } from "../experiment-playbooks.js";
import type { Random } from "../math/index.js";
import { updateStagePolicy } from "../policy-update.js";
import { retireArm } from "../promotion.js";
import type { PlaybookFolder } from "./playbook-folder.js";
import { type DiffRow, sideBySideDiff } from "./text-diff.js";
import { withStatus } from "./variant-file.js";

/** What the review uses. */
export interface CandidateDeps {
  db: Kysely<Database>;
  folder: PlaybookFolder;
  loadPlaybooks(): Promise<PlaybookSet>;
  playbooks(): ExperimentPlaybooks;
  /** Makes the running service pick up the change. */
  reload(): Promise<void>;
  clock: { now(): number };
  rng: Random;
}

/** An arm awaiting review or on capped traffic. */
export interface CandidateSummary {
  stage: string;
  arm: string;
  /** `proposed` or `candidate`; `retired` right after a rejection. */
  status: "proposed" | "candidate" | "retired";
  origin: string;
  /** The file relative to the playbooks folder, or null when it is no longer there. */
  file: string | null;
  description: string | null;
  parents: string[];
  createdAt: string | null;
  model: string | null;
}

/** Everything `show` prints. */
export interface CandidateDetail extends CandidateSummary {
  /** The variant file as written. */
  text: string;
  rationale: string | null;
  /** Each parent's file beside this one. */
  parentDiffs: { parent: string; file: string | null; rows: DiffRow[] }[];
}

const REVIEWED = ["proposed", "candidate"] as const;

/** The proposed and candidate arms, of one stage or all, proposals first. */
export async function listCandidates(deps: CandidateDeps, stage?: string): Promise<CandidateSummary[]> {
  const set = await deps.loadPlaybooks();
  const stages = stage === undefined ? set.funnel.stages.map((s) => s.id) : [checkStage(deps, stage)];
  const out: CandidateSummary[] = [];
  for (const s of stages) {
    for (const arm of await allArms(deps.db, s)) {
      if ((REVIEWED as readonly string[]).includes(arm.status)) out.push(summary(arm, variantOf(set, arm.key)));
    }
  }
  return out.sort((a, b) => (a.status === b.status ? 0 : a.status === "proposed" ? -1 : 1));
}

/** One candidate in full. @throws CloserError `strategy_unknown`, `bad_request`. */
export async function showCandidate(deps: CandidateDeps, stage: string, key: string): Promise<CandidateDetail> {
  const set = await deps.loadPlaybooks();
  const arm = await findReviewed(deps, stage, key, REVIEWED);
  const variant = variantOf(set, arm.key);
  const text = variant ? await deps.folder.readFile(variant.sourceFile) : "";
  const parentDiffs = [];
  for (const parent of variant?.parents ?? []) {
    const parentVariant = variantOf(set, parent);
    const parentText = parentVariant ? await deps.folder.readFile(parentVariant.sourceFile) : "";
    parentDiffs.push({ parent, file: parentVariant?.sourceFile ?? null, rows: sideBySideDiff(parentText, text) });
  }
  return { ...summary(arm, variant), text, rationale: variant?.rationale ?? null, parentDiffs };
}

/**
 * Approves a proposal: it becomes a `candidate` (capped traffic) and the stage's weights are recomputed.
 * @throws CloserError `experiment_invalid` when the arm is not `proposed`.
 */
export async function approveCandidate(
  deps: CandidateDeps,
  stage: string,
  key: string,
  review: { actor: string; reason?: string | undefined },
): Promise<CandidateSummary> {
  const arm = await findReviewed(deps, stage, key, ["proposed"]);
  const now = deps.clock.now();
  await setFileStatus(deps, arm.key, "candidate");
  await transaction(deps.db, async (trx) => {
    await setVariantStatus(trx, arm.key, "candidate", now);
    await appendAudit(trx, {
      at: now,
      actor: review.actor,
      action: "candidate_approve",
      subject: `${stage}/${arm.key}`,
      detail: { stage, arm: arm.key, reason: review.reason ?? null },
    });
    const playbooks = deps.playbooks();
    const rotating = await activeArms(trx, stage, playbooks.loadedKeys);
    await updateStagePolicy(trx, playbooks.settings(stage), rotating, { now, rng: deps.rng, reason: "new_arm" });
  });
  await deps.reload();
  const set = await deps.loadPlaybooks();
  return summary({ ...arm, status: "candidate" }, variantOf(set, arm.key));
}

/**
 * Rejects a proposed or candidate arm: it is retired with the reason (never comes back under this version).
 * @throws CloserError `experiment_invalid` when it is neither proposed nor candidate.
 */
export async function rejectCandidate(
  deps: CandidateDeps,
  stage: string,
  key: string,
  review: { actor: string; reason?: string | undefined },
): Promise<CandidateSummary> {
  const arm = await findReviewed(deps, stage, key, REVIEWED);
  const now = deps.clock.now();
  const reason = review.reason ?? "rejected in review";
  await setFileStatus(deps, arm.key, "retired");
  await transaction(deps.db, async (trx) => {
    await retireArm(trx, deps.playbooks(), stage, arm.key, { now, rng: deps.rng, actor: review.actor, reason });
    await appendAudit(trx, {
      at: now,
      actor: review.actor,
      action: "candidate_reject",
      subject: `${stage}/${arm.key}`,
      detail: { stage, arm: arm.key, was: arm.status, reason },
    });
  });
  await deps.reload();
  const set = await deps.loadPlaybooks();
  return summary({ ...arm, status: "retired" }, variantOf(set, arm.key));
}

function checkStage(deps: CandidateDeps, stage: string): string {
  const stageIds = deps.playbooks().stageIds;
  if (!stageIds.includes(stage)) {
    throw new CloserError("strategy_unknown", `"${stage}" is not a stage of the funnel (${stageIds.join(", ")}).`);
  }
  return stage;
}

async function findReviewed(
  deps: CandidateDeps,
  stage: string,
  key: string,
  statuses: readonly string[],
): Promise<Arm> {
  checkStage(deps, stage);
  if (parseArmKey(key) === null) {
    throw new CloserError(
      "bad_request",
      `"${key}" is not an arm; write it as <variant>@<version>, e.g. fit-finder-2@1.`,
    );
  }
  const arm = (await allArms(deps.db, stage)).find((a) => a.key === key.trim());
  if (arm === undefined) throw new CloserError("strategy_unknown", `${key} is not an arm of stage ${stage}.`);
  if (!statuses.includes(arm.status)) {
    throw new CloserError("experiment_invalid", `${arm.key} is ${arm.status}, not ${statuses.join(" or ")}.`);
  }
  return arm;
}

async function setFileStatus(deps: CandidateDeps, key: string, status: "candidate" | "retired"): Promise<void> {
  const variant = variantOf(await deps.loadPlaybooks(), key);
  if (variant === null) return; // the file was removed; the store alone records the change
  const text = await deps.folder.readFile(variant.sourceFile);
  await deps.folder.writeFile(variant.sourceFile, withStatus(text, status));
}

function variantOf(set: PlaybookSet, key: string): LoadedVariant | null {
  return set.variants.find((v) => `${v.id}@${v.version}` === key) ?? null;
}

function summary(arm: Arm, variant: LoadedVariant | null): CandidateSummary {
  return {
    stage: arm.stage,
    arm: arm.key,
    status: arm.status as CandidateSummary["status"],
    origin: arm.origin,
    file: variant?.sourceFile ?? null,
    description: variant?.description ?? null,
    parents: variant?.parents ?? [],
    createdAt: variant?.createdAt ?? null,
    model: variant?.model ?? null,
  };
}
