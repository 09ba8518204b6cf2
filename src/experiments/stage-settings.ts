/**
 * The experiment settings of one stage, resolved from the funnel's defaults and
 * the stage's overrides.
 * @module
 */
import type { LearningSettings } from "../strategies/index.js";

/** Settings the policy, the attribution and the decision rules read for one stage. */
export interface StageSettings {
  stage: string;
  /** Conversion window in hours: an assignment not resolved by then fails. */
  windowHours: number;
  /** Beta prior of every arm's success rate. */
  prior: { alpha: number; beta: number };
  /** Minimum propensity of every active arm (the additive floor f). */
  floor: number;
  /** Resolved decisions every arm needs before weights leave equal. */
  burnIn: number;
  /** Posterior draws used to estimate P(best). */
  draws: number;
  /** Most total propensity the stage's candidate arms may get. */
  candidateCap: number;
  /** Most arms of the stage that are not retired (proposed ones included); the weakest past burn-in is retired before one more joins. Default 6. */
  maxArms?: number;
  /** Weekly discount γ of old evidence (null = off). */
  discountPerWeek: number | null;
  /** Pending outcomes, change detection, newcomer prior; absent = all off (the behaviour before issue 15). */
  learning?: LearningSettings;
  /** Decision rules; `minDecisions` is also what a candidate needs before automatic retirement. */
  minDecisions: number;
  minSuccesses: number;
  minDays: number;
}

/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;
/** Milliseconds in a day. */
export const DAY_MS = 24 * HOUR_MS;
/** Milliseconds in a week. */
export const WEEK_MS = 7 * DAY_MS;
