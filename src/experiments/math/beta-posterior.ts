/**
 * Beta-Bernoulli posteriors: an arm's success probability after its resolved
 * outcomes, and optional discounting of old evidence.
 * @module
 */

/** A Beta(alpha, beta) distribution, used as prior and as posterior. Both parameters are > 0. */
export interface BetaPosterior {
  readonly alpha: number;
  readonly beta: number;
}

/** The default prior of every stage: Beta(1, 1), uniform on [0, 1]. */
export const UNIFORM_PRIOR: BetaPosterior = Object.freeze({ alpha: 1, beta: 1 });

/** Milliseconds in one week, the unit of age for discounting. */
export const MS_PER_WEEK = 7 * 24 * 60 * 60 * 1000;

/** Weight per week of age that means "no discounting" (the default). */
export const NO_DISCOUNT = 1;

/**
 * The posterior Beta(α0 + successes, β0 + failures) after Bernoulli outcomes. Counts
 * may be fractional (see {@link discountedCounts}). Returns a new value.
 * @throws RangeError when a count is negative or not finite, or the prior is not a
 *   valid Beta distribution.
 */
export function posterior(prior: BetaPosterior, successes: number, failures: number): BetaPosterior {
  assertBeta(prior);
  assertCount("successes", successes);
  assertCount("failures", failures);
  return { alpha: prior.alpha + successes, beta: prior.beta + failures };
}

/** The posterior mean α / (α + β): the expected success probability. */
export function posteriorMean(post: BetaPosterior): number {
  return post.alpha / (post.alpha + post.beta);
}

/** The posterior variance αβ / ((α + β)² (α + β + 1)). */
export function posteriorVariance(post: BetaPosterior): number {
  const total = post.alpha + post.beta;
  return (post.alpha * post.beta) / (total * total * (total + 1));
}

/** One resolved outcome and when it resolved. */
export interface ResolvedOutcome {
  readonly success: boolean;
  /** When the outcome resolved, epoch milliseconds. */
  readonly resolvedAt: number;
}

/** Options of {@link discountedCounts}. */
export interface DiscountOptions {
  /** The time the counts are for, epoch milliseconds. */
  readonly now: number;
  /**
   * γ: the weight of an outcome one week old, in (0, 1]. An outcome aged t weeks
   * weighs γ^t. Default {@link NO_DISCOUNT} (1): every outcome counts fully.
   */
  readonly discountPerWeek?: number;
}

/** Success and failure counts, possibly fractional after discounting. */
export interface OutcomeCounts {
  readonly successes: number;
  readonly failures: number;
}

/**
 * Discounted success and failure counts: each resolved outcome weighs γ^(age in
 * weeks), so evidence fades with a half-life of ln 2 / −ln γ weeks (γ = 0.9 gives
 * about 6.6 weeks). Outcomes "from the future" (resolvedAt > now) weigh 1.
 *
 * When to use it: only for drifting markets, where what sold last season may no
 * longer sell (seasons, price changes, a new competitor). Discounting keeps the
 * posterior wide enough for the bandit to notice a change, at the price of never
 * becoming fully certain and of exploring more. Leave it off (γ = 1, the default)
 * when conversion rates are stable: then every outcome is equally informative.
 * Discounted counts shrink, so with strong discounting arms can fall back under the
 * burn-in minimum.
 * @throws RangeError when γ is not in (0, 1].
 */
export function discountedCounts(outcomes: readonly ResolvedOutcome[], options: DiscountOptions): OutcomeCounts {
  const { now, discountPerWeek = NO_DISCOUNT } = options;
  if (!(discountPerWeek > 0 && discountPerWeek <= 1)) {
    throw new RangeError(`discountPerWeek must be in (0, 1], got ${discountPerWeek}`);
  }
  let successes = 0;
  let failures = 0;
  for (const outcome of outcomes) {
    const ageWeeks = Math.max(0, (now - outcome.resolvedAt) / MS_PER_WEEK);
    const weight = discountPerWeek === NO_DISCOUNT ? 1 : discountPerWeek ** ageWeeks;
    if (outcome.success) successes += weight;
    else failures += weight;
  }
  return { successes, failures };
}

function assertBeta(value: BetaPosterior): void {
  if (!(value.alpha > 0) || !Number.isFinite(value.alpha) || !(value.beta > 0) || !Number.isFinite(value.beta)) {
    throw new RangeError(`a Beta distribution needs alpha, beta > 0, got Beta(${value.alpha}, ${value.beta})`);
  }
}

function assertCount(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value))
    throw new RangeError(`${name} must be a finite count ≥ 0, got ${value}`);
}
