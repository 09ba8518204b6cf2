/**
 * What the model is shown about one stage: every arm with its statistics and
 * text, sorted worst to best; samples of won and lost conversations of the last
 * 28 days, redacted; and the concerns and objections most frequent among lost
 * customers.
 * @module
 */
import type { Kysely } from "kysely";
import {
  type CipherBinding,
  CUSTOMER_AAD,
  type Database,
  type FieldCipher,
  MESSAGE_TEXT_AAD,
} from "../../store/index.js";
import type { LoadedVariant, PlaybookSet } from "../../strategies/index.js";
import { rowToArm } from "../arms.js";
import {
  createSeededRandom,
  credibleInterval,
  deriveSeed,
  posterior,
  posteriorMean,
  probabilityBest,
} from "../math/index.js";
import type { StageSettings } from "../stage-settings.js";
import { DAY_MS } from "../stage-settings.js";
import { stageArmTallies } from "../stage-tallies.js";
import { redact } from "./redaction.js";

/** How far back conversations are sampled. */
export const TRANSCRIPT_LOOKBACK_MS = 28 * DAY_MS;
/** Most won and most lost conversations shown (each). */
export const TRANSCRIPTS_PER_OUTCOME = 8;
/** Most messages of one conversation shown (its last ones). */
const MESSAGES_PER_TRANSCRIPT = 12;
/** Longest message shown, characters. */
const MESSAGE_CHARS = 400;
/** Lost assignments read for the concern counts. */
const LOST_SCANNED = 500;
/** Concerns and objections listed. */
const TOP_CONCERNS = 5;
const SEED = 0x5eed;

/** An arm with its statistics and its text. */
export interface ArmEvidence {
  key: string;
  status: string;
  /** Resolved assignments (successes + failures). */
  decisions: number;
  successes: number;
  posteriorMean: number;
  /** 95 % equal-tailed credible interval of the success rate. */
  interval: [number, number];
  /** P(best) among the arms in rotation; null for an arm out of rotation (proposed). */
  pBest: number | null;
  variant: LoadedVariant;
}

/** One conversation, redacted. */
export interface TranscriptSample {
  outcome: "won" | "lost";
  lines: { who: "customer" | "shop"; text: string }[];
}

/** Everything the prompt shows about a stage. */
export interface StageEvidence {
  stage: string;
  goal: string;
  /** The funnel's active stages in order (the stage's context). */
  funnel: string[];
  /** Arms not retired, worst first (by posterior mean, then P(best)). */
  arms: ArmEvidence[];
  transcripts: TranscriptSample[];
  /** `name: count` of concerns and objections among lost customers, most frequent first. */
  lostConcerns: { concern: string; customers: number }[];
  /** Lost customers the concern counts cover. */
  lostCustomers: number;
}

/** Gathers a stage's evidence at `now`. */
export async function gatherStageEvidence(
  db: Kysely<Database>,
  cipher: FieldCipher,
  set: PlaybookSet,
  settings: StageSettings,
  now: number,
): Promise<StageEvidence> {
  const stage = settings.stage;
  const funnelStage = set.funnel.stages.find((s) => s.id === stage);
  return {
    stage,
    goal: funnelStage?.goal ?? "",
    funnel: set.funnel.stages.map((s) => s.id),
    arms: await armEvidence(db, set, settings),
    transcripts: await transcriptSamples(db, cipher, stage, now),
    ...(await lostConcerns(db, cipher, set, stage, now)),
  };
}

async function armEvidence(db: Kysely<Database>, set: PlaybookSet, settings: StageSettings): Promise<ArmEvidence[]> {
  const variants = new Map((set.variantsByStage.get(settings.stage) ?? []).map((v) => [`${v.id}@${v.version}`, v]));
  const rows = await db.selectFrom("variant_versions").selectAll().where("stage", "=", settings.stage).execute();
  const arms = rows
    .map(rowToArm)
    .filter((arm) => arm.status !== "retired" && variants.has(arm.key))
    .sort((a, b) => a.key.localeCompare(b.key));
  const tallies = await stageArmTallies(db, settings.stage);
  const posteriors = arms.map((arm) => {
    const t = tallies.get(arm.key);
    return posterior(settings.prior, t?.successes ?? 0, t?.failures ?? 0);
  });
  const rotating = arms.map((arm, i) => ({ arm, i })).filter(({ arm }) => arm.status !== "proposed");
  const best = probabilityBest(
    rotating.map(({ i }) => posteriors[i] ?? settings.prior),
    createSeededRandom(deriveSeed(SEED, `reflection:${settings.stage}`)),
    settings.draws,
  );
  const pBest = new Map(rotating.map(({ arm }, n) => [arm.key, best.pBest[n] ?? 0]));
  const evidence = arms.map((arm, i): ArmEvidence => {
    const t = tallies.get(arm.key);
    const post = posteriors[i] ?? settings.prior;
    const [lower, upper] = credibleInterval(post);
    return {
      key: arm.key,
      status: arm.status,
      decisions: (t?.successes ?? 0) + (t?.failures ?? 0),
      successes: t?.successes ?? 0,
      posteriorMean: posteriorMean(post),
      interval: [lower, upper],
      pBest: pBest.get(arm.key) ?? null,
      variant: variants.get(arm.key) as LoadedVariant,
    };
  });
  // Worst first, so the best arms are nearest the request (OPRO's ordering).
  return evidence.sort((a, b) => a.posteriorMean - b.posteriorMean || (a.pBest ?? 0) - (b.pBest ?? 0));
}

