/**
 * The bandit policy of one stage: Thompson-sampling weights (each arm's posterior
 * probability of being best), an exploration floor, burn-in, and a traffic cap for
 * candidate arms; and the draw of one arm from the resulting propensities.
 * @module
 */
import { type BetaPosterior, posterior, UNIFORM_PRIOR } from "./beta-posterior.js";
import { DEFAULT_POSTERIOR_DRAWS, probabilityBest } from "./probability-best.js";
import { applyFloor, capCandidates, DEFAULT_CANDIDATE_CAP, DEFAULT_WEIGHT_FLOOR } from "./propensity-floor.js";
import type { Random } from "./random.js";
import { sampleIndex } from "./random-variates.js";

/** Resolved outcomes every arm needs before weights follow the posteriors. */
export const DEFAULT_BURN_IN = 20;

/**
 * An arm's place in its stage's rotation. `proposed` arms (waiting for review) and
 * `retired` arms receive no traffic; `candidate` arms share at most the candidate cap.
 */
export type ArmStatus = "champion" | "active" | "candidate" | "proposed" | "retired";

/** One arm as the policy sees it: resolved counts only (pending outcomes count nowhere). */
export interface PolicyArm {
  /** Stable arm id, e.g. `"<variant>@<version>"`. */
  readonly key: string;
  readonly successes: number;
  readonly failures: number;
  readonly status: ArmStatus;
  /** This arm's own prior (a newcomer's empirical-Bayes prior); default the stage's. */
  readonly prior?: BetaPosterior;
}

/** Inputs of {@link thompsonWeights}; defaults in the destructuring. */
export interface ThompsonWeightsOptions {
  /** The stage's arms. Retired and proposed arms get weight and propensity 0 and do not count in K. */
  readonly arms: readonly PolicyArm[];
  /** The stage's prior; default Beta(1, 1). */
  readonly prior?: BetaPosterior;
  /** Exploration floor f per arm, in [0, 1]; default 0.01. */
  readonly floor?: number;
  /** Minimum resolved outcomes (successes + failures) every arm needs before reweighting; default 20. */
  readonly burnIn?: number;
  /** Posterior draws for P(best); default 10,000. */
  readonly draws?: number;
  /** The random source of the posterior draws (seed it and store the seed with the weights). */
  readonly rng: Random;
  /** Maximum total propensity of `candidate` arms, in [0, 1]; default 0.1. */
  readonly candidateCap?: number;
}

/** Why the weights are what they are. */
export type WeightsReason = "burn_in" | "thompson" | "single_arm" | "no_arms";

/** A weight set, per arm in input order. */
export interface ThompsonWeights {
  /** w_k: P(best) under `thompson`, equal shares under `burn_in`; 0 for retired arms. */
  readonly weights: readonly number[];
  /** p_k, what decisions are drawn from: floored and capped; sums to 1 unless there are no arms. */
  readonly propensities: readonly number[];
  /** E[max θ − θ_k] from the same draws; only under `thompson`. */
  readonly expectedLoss?: readonly number[];
  readonly reason: WeightsReason;
  /** What an operator should know: burn-in progress, a saturated floor, a capped or uncappable candidate share. */
  readonly message?: string;
}

/**
 * Computes a stage's weights and propensities.
 *
 * - No rotating arm (every arm retired or proposed): `no_arms`, empty-handed (all propensities 0).
 * - One rotating arm: `single_arm`, it gets everything.
 * - Some rotating arm other than a candidate below `burnIn` resolved outcomes:
 *   `burn_in`, equal weights, no draws taken from `rng`. A candidate in its own
 *   burn-in does not count here: the cap already limits what it can cost.
 * - Otherwise `thompson`: w = P(best) from `draws` posterior draws.
 *
 * Then p_k = f + (1 − K·f)·w_k (uniform if K·f ≥ 1, said in `message`), then the
 * candidate cap (see `capCandidates`); under `thompson`, when the cap binds, the
 * other arms split what is left by P(best) among themselves (floored), with more
 * draws from `rng`. Every p_k ≥ f unless the floor saturates or
 * the cap pushes a candidate below it.
 * @throws RangeError on invalid numbers (negative counts, floor or cap outside [0, 1]).
 */
