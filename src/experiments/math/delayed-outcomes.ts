/**
 * Pending outcomes as evidence: a stage's delay distribution (time from assignment
 * to success among successes) and the fractional failure a still-pending
 * assignment counts as in its arm's Beta posterior.
 *
 * Model (Chapelle 2014, "Modeling delayed feedback in display advertising";
 * Vernade, Cappé, Perchet 2017, "Stochastic bandit models for delayed
 * conversions"): an assignment converts inside the window W with probability p;
 * given that it converts, its delay D has CDF F on [0, W], the same for every arm
 * of the stage. A success is known the moment it happens; a failure only when the
 * window closes. So a pending assignment of age a that has not converted yet is
 * the observation "no success by a", of probability 1 − p·F(a).
 * @module
 */
import type { BetaPosterior, OutcomeCounts } from "./beta-posterior.js";

/** Default weight of the prior delay CDF, in pseudo-successes (see {@link delayCdf}). */
export const DEFAULT_DELAY_PRIOR_STRENGTH = 10;

/** Default mean of the prior delay, as a fraction of the window (see {@link delayCdf}). */
export const DEFAULT_DELAY_PRIOR_MEAN_FRACTION = 0.25;

/** Fixed-point iterations of {@link delayAdjustedPosterior}; it converges in a handful. */
const FIXED_POINT_ITERATIONS = 50;

/** Options of {@link delayCdf}. */
export interface DelayCdfOptions {
  /** The stage's conversion window W, milliseconds (> 0). */
  readonly windowMs: number;
  /** Observed delays of resolved successes (assignment → success), milliseconds, each in [0, W]. */
  readonly delaysMs: readonly number[];
  /** Mean μ of the exponential prior before truncation, milliseconds; default W / 4. */
  readonly priorMeanMs?: number;
  /** Pseudo-count m of the prior: how many observed delays it is worth; default 10. */
  readonly priorStrength?: number;
}

/**
 * The prior delay CDF: an exponential with mean μ truncated to the window,
 * F0(a) = (1 − e^(−a/μ)) / (1 − e^(−W/μ)) for 0 ≤ a ≤ W; 0 before, 1 after.
 * Most conversions come early and none after the window, as in sales by chat.
 */
export function truncatedExponentialCdf(ageMs: number, meanMs: number, windowMs: number): number {
  if (ageMs <= 0) return 0;
  if (ageMs >= windowMs) return 1;
  return -Math.expm1(-ageMs / meanMs) / -Math.expm1(-windowMs / meanMs);
}

/**
 * The stage's delay CDF F(a): P(delay ≤ a | success inside the window), a in
 * milliseconds since the assignment. It is the posterior mean of a Dirichlet process
 * with base measure F0 (the truncated exponential, {@link truncatedExponentialCdf})
 * and concentration m (Ferguson 1973):
 *
 *   F(a) = (m · F0(a) + #{observed delays ≤ a}) / (m + n),
 *
 * so with no data F = F0, and with n ≫ m observed delays F is their empirical CDF.
 * Returns a function of the age; it is non-decreasing, 0 at a ≤ 0 (unless a
 * delay of 0 was observed) and 1 at a ≥ W.
 * @throws RangeError when W, μ or m is not positive and finite, or a delay is outside [0, W].
 */
export function delayCdf(options: DelayCdfOptions): (ageMs: number) => number {
  const { windowMs, delaysMs } = options;
  const priorMeanMs = options.priorMeanMs ?? windowMs * DEFAULT_DELAY_PRIOR_MEAN_FRACTION;
  const m = options.priorStrength ?? DEFAULT_DELAY_PRIOR_STRENGTH;
  assertPositive("windowMs", windowMs);
  assertPositive("priorMeanMs", priorMeanMs);
  assertPositive("priorStrength", m);
  const sorted = [...delaysMs].sort((x, y) => x - y);
  for (const d of sorted) {
    if (!(d >= 0 && d <= windowMs)) throw new RangeError(`a delay must be in [0, ${windowMs}] ms, got ${d}`);
  }
  const n = sorted.length;
  return (ageMs: number): number => {
    if (ageMs >= windowMs) return 1;
    const observed = countAtMost(sorted, ageMs);
    return (m * truncatedExponentialCdf(ageMs, priorMeanMs, windowMs) + observed) / (m + n);
  };
}