async function transcriptSamples(
  db: Kysely<Database>,
  cipher: FieldCipher,
  stage: string,
  now: number,
): Promise<TranscriptSample[]> {
  const samples: TranscriptSample[] = [];
  for (const [status, outcome] of [
    ["success", "won"],
    ["failure", "lost"],
  ] as const) {
    const assignments = await resolvedAssignments(db, stage, status, now, TRANSCRIPTS_PER_OUTCOME * 3);
    for (const a of assignments) {
      if (samples.filter((s) => s.outcome === outcome).length >= TRANSCRIPTS_PER_OUTCOME) break;
      const lines = await conversation(db, cipher, a.customer_id, a.journey, stage);
      if (lines.length > 0) samples.push({ outcome, lines });
    }
  }
  return samples;
}

async function lostConcerns(
  db: Kysely<Database>,
  cipher: FieldCipher,
  set: PlaybookSet,
  stage: string,
  now: number,
): Promise<{ lostConcerns: StageEvidence["lostConcerns"]; lostCustomers: number }> {
  const lost = await resolvedAssignments(db, stage, "failure", now, LOST_SCANNED);
  const counts = new Map<string, number>();
  const objection = set.funnel.intentMatchers["objection"];
  for (const a of lost) {
    const texts = (await conversationRows(db, a.customer_id, a.journey, stage))
      .filter((m) => m.direction === "in")
      .map((m) => safeDecrypt(cipher, m.text_enc, MESSAGE_TEXT_AAD(a.customer_id)));
    const found = new Set<string>();
    for (const [name, matcher] of Object.entries(set.funnel.concernMatchers)) {
      if (texts.some((t) => matcher.matches(t))) found.add(name);
    }
    if (objection && texts.some((t) => objection.matches(t))) found.add("objection");
    for (const name of found) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const lostConcernsList = [...counts]
    .map(([concern, customers]) => ({ concern, customers }))
    .sort((a, b) => b.customers - a.customers || a.concern.localeCompare(b.concern))
    .slice(0, TOP_CONCERNS);
  return { lostConcerns: lostConcernsList, lostCustomers: lost.length };
}

async function resolvedAssignments(
  db: Kysely<Database>,
  stage: string,
  status: "success" | "failure",
  now: number,
  limit: number,
) {
  return db
    .selectFrom("assignments")
    .select(["customer_id", "journey"])
    .where("stage", "=", stage)
    .where("status", "=", status)
    .where("resolved_at", ">=", now - TRANSCRIPT_LOOKBACK_MS)
    .where("resolved_at", "<=", now)
    .orderBy("resolved_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
}

async function conversationRows(db: Kysely<Database>, customerId: string, journey: number, stage: string) {
  return db
    .selectFrom("messages")
    .select(["direction", "text_enc"])
    .where("customer_id", "=", customerId)
    .where("journey", "=", journey)
    .where("stage", "=", stage)
    .orderBy("id", "desc")
    .limit(MESSAGES_PER_TRANSCRIPT)
    .execute();
}

async function conversation(
  db: Kysely<Database>,
  cipher: FieldCipher,
  customerId: string,
  journey: number,
  stage: string,
): Promise<TranscriptSample["lines"]> {
  const customer = await db.selectFrom("customers").select("name_enc").where("id", "=", customerId).executeTakeFirst();
  if (customer === undefined) return []; // forgotten
  const name =
    customer.name_enc === null ? null : safeDecrypt(cipher, customer.name_enc, CUSTOMER_AAD.name(customerId));
  const rows = (await conversationRows(db, customerId, journey, stage)).reverse();
  return rows.map((m) => ({
    who: m.direction === "in" ? "customer" : "shop",
    text: redact(safeDecrypt(cipher, m.text_enc, MESSAGE_TEXT_AAD(customerId)), name ? [name] : []).slice(
      0,
      MESSAGE_CHARS,
    ),
  }));
}

/** A value that does not decrypt (a rotated-away key) is shown as missing rather than failing the run. */
function safeDecrypt(cipher: FieldCipher, value: string, aad: CipherBinding): string {
  try {
    return cipher.decrypt(value, aad);
  } catch {
    return "";
  }
}