export function thompsonWeights(options: ThompsonWeightsOptions): ThompsonWeights {
  const {
    arms,
    prior = UNIFORM_PRIOR,
    floor = DEFAULT_WEIGHT_FLOOR,
    burnIn = DEFAULT_BURN_IN,
    draws = DEFAULT_POSTERIOR_DRAWS,
    rng,
    candidateCap = DEFAULT_CANDIDATE_CAP,
  } = options;
  const rotating = arms.filter(inRotation);
  const posteriors = rotating.map((arm) => posterior(arm.prior ?? prior, arm.successes, arm.failures));
  const expand = (values: readonly number[]) => spreadOverArms(arms, values);

  if (rotating.length === 0) {
    const zeros = arms.map(() => 0);
    return { weights: zeros, propensities: zeros, reason: "no_arms", message: "no arm is in rotation" };
  }
  if (rotating.length === 1) {
    const only = expand([1]);
    return { weights: only, propensities: only, reason: "single_arm" };
  }

  const messages: string[] = [];
  // Candidates are already held under the cap, so their burn-in does not send the others back to equal shares.
  const short = rotating.filter((arm) => arm.status !== "candidate" && arm.successes + arm.failures < burnIn);
  let weights: readonly number[];
  let expectedLoss: readonly number[] | undefined;
  if (short.length > 0) {
    weights = rotating.map(() => 1 / rotating.length);
    const list = short.map((arm) => `${arm.key} has ${arm.successes + arm.failures}`).join(", ");
    messages.push(`burn-in: every arm needs ${burnIn} resolved outcomes; ${list}`);
  } else {
    const estimate = probabilityBest(posteriors, rng, draws);
    weights = estimate.pBest;
    expectedLoss = estimate.expectedLoss;
  }

  const floored = applyFloor(weights, floor);
  if (floored.saturated) {
    messages.push(`floor ${floor} × ${rotating.length} arms ≥ 1, so propensities are uniform`);
  }
  const isCandidate = rotating.map((arm) => arm.status === "candidate");
  let capped = capCandidates(floored.propensities, isCandidate, candidateCap);
  if (capped.capped && short.length === 0) {
    capped = {
      ...capped,
      propensities: shareAmongOthers(capped.propensities, isCandidate, posteriors, floor, rng, draws),
    };
  }
  if (capped.capped) messages.push(`candidate arms capped at ${candidateCap} of the traffic`);
  if (capped.uncappable) messages.push("every arm is a candidate, so the candidate cap cannot apply");

  return {
    weights: expand(weights),
    propensities: expand(capped.propensities),
    ...(expectedLoss ? { expectedLoss: expand(expectedLoss) } : {}),
    reason: short.length > 0 ? "burn_in" : "thompson",
    ...(messages.length > 0 ? { message: messages.join("; ") } : {}),
  };
}

/** One decision: the arm drawn and the exact probability it had. */
export interface ArmChoice {
  readonly index: number;
  /** The probability the arm had of being chosen, as given; log it with the assignment. */
  readonly propensity: number;
}

/**
 * Draws one arm from `propensities` (one uniform draw from `rng`).
 * @throws RangeError when the propensities are empty, negative or all 0.
 */
export function chooseArm(propensities: readonly number[], rng: Random): ArmChoice {
  const index = sampleIndex(rng, propensities);
  return { index, propensity: propensities[index]! };
}

/**
 * When the cap binds under Thompson weights, the other arms share what the
 * candidates leave as they would among themselves: P(best) among the
 * non-candidates (extra draws from `rng`), floored. Otherwise wide new
 * candidates, which win most joint draws, would push every other arm to its
 * floor and the stage back to near-equal shares. The candidates keep their
 * capped propensities.
 */
function shareAmongOthers(
  propensities: readonly number[],
  isCandidate: readonly boolean[],
  posteriors: readonly BetaPosterior[],
  floor: number,
  rng: Random,
  draws: number,
): number[] {
  const others = posteriors.filter((_, k) => !isCandidate[k]);
  const left = 1 - propensities.reduce((total, p, k) => total + (isCandidate[k] ? p : 0), 0);
  const among = others.length === 1 ? [1] : probabilityBest(others, rng, draws).pBest;
  // The floor stays absolute: each other arm keeps at least f of all traffic when that fits.
  const fits = others.length * floor <= left;
  const free = fits ? left - others.length * floor : left;
  let next = 0;
  return propensities.map((p, k) => {
    if (isCandidate[k]) return p;
    const w = among[next++] ?? 0;
    return fits ? floor + free * w : free * w;
  });
}

/** True for an arm that receives customers: neither retired nor waiting for review (`proposed`). */
export function inRotation(arm: { readonly status: ArmStatus }): boolean {
  return arm.status !== "retired" && arm.status !== "proposed";
}

/** Maps values of the rotating arms back onto all arms, with 0 for retired and proposed ones. */
function spreadOverArms(arms: readonly PolicyArm[], values: readonly number[]): readonly number[] {
  let next = 0;
  return arms.map((arm) => (inRotation(arm) ? (values[next++] ?? 0) : 0));
}
