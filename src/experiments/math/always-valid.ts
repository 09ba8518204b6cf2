/**
 * An always-valid test of "arm A's success rate differs from arm B's": its p-value
 * may be looked at after every outcome, and stopping the first time it is below α
 * still keeps false alarms at α (up to the normal approximation).
 *
 * The choice: a mixture sequential probability ratio test (mSPRT; Johari, Koomen,
 * Pekelis and Walsh, "Peeking at A/B tests", KDD 2017; Robbins 1970). With observed
 * rates p̂_A, p̂_B over n_A, n_B resolved outcomes, Δ̂ = p̂_B − p̂_A is treated as
 * N(Δ, σ²), where σ² = p̄(1 − p̄)(1/n_A + 1/n_B) uses the pooled rate p̄ (the null's
 * own estimate, which keeps it sensible for tiny counts and unequal arm sizes). The
 * alternative mixes Δ ~ N(0, τ²), giving the likelihood ratio
 *
 *   Λ = √(σ² / (σ² + τ²)) · exp(τ² Δ̂² / (2σ²(σ² + τ²)))
 *
 * and the always-valid p-value min(1, 1/Λ). Under "no difference" Λ is (nearly) a
 * nonnegative martingale, so by Ville's inequality P(ever Λ ≥ 1/α) ≤ α. A caller that
 * keeps a history may carry the running minimum of the p-value; the current value
 * alone is also valid, only a little less powerful.
 * @module
 */

/** Default significance level α. */
export const DEFAULT_ALWAYS_VALID_ALPHA = 0.05;
/**
 * Default τ, the standard deviation of the mixing distribution of the difference in
 * success probability (absolute, e.g. 0.05 = five percentage points). The test is
 * most sensitive to differences of about this size.
 */
export const DEFAULT_MIXTURE_SD = 0.05;

/** Resolved outcomes of one arm. */
export interface BinomialCounts {
  readonly successes: number;
  readonly failures: number;
}

/** Options of the always-valid test; defaults in the destructuring. */
export interface AlwaysValidOptions {
  /** Significance level α in (0, 1); default 0.05. */
  readonly alpha?: number;
  /** Mixing standard deviation τ > 0 on the difference of rates; default 0.05. */
  readonly tau?: number;
}

/** The outcome of the always-valid test. */
export interface AlwaysValidResult {
  /** min(1, 1/Λ): valid at any look. */
  readonly pValue: number;
  /** The mixture likelihood ratio Λ (an e-value). */
  readonly likelihoodRatio: number;
  /** Observed p̂_B − p̂_A; 0 when an arm has no outcomes. */
  readonly difference: number;
  /** `pValue < alpha`: the rates differ. */
  readonly rejects: boolean;
  /** Why the test had nothing to say, when it had not. */
  readonly message?: string;
}

/**
 * The always-valid p-value of "A's and B's success rates are equal" (see the module
 * comment for the test). An arm without outcomes, or no variation in the pooled
 * outcomes, gives p-value 1 with a message.
 * @throws RangeError when counts are negative or not finite, α is not in (0, 1) or
 *   τ is not positive.
 */
export function alwaysValidPValue(
  a: BinomialCounts,
  b: BinomialCounts,
  options: AlwaysValidOptions = {},
): AlwaysValidResult {
  const { alpha = DEFAULT_ALWAYS_VALID_ALPHA, tau = DEFAULT_MIXTURE_SD } = options;
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  if (!(tau > 0) || !Number.isFinite(tau)) throw new RangeError(`tau must be a positive number, got ${tau}`);
  assertCounts("A", a);
  assertCounts("B", b);
  const nA = a.successes + a.failures;
  const nB = b.successes + b.failures;
  if (nA === 0 || nB === 0) return noEvidence(0, "an arm has no resolved outcomes");
  const difference = b.successes / nB - a.successes / nA;
  const pooled = (a.successes + b.successes) / (nA + nB);
  const variance = pooled * (1 - pooled) * (1 / nA + 1 / nB);
  if (variance === 0) return noEvidence(difference, "every outcome is the same, so the arms cannot differ yet");
  const tau2 = tau * tau;
  const logRatio =
    0.5 * Math.log(variance / (variance + tau2)) +
    (tau2 * difference * difference) / (2 * variance * (variance + tau2));
  const pValue = Math.min(1, Math.exp(-logRatio));
  return { pValue, likelihoodRatio: Math.exp(logRatio), difference, rejects: pValue < alpha };
}

/**
 * True when the always-valid test says A's and B's rates differ (p-value < α).
 * @throws RangeError as {@link alwaysValidPValue}.
 */
export function alwaysValidAgrees(a: BinomialCounts, b: BinomialCounts, options: AlwaysValidOptions = {}): boolean {
  return alwaysValidPValue(a, b, options).rejects;
}

function noEvidence(difference: number, message: string): AlwaysValidResult {
  return { pValue: 1, likelihoodRatio: 1, difference, rejects: false, message };
}

function assertCounts(name: string, counts: BinomialCounts): void {
  for (const value of [counts.successes, counts.failures]) {
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new RangeError(`arm ${name} counts must be finite and ≥ 0, got ${counts.successes}/${counts.failures}`);
    }
  }
}