/**
 * The fractional failure one not-yet-converted pending assignment counts as:
 *
 *   w = F · (1 − p) / (1 − p·F),
 *
 * with F = F(age) the share of successes that would have shown by now and p the
 * arm's current success estimate. Why this weight: the exact likelihood of "no
 * success by age a" is 1 − p·F; a fractional failure w contributes (1 − p)^w. The
 * two have the same score (derivative of the log-likelihood) at p when
 * −F/(1 − pF) = −w/(1 − p), which gives w. Equivalently, w = F · P(never converts |
 * not converted by a), the share of the assignment's information that has arrived
 * (Vernade et al. 2017 weigh by F) times Chapelle's (2014) EM probability that it is
 * a true failure. So 0 ≤ w ≤ F ≤ 1: w = 0 at age 0 (nothing known yet), w = 1 once
 * the window has passed (a plain failure), and w → F as p → 0. At the fixed point of
 * {@link delayAdjustedPosterior} the Beta posterior has exactly the mode of the exact
 * posterior.
 * @throws RangeError when F or p is outside [0, 1].
 */
export function pendingFailureWeight(cdfAtAge: number, successProbability: number): number {
  assertUnit("cdfAtAge", cdfAtAge);
  assertUnit("successProbability", successProbability);
  if (cdfAtAge === 0) return 0;
  if (successProbability === 1) return cdfAtAge === 1 ? 1 : 0;
  return (cdfAtAge * (1 - successProbability)) / (1 - successProbability * cdfAtAge);
}

/** Inputs of {@link delayAdjustedPosterior}. */
export interface DelayAdjustedInput {
  /** The arm's prior. */
  readonly prior: BetaPosterior;
  /**
   * Successes (resolved, and pending ones that already converted: a success is final
   * when it happens) and failures of matured assignments.
   */
  readonly counts: OutcomeCounts;
  /** F(age) of every pending assignment that has not converted yet, each in [0, 1]. */
  readonly pendingCdf: readonly number[];
}

/**
 * The arm's Beta posterior with pending assignments as fractional failures:
 * Beta(α0 + S, β0 + M + Σ w_i), w_i = {@link pendingFailureWeight}(F_i, p̂), where p̂
 * is solved by fixed-point iteration as the mode of that same Beta (starting from the
 * resolved-only mode). At the fixed point p̂ is the exact posterior mode: the
 * derivative of log[Beta(α0, β0) · p^S (1 − p)^M Π(1 − p F_i)] vanishes there.
 * Needs α0 + S ≥ 1 and β0 + M ≥ 1 for the mode to be interior; otherwise p̂ is the
 * posterior mean. The verdict and the report keep using matured counts only.
 */
export function delayAdjustedPosterior(input: DelayAdjustedInput): BetaPosterior {
  const alpha = input.prior.alpha + input.counts.successes;
  const betaResolved = input.prior.beta + input.counts.failures;
  for (const f of input.pendingCdf) assertUnit("pendingCdf", f);
  let beta = betaResolved;
  for (let i = 0; i < FIXED_POINT_ITERATIONS; i++) {
    const p = centre(alpha, beta);
    let pendingFailures = 0;
    for (const f of input.pendingCdf) pendingFailures += pendingFailureWeight(f, p);
    const next = betaResolved + pendingFailures;
    if (Math.abs(next - beta) < 1e-13 * next) {
      beta = next;
      break;
    }
    beta = next;
  }
  return { alpha, beta };
}

/** The mode of Beta(α, β) when interior, else its mean. */
function centre(alpha: number, beta: number): number {
  return alpha > 1 && beta > 1 ? (alpha - 1) / (alpha + beta - 2) : alpha / (alpha + beta);
}

/** How many of the sorted values are ≤ x (binary search). */
function countAtMost(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function assertPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be > 0 and finite, got ${value}`);
}

function assertUnit(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be in [0, 1], got ${value}`);
}
