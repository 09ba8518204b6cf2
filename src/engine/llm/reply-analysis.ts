/**
 * The analysis an LLM returns beside its reply, and how it is merged into the
 * customer profile the keyword rules already updated. The rules stay the anchor:
 * the analysis adds interests and concerns, counts an objection the rules missed,
 * sets the sentiment, moves the purchase probability at most
 * {@link MAX_PROBABILITY_SHIFT} away from the rules' value, and writes the
 * recommended approach. It never changes the stage, the trust level or the
 * language. Pure.
 * @module
 */
import { z } from "zod";
import type { Profile } from "../customer-profile.js";

const shortText = (max: number) => z.string().trim().max(max);

/** What the model says about the customer's latest message. */
export const replyAnalysisSchema = z.object({
  /** The message's intent, in the funnel's words where it can (`price_question`, …, `other`). */
  intent: shortText(40).min(1),
  /** What in the messages shows the customer's stage. */
  stage_evidence: shortText(300),
  /** Products or needs the customer is interested in. */
  interests: z.array(shortText(60).min(1)).max(10),
  /** Worries the customer shows (price, shipping, quality, trust, …). */
  concerns: z.array(shortText(60).min(1)).max(10),
  /** The objection raised in this message, or null. */
  objection: shortText(200).nullable(),
  sentiment: z.enum(["positive", "neutral", "negative"]),
  /** BCP 47 language tag of the message. */
  language: z.string().regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/),
  /** Details the customer gave (quantity, city, size, …). */
  provided_details: z.array(shortText(120)).max(10),
  /** Probability (0–1) that the customer buys in this journey. */
  purchase_probability: z.number().min(0).max(1),
  probability_reason: shortText(300),
  /** One sentence for whoever answers next, within the stage's goal. */
  recommended_approach: shortText(300).min(1),
});

/** A valid analysis. */
export type ReplyAnalysis = z.infer<typeof replyAnalysisSchema>;

/** Why an analysis was not used. */
export type AnalysisFallback = "analysis_missing" | "analysis_invalid";

/** Reads the `analysis` field of an answer: the analysis, or why the rules decide alone. */
export function readAnalysis(value: unknown): { analysis: ReplyAnalysis } | { fallback: AnalysisFallback } {
  if (value === undefined || value === null) return { fallback: "analysis_missing" };
  const parsed = replyAnalysisSchema.safeParse(value);
  return parsed.success ? { analysis: parsed.data } : { fallback: "analysis_invalid" };
}

/** How far the model may move the rules' purchase probability, either way. */
export const MAX_PROBABILITY_SHIFT = 0.25;
const LIST_MAX = 10;

/**
 * The profile after merging `analysis` into it. `objectionCounted` is true when the rules already
 * counted an objection for this message (its intent was `objection`).
 */
export function mergeAnalysis(profile: Profile, analysis: ReplyAnalysis, objectionCounted: boolean): Profile {
  const anchor = profile.purchaseProbability;
  const probability = clamp(
    analysis.purchase_probability,
    anchor - MAX_PROBABILITY_SHIFT,
    anchor + MAX_PROBABILITY_SHIFT,
  );
  return {
    ...profile,
    interests: appendRecent(profile.interests, analysis.interests.map(tidy)),
    concerns: appendRecent(profile.concerns, analysis.concerns.map(tidy)),
    objections:
      profile.objections + (analysis.objection !== null && analysis.objection !== "" && !objectionCounted ? 1 : 0),
    sentiment: analysis.sentiment,
    purchaseProbability: Math.round(clamp(probability, 0, 1) * 100) / 100,
    probabilityReason: analysis.probability_reason === "" ? null : analysis.probability_reason,
    recommendedApproach: analysis.recommended_approach,
  };
}

function tidy(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, " ");
}

function appendRecent(list: readonly string[], added: readonly string[]): string[] {
  const fresh = added.filter((x, i) => x !== "" && added.indexOf(x) === i);
  return [...list.filter((x) => !fresh.includes(x)), ...fresh].slice(-LIST_MAX);
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}
