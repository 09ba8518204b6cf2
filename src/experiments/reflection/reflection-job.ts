/**
 * The weekly reflection: per stage, the model reads the arms (worst to best),
 * redacted conversations, the lost customers' concerns and the catalog, and
 * proposes new variants; each proposal passes every check or is rejected with
 * its reasons; accepted ones become variant files (`proposed` under review, else
 * `candidate`), after the stage's weakest arm past burn-in is retired when the
 * stage is at `max_arms`. Every stage of every run is stored. One run at a time
 * (see reflection-lock.ts); a run that died is resumed by the next.
 * @module
 */
import type { Kysely } from "kysely";
import type { LlmClient, LlmUsage } from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import {
  type Database,
  type FieldCipher,
  reflectionRunsOfBatch,
  startReflectionStage,
  touchReflectionLock,
} from "../../store/index.js";
import { catalogFacts, type PlaybookSet, templateVariables } from "../../strategies/index.js";
import type { ExperimentPlaybooks } from "../experiment-playbooks.js";
import type { Random } from "../math/index.js";
import { makeRoomForArm } from "./max-arms.js";
import type { PlaybookFolder } from "./playbook-folder.js";
import { checkProposal, proposalText } from "./proposal-checks.js";
import { MAX_PROPOSALS_PER_ANSWER, proposalsAnswerSchema } from "./proposal-schema.js";
import { takeReflectionLock, thisHolder } from "./reflection-lock.js";
import { buildReflectionPrompt } from "./reflection-prompt.js";
import {
  costUsd,
  recentReflectionArms,
  recordStageRun,
  type StageRunReport,
  storedReport,
} from "./reflection-records.js";
import { gatherStageEvidence } from "./stage-evidence.js";

/** At most this many new arms per stage in any 7 days. */
export const WEEKLY_QUOTA_PER_STAGE = 2;
/** Proposals asked for per stage (more than the quota: some are rejected). */
export const PROPOSALS_ASKED = 3;
/** How long the model may take to answer one stage. */
export const REFLECTION_LLM_TIMEOUT_MS = 180_000;
/** Characters per token when the endpoint reports no usage (a common rule of thumb for English). */
const CHARS_PER_TOKEN = 4;

export type { StageRunReport } from "./reflection-records.js";

/** What a reflection run uses. */
export interface ReflectionDeps {
  db: Kysely<Database>;
  cipher: FieldCipher;
  llm: LlmClient;
  folder: PlaybookFolder;
  /** The servable playbook set as the folder holds it now (throws when it does not lint). */
  loadPlaybooks(): Promise<PlaybookSet>;
  /** The loaded playbooks' experiment view (stages, settings, loaded arms) for retirements. */
  playbooks(): ExperimentPlaybooks;
  /** Makes the running service pick up the written files (and records their arms). */
  reload(): Promise<void>;
  clock: { now(): number };
  rng: Random;
  /** On: new variants are `proposed` (no traffic until approved); off: `candidate`. */
  review: boolean;
  /** US dollars per million tokens in and out. */
  pricePerMTok: { in: number; out: number };
  /** Who holds the lock; default this process. */
  holder?: string;
}

/** Options of one run. */
export interface ReflectionOptions {
  /** Only these stages; default every active stage. */
  stages?: string[];
  /** Check everything, write nothing, retire nothing. */
  dryRun?: boolean;
}

/** A whole run. */
export interface ReflectionReport {
  runs: StageRunReport[];
  batchId: string;
  model: string;
  dryRun: boolean;
  /** True when the run resumed one that died. */
  resumed: boolean;
  /** Arms retired to respect `max_arms`. */
  retired: string[];
}

/**
 * Runs the reflection over the requested stages (or resumes a run that died).
 * @throws CloserError `reflection_busy` when another run holds the lock; `strategy_unknown` for an unknown stage.
 */
export async function runReflection(deps: ReflectionDeps, options: ReflectionOptions = {}): Promise<ReflectionReport> {
  const { db, clock } = deps;
  const set = await deps.loadPlaybooks();
  const allStages = set.funnel.stages.map((s) => s.id);
  const requested = options.stages ?? allStages;
  const unknown = requested.filter((s) => !allStages.includes(s));
  if (unknown.length > 0) {
    throw new CloserError(
      "strategy_unknown",
      `"${unknown.join(", ")}" is not a stage of the funnel (${allStages.join(", ")}).`,
    );
  }
  const lock = await takeReflectionLock(db, {
    stages: requested,
    dryRun: options.dryRun === true,
    holder: deps.holder ?? thisHolder(),
    now: clock.now(),
  });
  const report: ReflectionReport = {
    runs: [],
    batchId: lock.batchId,
    model: deps.llm.model,
    dryRun: lock.dryRun,
    resumed: lock.resumed,
    retired: [],
  };
  try {
    const finished = new Map(
      (await reflectionRunsOfBatch(db, lock.batchId)).filter((r) => r.status !== "running").map((r) => [r.stage, r]),
    );
    for (const stage of lock.stages) {
      const done = finished.get(stage);
      if (done !== undefined) {
        report.runs.push(storedReport(done));
        continue;
      }
      const run = await reflectStage(deps, stage, lock.batchId, lock.dryRun, report.retired);
      report.runs.push(run);
      await touchReflectionLock(db, lock.batchId, clock.now());
    }
  } finally {
    await lock.release();
  }
  return report;
}

