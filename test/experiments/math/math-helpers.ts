/**
 * Helpers shared by the math tests, computed independently of the code under test:
 * sample moments, the Beta CDF for integer shapes, and the two-arm closed form of P(best).
 * @module
 */

/** Mean and (population) variance of a sample. */
export function moments(values: ArrayLike<number>): { mean: number; variance: number } {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let squares = 0;
  for (let i = 0; i < values.length; i++) squares += (values[i]! - mean) ** 2;
  return { mean, variance: squares / values.length };
}

/** n draws of `draw()` in a Float64Array. */
export function drawMany(n: number, draw: () => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = draw();
  return out;
}

/**
 * The Beta(a, b) CDF for integer a, b through the binomial identity
 * I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a), summed term by term.
 */
export function integerBetaCdf(x: number, a: number, b: number): number {
  const n = a + b - 1;
  let total = 0;
  for (let j = a; j <= n; j++) total += Math.exp(logChoose(n, j) + j * Math.log(x) + (n - j) * Math.log1p(-x));
  return total;
}

/**
 * P(θ_B > θ_A) for θ_A ~ Beta(aA, bA), θ_B ~ Beta(aB, bB) with integer aB, by the
 * closed-form sum (Evan Miller, "Formulas for Bayesian A/B testing").
 */
export function probabilityBBeatsA(aA: number, bA: number, aB: number, bB: number): number {
  let total = 0;
  for (let i = 0; i < aB; i++) {
    total += Math.exp(logBetaFn(aA + i, bA + bB) - Math.log(bB + i) - logBetaFn(1 + i, bB) - logBetaFn(aA, bA));
  }
  return total;
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}

function logFactorial(n: number): number {
  let total = 0;
  for (let i = 2; i <= n; i++) total += Math.log(i);
  return total;
}

/** ln B(a, b) for integer a, b ≥ 1 from factorials. */
function logBetaFn(a: number, b: number): number {
  return logFactorial(a - 1) + logFactorial(b - 1) - logFactorial(a + b - 1);
}
