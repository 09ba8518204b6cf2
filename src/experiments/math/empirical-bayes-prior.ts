/**
 * The prior of a newcomer arm, learned from its stage's arms (empirical Bayes): a
 * Beta with the typical rate of the stage and the spread of its arms' rates,
 * weakened so that a newcomer's own outcomes soon dominate.
 * @module
 */
import { type BetaPosterior, type OutcomeCounts, UNIFORM_PRIOR } from "./beta-posterior.js";

/** Default cap on the prior's effective sample size α + β, in outcomes. */
export const DEFAULT_NEWCOMER_PRIOR_STRENGTH = 4;

/** Default minimum resolved outcomes an arm needs to inform the newcomer prior. */
export const DEFAULT_NEWCOMER_MIN_OUTCOMES = 20;

/** Options of {@link newcomerPrior}. */
export interface NewcomerPriorOptions {
  /** Cap ν_max on α + β (> 0): the prior is worth at most this many outcomes; default 4. */
  readonly maxStrength?: number;
  /** Arms with fewer resolved outcomes are left out; default 20. */
  readonly minOutcomes?: number;
}

/**
 * A Beta prior for a new arm of a stage, by the method of moments on the stage's arm
 * rates (beta-binomial model: arm k's rate θ_k ~ Beta(α, β), its successes ~
 * Binomial(n_k, θ_k)). With the K arms having ≥ `minOutcomes` outcomes and raw rates
 * r_k = s_k / n_k:
 *
 * - mean, shrunk toward 1/2 by one pseudo-arm: m = (Σ r_k + 1/2) / (K + 1);
 * - between-arm variance, sampling noise removed: τ² = V − m(1 − m) · mean(1/n_k), V
 *   the sample variance of the r_k (K − 1 in the denominator);
 * - strength ν = m(1 − m)/τ² − 1 (the Beta with mean m and variance τ²), capped at
 *   ν_max; when τ² ≤ 0 (no spread beyond noise) ν = ν_max;
 * - α = m ν, β = (1 − m) ν.
 *
 * The cap is the weakening: the stage's arms say where rates usually lie, but a
 * newcomer may be the better arm the experiment is looking for, so its prior is worth
 * no more than a few outcomes. Falls back to Beta(1, 1) with fewer than two
 * informative arms, or when the rates spread so widely (τ² ≥ m(1 − m)) that no Beta
 * with that mean fits.
 * @throws RangeError when ν_max is not positive or a count is negative.
 */
export function newcomerPrior(arms: readonly OutcomeCounts[], options: NewcomerPriorOptions = {}): BetaPosterior {
  const { maxStrength = DEFAULT_NEWCOMER_PRIOR_STRENGTH, minOutcomes = DEFAULT_NEWCOMER_MIN_OUTCOMES } = options;
  if (!(maxStrength > 0) || !Number.isFinite(maxStrength)) {
    throw new RangeError(`maxStrength must be > 0 and finite, got ${maxStrength}`);
  }
  for (const arm of arms) {
    if (!(arm.successes >= 0 && arm.failures >= 0)) {
      throw new RangeError(`counts must be ≥ 0, got ${arm.successes} successes and ${arm.failures} failures`);
    }
  }
  const informative = arms.filter((arm) => arm.successes + arm.failures >= Math.max(minOutcomes, 1));
  const k = informative.length;
  if (k < 2) return UNIFORM_PRIOR;
  const rates = informative.map((arm) => arm.successes / (arm.successes + arm.failures));
  const rawMean = rates.reduce((sum, r) => sum + r, 0) / k;
  const mean = (rawMean * k + 0.5) / (k + 1);
  const variance = rates.reduce((sum, r) => sum + (r - rawMean) ** 2, 0) / (k - 1);
  const meanInverseN = informative.reduce((sum, arm) => sum + 1 / (arm.successes + arm.failures), 0) / k;
  const spread = variance - mean * (1 - mean) * meanInverseN;
  const strength = spread > 0 ? Math.min(maxStrength, (mean * (1 - mean)) / spread - 1) : maxStrength;
  if (!(strength > 0)) return UNIFORM_PRIOR;
  return { alpha: mean * strength, beta: (1 - mean) * strength };
}
