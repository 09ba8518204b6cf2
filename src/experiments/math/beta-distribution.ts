/**
 * The Beta(a, b) distribution: density, CDF and quantile (inverse CDF).
 * @module
 */
import { logBeta, regularizedIncompleteBeta } from "./special-functions.js";

/** Quantiles are found to this relative precision in x. */
const QUANTILE_RELATIVE_TOLERANCE = 1e-13;
/** Iteration cap for the safeguarded Newton search (bisection alone needs ~45). */
const QUANTILE_MAX_ITERATIONS = 300;

/**
 * The density of Beta(a, b) at x; 0 outside [0, 1]. At an endpoint it is +∞ when
 * the matching shape is below 1.
 * @throws RangeError when `a` or `b` is not a positive finite number.
 */
export function betaPdf(x: number, a: number, b: number): number {
  assertShapes(a, b);
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0 || x > 1) return 0;
  if (x === 0) return endpointDensity(a, b);
  if (x === 1) return endpointDensity(b, a);
  return Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logBeta(a, b));
}

/**
 * P(X ≤ x) for X ~ Beta(a, b): the regularized incomplete beta function I_x(a, b).
 * @throws RangeError when `a` or `b` is not a positive finite number.
 */
export function betaCdf(x: number, a: number, b: number): number {
  return regularizedIncompleteBeta(x, a, b);
}

/**
 * The p-quantile of Beta(a, b): the x with P(X ≤ x) = p, to a relative precision of 1e-13. Found by
 * Newton's method on the CDF, kept inside a shrinking bracket and falling back to
 * bisection whenever a step leaves the bracket or makes too little progress.
 * @returns 0 for p ≤ 0 and 1 for p ≥ 1.
 * @throws RangeError when `a` or `b` is not a positive finite number, or `p` is NaN.
 */
export function betaQuantile(p: number, a: number, b: number): number {
  assertShapes(a, b);
  if (Number.isNaN(p)) throw new RangeError("quantile level p must be a number, got NaN");
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  let lo = 0;
  let hi = 1;
  let x = a / (a + b);
  let widthBefore = hi - lo;
  for (let i = 0; i < QUANTILE_MAX_ITERATIONS; i++) {
    const excess = betaCdf(x, a, b) - p;
    if (excess === 0) return x;
    if (excess < 0) lo = x;
    else hi = x;
    if (hi - lo <= QUANTILE_RELATIVE_TOLERANCE * hi) break;
    const density = betaPdf(x, a, b);
    let next = density > 0 && Number.isFinite(density) ? x - excess / density : Number.NaN;
    // Newton alone crawls through far tails; insist the bracket at least halves every
    // three steps, and never step outside it.
    const stalled = i % 3 === 2 && hi - lo > widthBefore / 2;
    if (i % 3 === 2) widthBefore = hi - lo;
    if (!(next > lo && next < hi) || stalled) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= QUANTILE_RELATIVE_TOLERANCE * next) return next;
    x = next;
  }
  return (lo + hi) / 2;
}

function endpointDensity(shapeAtEndpoint: number, otherShape: number): number {
  if (shapeAtEndpoint < 1) return Number.POSITIVE_INFINITY;
  if (shapeAtEndpoint > 1) return 0;
  return Math.exp(-logBeta(1, otherShape));
}

function assertShapes(a: number, b: number): void {
  if (!(a > 0) || !Number.isFinite(a)) throw new RangeError(`beta shape a must be a positive finite number, got ${a}`);
  if (!(b > 0) || !Number.isFinite(b)) throw new RangeError(`beta shape b must be a positive finite number, got ${b}`);
}
