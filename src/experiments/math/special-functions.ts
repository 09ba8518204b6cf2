/**
 * Special functions the statistics need: log-gamma, log-beta, the regularized
 * incomplete beta function and the regularized incomplete gamma functions.
 * Double precision, about 1e-13 relative accuracy in the ranges the bandit uses.
 * @module
 */

/** Lanczos approximation parameter g (with the nine coefficients below). */
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);
/** Relative change below which a series or continued fraction has converged. */
const CONVERGENCE_EPSILON = 1e-15;
/** Stand-in for zero in the modified Lentz algorithm, so no division by zero happens. */
const LENTZ_TINY = 1e-300;
/** Iteration cap for series and continued fractions; they converge in O(√max(a, b)) terms. */
const MAX_ITERATIONS = 100_000;

/**
 * ln Γ(x) for x > 0 by the Lanczos approximation (g = 7, n = 9), with the
 * reflection formula below 0.5.
 * @returns NaN when `x` is NaN; +∞ at the poles (0, −1, −2, …).
 */
export function logGamma(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0.5) {
    const sine = Math.sin(Math.PI * x);
    if (sine === 0) return Number.POSITIVE_INFINITY;
    return Math.log(Math.PI / Math.abs(sine)) - logGamma(1 - x);
  }
  const z = x - 1;
  let series = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) {
    series += (LANCZOS_COEFFICIENTS[i] ?? 0) / (z + i);
  }
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), for a, b > 0. */
export function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/**
 * The regularized incomplete beta function I_x(a, b), which is the CDF of Beta(a, b)
 * at x. Evaluated by its continued fraction (modified Lentz), using the symmetry
 * I_x(a, b) = 1 − I_{1−x}(b, a) where that converges faster.
 * @returns 0 for x ≤ 0, 1 for x ≥ 1, NaN for NaN input.
 * @throws RangeError when `a` or `b` is not a positive finite number.
 */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  assertPositive("a", a);
  assertPositive("b", b);
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  if (x < (a + 1) / (a + b + 2)) {
    return (Math.exp(logFront) * betaContinuedFraction(x, a, b)) / a;
  }
  return 1 - (Math.exp(logFront) * betaContinuedFraction(1 - x, b, a)) / b;
}

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), the CDF
 * of Gamma(a, 1) at x. Series for x < a + 1, continued fraction otherwise.
 * @returns 0 for x ≤ 0.
 * @throws RangeError when `a` is not a positive finite number.
 */
export function regularizedLowerGamma(a: number, x: number): number {
  assertPositive("a", a);
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = 1 − P(a, x), computed
 * directly in the tail so small p-values keep their precision.
 * @returns 1 for x ≤ 0.
 * @throws RangeError when `a` is not a positive finite number.
 */
export function regularizedUpperGamma(a: number, x: number): number {
  assertPositive("a", a);
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const sum = a + b;
  const aPlusOne = a + 1;
  const aMinusOne = a - 1;
  let c = 1;
  let d = nonZero(1 - (sum * x) / aPlusOne);
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= MAX_ITERATIONS; m++) {
    const twoM = 2 * m;
    const even = (m * (b - m) * x) / ((aMinusOne + twoM) * (a + twoM));
    d = 1 / nonZero(1 + even * d);
    c = nonZero(1 + even / c);
    result *= d * c;
    const odd = (-(a + m) * (sum + m) * x) / ((a + twoM) * (aPlusOne + twoM));
    d = 1 / nonZero(1 + odd * d);
    c = nonZero(1 + odd / c);
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < CONVERGENCE_EPSILON) break;
  }
  return result;
}

function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  let denominator = a;
  for (let n = 1; n <= MAX_ITERATIONS; n++) {
    denominator += 1;
    term *= x / denominator;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * CONVERGENCE_EPSILON) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / LENTZ_TINY;
  let d = 1 / b;
  let result = d;
  for (let i = 1; i <= MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = 1 / nonZero(an * d + b);
    c = nonZero(b + an / c);
    const delta = d * c;
    result *= delta;
    if (Math.abs(delta - 1) < CONVERGENCE_EPSILON) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * result;
}

function nonZero(value: number): number {
  return Math.abs(value) < LENTZ_TINY ? LENTZ_TINY : value;
}

function assertPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`${name} must be a positive finite number, got ${value}`);
}
