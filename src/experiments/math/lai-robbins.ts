/**
 * The Lai–Robbins lower bound on regret for Bernoulli arms: no consistent policy can
 * have expected regret below C(p)·ln n after n decisions (asymptotically), with
 * C(p) = Σ_{i: p_i < p*} (p* − p_i) / KL(p_i, p*).
 * @module
 */

/**
 * The Kullback–Leibler divergence KL(Ber(p) ‖ Ber(q)) = p ln(p/q) + (1−p) ln((1−p)/(1−q)),
 * in nats, with 0·ln 0 = 0. +∞ when q puts zero mass where p does not (q ∈ {0, 1}, q ≠ p).
 * @throws RangeError when `p` or `q` is outside [0, 1].
 */
export function klBernoulli(p: number, q: number): number {
  assertProbability("p", p);
  assertProbability("q", q);
  return xLogRatio(p, q) + xLogRatio(1 - p, 1 - q);
}

/**
 * The Lai–Robbins constant C(p) = Σ_{i: p_i < p*} (p* − p_i) / KL(p_i, p*), where p* is
 * the best arm's success probability. Arms tied with the best contribute nothing, and
 * so do arms when p* = 1 (KL is infinite: one failure tells them apart). 0 for fewer
 * than two distinct probabilities.
 * @throws RangeError when a probability is outside [0, 1].
 */
export function laiRobbinsConstant(ps: readonly number[]): number {
  for (const p of ps) assertProbability("p", p);
  if (ps.length === 0) return 0;
  const best = Math.max(...ps);
  let constant = 0;
  for (const p of ps) {
    if (p < best) constant += (best - p) / klBernoulli(p, best);
  }
  return constant;
}

/**
 * The Lai–Robbins regret bound C(p)·ln n after n decisions; 0 for n ≤ 1.
 * @throws RangeError when a probability is outside [0, 1] or `n` is negative.
 */
export function laiRobbinsBound(ps: readonly number[], n: number): number {
  if (!(n >= 0)) throw new RangeError(`n must be ≥ 0, got ${n}`);
  return n <= 1 ? 0 : laiRobbinsConstant(ps) * Math.log(n);
}

/** x·ln(x/y) with the conventions 0·ln(0/y) = 0 and x·ln(x/0) = +∞ for x > 0. */
function xLogRatio(x: number, y: number): number {
  if (x === 0) return 0;
  if (y === 0) return Number.POSITIVE_INFINITY;
  return x * Math.log(x / y);
}

function assertProbability(name: string, value: number): void {
  if (!(value >= 0 && value <= 1)) throw new RangeError(`${name} must be a probability in [0, 1], got ${value}`);
}
