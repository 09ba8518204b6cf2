/**
 * Probability of being best and expected loss for Beta posteriors by deterministic
 * numerical integration. Slower than the Monte Carlo estimate but free of sampling
 * noise: the tests pin the Monte Carlo against it.
 * @module
 */
import { betaCdf, betaQuantile } from "./beta-distribution.js";
import type { BetaPosterior } from "./beta-posterior.js";
import type { BestArmEstimate } from "./probability-best.js";

/** Simpson intervals per integral (even). */
export const EXACT_INTEGRATION_INTERVALS = 4096;
/** Tail mass treated as zero when bounding where the posteriors live. */
const NEGLIGIBLE_TAIL = 1e-13;

/**
 * P(arm k is best) = ∫ f_k(x) Π_{j≠k} F_j(x) dx, computed after substituting
 * u = F_k(x) as ∫₀¹ Π_{j≠k} F_j(F_k⁻¹(u)) du, whose integrand is bounded for every
 * Beta shape (the density can be infinite at 0 or 1), by composite Simpson with
 * {@link EXACT_INTEGRATION_INTERVALS} intervals. Accurate to about 1e-5 for the
 * posteriors of resolved counts.
 * @throws RangeError when a posterior is invalid.
 */
export function probabilityBestExact(posteriors: readonly BetaPosterior[]): readonly number[] {
  if (posteriors.length === 0) return [];
  if (posteriors.length === 1) return [1];
  return posteriors.map(function pBestOf(arm, k) {
    const others = posteriors.filter((_, j) => j !== k);
    return simpson(
      function othersBelow(u) {
        const x = betaQuantile(u, arm.alpha, arm.beta);
        let product = 1;
        for (const other of others) product *= betaCdf(x, other.alpha, other.beta);
        return product;
      },
      0,
      1,
    );
  });
}

/**
 * Expected loss E[max_j θ_j − θ_k] = E[max_j θ_j] − α_k/(α_k + β_k), where
 * E[max] = ∫₀¹ (1 − Π_j F_j(x)) dx is integrated by composite Simpson over the
 * range where the posteriors have mass.
 * @throws RangeError when a posterior is invalid.
 */
export function expectedLossExact(posteriors: readonly BetaPosterior[]): readonly number[] {
  if (posteriors.length === 0) return [];
  if (posteriors.length === 1) return [0];
  const lo = Math.min(...posteriors.map((p) => betaQuantile(NEGLIGIBLE_TAIL, p.alpha, p.beta)));
  const hi = Math.max(...posteriors.map((p) => betaQuantile(1 - NEGLIGIBLE_TAIL, p.alpha, p.beta)));
  // Below lo every CDF is ~0, so 1 − ΠF is ~1 there and contributes lo itself.
  const expectedMax =
    lo +
    simpson(
      function noneBelow(x) {
        let product = 1;
        for (const p of posteriors) product *= betaCdf(x, p.alpha, p.beta);
        return 1 - product;
      },
      lo,
      hi,
    );
  return posteriors.map((p) => Math.max(0, expectedMax - p.alpha / (p.alpha + p.beta)));
}

/** Both exact quantities in the shape of the Monte Carlo {@link BestArmEstimate}. */
export function bestArmExact(posteriors: readonly BetaPosterior[]): BestArmEstimate {
  return { pBest: probabilityBestExact(posteriors), expectedLoss: expectedLossExact(posteriors) };
}

function simpson(f: (x: number) => number, from: number, to: number): number {
  const n = EXACT_INTEGRATION_INTERVALS;
  const h = (to - from) / n;
  let sum = f(from) + f(to);
  for (let i = 1; i < n; i++) sum += (i % 2 === 1 ? 4 : 2) * f(from + i * h);
  return (sum * h) / 3;
}
