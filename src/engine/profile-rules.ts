/**
 * Offline profile rules: how one inbound message updates the profile when no
 * LLM is configured. Pure and documented, so an operator can predict them.
 *
 * - interests: products the message names (catalog keywords), most recent last, at most 10.
 * - concerns: the funnel's concern signals the message shows, most recent last, at most 10.
 * - trust level (0–10): the stage's base (first contact 2, then +2 per stage),
 *   +1 for a thankful or positive message, −1 per objection in this journey (at most −2).
 * - purchase probability: the stage's base (5 %, 15 %, 35 %, 65 % for the default
 *   funnel; spread evenly over other funnels), +5 points once a product is known,
 *   −5 points per objection (at most −15); won = 1, lost = 0.02.
 * - recommended approach: a sentence from the stage and the latest concern.
 * - time zone: guessed from the phone's country code when unknown.
 * @module
 */
import type { Profile } from "./customer-profile.js";

/** What the classifiers found in one message. */
export interface MessageSignals {
  /** Catalog product ids the message names. */
  productIds: string[];
  /** Concern names the message shows. */
  concerns: string[];
  /** The message's intent (`greeting`, `price_question`, …, or `default`). */
  intent: string;
  /** True for a thankful or positive message. */
  positive: boolean;
}

/** The most interests or concerns a profile keeps. */
export const PROFILE_LIST_MAX = 10;
const TRUST_BASE_FIRST_STAGE = 2;
const TRUST_STEP_PER_STAGE = 2;
const PURCHASE_BASE_DEFAULT = [0.05, 0.15, 0.35, 0.65];
const PURCHASE_PRODUCT_BONUS = 0.05;
const PURCHASE_OBJECTION_PENALTY = 0.05;
const PURCHASE_OBJECTION_PENALTY_MAX = 0.15;

/** Positive or thankful words that nudge trust up. */
export const POSITIVE_PATTERN =
  /\b(thanks?|thank you|thx|great|perfect|awesome|love (it|that)|sounds good|nice|amazing)\b/i;

/**
 * Returns the profile after one inbound message.
 * @param stageIndex the customer's stage position after the message (0-based; -1 for won/lost handled by `stage`).
 */
export function updateProfile(
  profile: Profile,
  signals: MessageSignals,
  stage: { id: string; index: number; count: number },
  phone: string | null,
): Profile {
  const interests = appendRecent(profile.interests, signals.productIds);
  const concerns = appendRecent(profile.concerns, signals.concerns);
  const objections = profile.objections + (signals.intent === "objection" ? 1 : 0);
  const lastProductId = signals.productIds.at(-1) ?? profile.lastProductId;
  return {
    ...profile,
    interests,
    concerns,
    objections,
    lastProductId,
    messagesThisJourney: profile.messagesThisJourney + 1,
    trustLevel: trustLevel(stage.index, signals.positive, objections),
    purchaseProbability: purchaseProbability(stage, lastProductId !== null, objections),
    recommendedApproach: recommendedApproach(stage.id, concerns.at(-1) ?? null, signals.intent),
    timeZone: profile.timeZone ?? timeZoneForPhone(phone),
  };
}

/** A fresh profile for a new journey keeps what we know of the person, not of the last sale. */
export function profileForNewJourney(profile: Profile): Profile {
  return { ...profile, objections: 0, messagesThisJourney: 0, trustLevel: Math.max(profile.trustLevel - 2, 0) };
}

/** The profile after a reported outcome. */
export function profileAfterOutcome(profile: Profile, outcome: "won" | "lost"): Profile {
  return {
    ...profile,
    purchaseProbability: outcome === "won" ? 1 : 0.02,
    recommendedApproach:
      outcome === "won"
        ? "They bought: thank them, help with delivery, and ask how it went later."
        : "They went quiet: if they write again, start fresh and ask what changed.",
  };
}

function trustLevel(stageIndex: number, positive: boolean, objections: number): number {
  const base = TRUST_BASE_FIRST_STAGE + TRUST_STEP_PER_STAGE * Math.max(stageIndex, 0);
  return clamp(base + (positive ? 1 : 0) - Math.min(objections, 2), 0, 10);
}

function purchaseProbability(
  stage: { index: number; count: number },
  knowsProduct: boolean,
  objections: number,
): number {
  const base =
    stage.count === PURCHASE_BASE_DEFAULT.length
      ? (PURCHASE_BASE_DEFAULT[stage.index] ?? 0.05)
      : 0.05 + (0.6 * Math.max(stage.index, 0)) / Math.max(stage.count - 1, 1);
  const penalty = Math.min(objections * PURCHASE_OBJECTION_PENALTY, PURCHASE_OBJECTION_PENALTY_MAX);
  return round2(clamp(base + (knowsProduct ? PURCHASE_PRODUCT_BONUS : 0) - penalty, 0, 1));
}

function recommendedApproach(stage: string, concern: string | null, intent: string): string {
  if (intent === "objection") return "Acknowledge the objection honestly and answer it with facts from the catalog.";
  if (concern !== null) return `Address their ${concern} concern with concrete, catalog-backed facts.`;
  switch (stage) {
    case "first_contact":
      return "Welcome them warmly and find out what they need.";
    case "building_trust":
      return "Answer patiently and specifically; no exaggeration.";
    case "intent":
      return "Be direct about which product fits and what it costs.";
    case "closing":
      return "Remove the last doubt and make ordering easy; only real stock and offers.";
    default:
      return "Be helpful and honest.";
  }
}

function appendRecent(list: readonly string[], added: readonly string[]): string[] {
  const out = list.filter((x) => !added.includes(x));
  out.push(...added.filter((x, i) => added.indexOf(x) === i));
  return out.slice(-PROFILE_LIST_MAX);
}

/** Country calling codes to a representative IANA time zone (for quiet hours). */
const COUNTRY_TIME_ZONES: readonly [string, string][] = [
  ["1", "America/New_York"],
  ["44", "Europe/London"],
  ["49", "Europe/Berlin"],
  ["33", "Europe/Paris"],
  ["34", "Europe/Madrid"],
  ["39", "Europe/Rome"],
  ["31", "Europe/Amsterdam"],
  ["52", "America/Mexico_City"],
  ["55", "America/Sao_Paulo"],
  ["54", "America/Argentina/Buenos_Aires"],
  ["57", "America/Bogota"],
  ["61", "Australia/Sydney"],
  ["62", "Asia/Jakarta"],
  ["63", "Asia/Manila"],
  ["65", "Asia/Singapore"],
  ["60", "Asia/Kuala_Lumpur"],
  ["91", "Asia/Kolkata"],
  ["234", "Africa/Lagos"],
  ["27", "Africa/Johannesburg"],
  ["971", "Asia/Dubai"],
];

/** Guesses an IANA time zone from a phone number's country code; null when unknown or a `@lid`. */
export function timeZoneForPhone(phone: string | null): string | null {
  if (phone === null || !/^\d{6,15}$/.test(phone)) return null;
  let best: [string, string] | null = null;
  for (const entry of COUNTRY_TIME_ZONES) {
    if (phone.startsWith(entry[0]) && (best === null || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1] ?? null;
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
