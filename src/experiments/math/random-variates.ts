/**
 * Random variates drawn from a {@link Random} source: normal, lognormal, gamma, beta
 * and categorical. Pure: the only state touched is the generator passed in.
 * @module
 */
import type { Random } from "./random.js";

/** Marsaglia–Tsang squeeze constant (their paper's 0.0331). */
const GAMMA_SQUEEZE = 0.0331;

/**
 * A standard normal draw (mean 0, variance 1) by the Box–Muller transform. Uses two
 * uniforms per call and keeps no spare, so a call always consumes exactly two draws.
 */
export function normal(rng: Random): number {
  const u1 = 1 - rng.next(); // in (0, 1], so the log is finite
  const u2 = rng.next();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * A lognormal draw: `exp(mu + sigma · Z)` with Z standard normal, so the median is
 * `exp(mu)`.
 * @throws RangeError when `sigma` is negative or not finite.
 */
export function lognormal(rng: Random, mu: number, sigma: number): number {
  if (!(sigma >= 0) || !Number.isFinite(sigma)) throw new RangeError(`sigma must be ≥ 0, got ${sigma}`);
  return Math.exp(mu + sigma * normal(rng));
}

/**
 * A Gamma(shape, 1) draw by Marsaglia and Tsang's method (2000). For shape < 1 it
 * draws Gamma(shape + 1) and multiplies by U^(1/shape).
 * @throws RangeError when `shape` is not a positive finite number.
 */
export function gamma(rng: Random, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) throw new RangeError(`gamma shape must be > 0, got ${shape}`);
  if (shape < 1) {
    const boosted = gammaAtLeastOne(rng, shape + 1);
    return boosted * (1 - rng.next()) ** (1 / shape);
  }
  return gammaAtLeastOne(rng, shape);
}

/**
 * A Beta(a, b) draw as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b).
 * @throws RangeError when `a` or `b` is not a positive finite number.
 */
export function beta(rng: Random, a: number, b: number): number {
  const x = gamma(rng, a);
  const y = gamma(rng, b);
  const total = x + y;
  // Both underflow to 0 only for tiny shapes; then the draw sits at 0 or 1 in the
  // proportion the mean gives.
  if (total === 0) return rng.next() < a / (a + b) ? 1 : 0;
  return x / total;
}

/**
 * A categorical draw: index k with probability `probabilities[k] / Σ probabilities`.
 * Uses exactly one uniform draw. The weights need not sum to exactly 1.
 * @throws RangeError when the list is empty, a weight is negative or not finite, or
 *   all weights are 0.
 */
export function sampleIndex(rng: Random, probabilities: readonly number[]): number {
  let total = 0;
  for (const [i, p] of probabilities.entries()) {
    if (!(p >= 0) || !Number.isFinite(p)) throw new RangeError(`probability ${i} must be finite and ≥ 0, got ${p}`);
    total += p;
  }
  if (!(total > 0)) throw new RangeError("sampleIndex needs at least one positive probability");
  const target = rng.next() * total;
  let cumulative = 0;
  let lastPositive = 0;
  for (const [i, p] of probabilities.entries()) {
    if (p === 0) continue;
    cumulative += p;
    lastPositive = i;
    if (target < cumulative) return i;
  }
  // Rounding left the target at the very top: it belongs to the last positive weight.
  return lastPositive;
}

/**
 * A uniformly chosen index in [0, n).
 * @throws RangeError when `n` is not a positive integer.
 */
export function randomIndex(rng: Random, n: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  return Math.min(n - 1, Math.floor(rng.next() * n));
}

function gammaAtLeastOne(rng: Random, shape: number): number {
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = normal(rng);
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    const x2 = x * x;
    if (u < 1 - GAMMA_SQUEEZE * x2 * x2) return d * v;
    if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v;
  }
}
