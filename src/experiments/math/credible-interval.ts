/**
 * Equal-tailed credible intervals of Beta posteriors.
 * @module
 */
import { betaQuantile } from "./beta-distribution.js";
import type { BetaPosterior } from "./beta-posterior.js";

/** The credible level reports use unless told otherwise. */
export const DEFAULT_CREDIBLE_LEVEL = 0.95;

/**
 * The equal-tailed credible interval [q((1 − level)/2), q((1 + level)/2)] of a Beta
 * posterior: the true success probability lies inside with probability `level`.
 * @param level in (0, 1); default 0.95.
 * @returns `[lower, upper]`, both in [0, 1].
 * @throws RangeError when `level` is not in (0, 1) or the posterior is invalid.
 */
export function credibleInterval(
  post: BetaPosterior,
  level: number = DEFAULT_CREDIBLE_LEVEL,
): readonly [lower: number, upper: number] {
  if (!(level > 0 && level < 1)) throw new RangeError(`credible level must be in (0, 1), got ${level}`);
  const tail = (1 - level) / 2;
  return [betaQuantile(tail, post.alpha, post.beta), betaQuantile(1 - tail, post.alpha, post.beta)];
}