async function reflectStage(
  deps: ReflectionDeps,
  stage: string,
  batchId: string,
  dryRun: boolean,
  retired: string[],
): Promise<StageRunReport> {
  const { db, clock, llm } = deps;
  const startedAt = clock.now();
  await startReflectionStage(db, { batchId, stage, model: llm.model, dryRun, at: startedAt });
  const report: StageRunReport = {
    stage,
    proposed: 0,
    accepted: [],
    rejected: [],
    tokens: { in: 0, out: 0 },
    costUsd: 0,
  };
  const used: { usage: LlmUsage | null; estimated: boolean } = { usage: null, estimated: false };
  try {
    const set = await deps.loadPlaybooks();
    const settings = deps.playbooks().settings(stage);
    const evidence = await gatherStageEvidence(db, deps.cipher, set, settings, startedAt);
    const prompt = buildReflectionPrompt({
      evidence,
      shopName: set.catalog.shop.name,
      catalogFacts: catalogFacts(set.catalog, startedAt),
      intents: Object.keys(set.funnel.intents),
      templateVariables: templateVariables(),
      proposals: PROPOSALS_ASKED,
    });
    const answer = await llm.completeJson({
      ...prompt,
      schema: proposalsAnswerSchema,
      schemaName: "proposals",
      purpose: "reflection",
      timeoutMs: REFLECTION_LLM_TIMEOUT_MS,
      onUsage: (u) => {
        used.usage = u;
      },
    });
    if (used.usage === null) {
      used.estimated = true;
      const chars = (text: string) => Math.ceil(text.length / CHARS_PER_TOKEN);
      used.usage = {
        in: chars(prompt.system + prompt.messages.map((m) => m.content).join("\n")),
        out: chars(JSON.stringify(answer)),
      };
    }
    const items = answer.proposals.slice(0, MAX_PROPOSALS_PER_ANSWER);
    report.proposed = items.length;
    const stageVariants = set.variants.filter((v) => v.stage === stage);
    const recent = await recentReflectionArms(db, set, stage, startedAt);
    // Ids in the store too: a removed file's served version must never come back with other text.
    const stored = await db.selectFrom("variant_versions").select("variant_id").execute();
    const takenIds = new Set([...set.variants.map((v) => v.id), ...stored.map((r) => r.variant_id)]);
    const acceptedTexts: { key: string; text: string }[] = [];
    const armStatus = new Map(
      (await db.selectFrom("variant_versions").select(["id", "status"]).where("stage", "=", stage).execute()).map(
        (r) => [r.id, r.status],
      ),
    );
    const champion = stageVariants.find((v) => armStatus.get(`${v.id}@${v.version}`) === "champion") ?? null;
    for (const [index, raw] of items.entries()) {
      const checked = await checkProposal(raw, index, {
        stage,
        set,
        stageVariants,
        champion,
        acceptedTexts,
        takenIds,
        quotaLeft: WEEKLY_QUOTA_PER_STAGE - recent - report.accepted.length,
        quota: WEEKLY_QUOTA_PER_STAGE,
        now: startedAt,
        model: llm.model,
        status: deps.review ? "proposed" : "candidate",
      });
      if (!checked.ok) {
        report.rejected.push({ id: checked.id, reasons: checked.reasons });
        continue;
      }
      const room = await makeRoomForArm(db, deps.playbooks(), evidence, {
        stage,
        adding: report.accepted.length,
        retiredSoFar: retired,
        dryRun,
        now: startedAt,
        rng: deps.rng,
      });
      if (!room.ok) {
        report.rejected.push({ id: checked.id, reasons: [room.reason] });
        continue;
      }
      retired.push(...room.retired);
      if (!dryRun) await deps.folder.writeFile(checked.file, checked.text);
      takenIds.add(checked.id);
      acceptedTexts.push({ key: `${checked.id}@1`, text: proposalText(checked.proposal) });
      report.accepted.push({ variant: checked.id, version: 1, file: checked.file });
    }
    if (!dryRun && report.accepted.length > 0) await deps.reload();
  } catch (error) {
    report.error = error instanceof Error ? error.message : String(error);
  }
  if (used.usage !== null) {
    report.tokens = { in: used.usage.in, out: used.usage.out };
    report.costUsd = costUsd(used.usage, deps.pricePerMTok);
  }
  await recordStageRun(
    db,
    { batchId, stage, model: llm.model, dryRun, estimated: used.estimated, at: clock.now() },
    report,
  );
  return report;
}
