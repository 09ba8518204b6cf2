/**
 * Turning bandit weights into the propensities decisions are sampled from: the
 * additive exploration floor, and the traffic cap on candidate arms.
 * @module
 */

/** The default exploration floor f: every arm keeps at least 1% of the traffic (chosen from simulation figures, README "Learning that keeps up"). */
export const DEFAULT_WEIGHT_FLOOR = 0.01;
/** The default cap on the total propensity of arms with status `candidate`: 10% of the traffic. */
export const DEFAULT_CANDIDATE_CAP = 0.1;

/** Propensities after the floor, plus what happened. */
export interface FlooredPropensities {
  /** p_k, summing to 1. */
  readonly propensities: readonly number[];
  /** True when K·f ≥ 1, so no weight-dependent share is left and p is uniform. */
  readonly saturated: boolean;
}

/**
 * Applies the additive floor p_k = f + (1 − K·f)·w_k to weights w that sum to 1.
 * Every p_k ≥ f and Σp = 1. When K·f ≥ 1 no such p exists except (at equality) the
 * uniform one, so the result is uniform 1/K and `saturated` is true.
 * @param weights w_k ≥ 0; they are normalised to sum to 1 first.
 * @param floor f in [0, 1].
 * @throws RangeError when `floor` is outside [0, 1] or a weight is negative, not
 *   finite, or all are 0.
 */
export function applyFloor(weights: readonly number[], floor: number): FlooredPropensities {
  if (!(floor >= 0 && floor <= 1)) throw new RangeError(`floor must be in [0, 1], got ${floor}`);
  const arms = weights.length;
  if (arms === 0) return { propensities: [], saturated: false };
  const total = sumOf(weights);
  for (const [i, w] of weights.entries()) {
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} must be finite and ≥ 0, got ${w}`);
  }
  if (!(total > 0)) throw new RangeError("weights must not all be 0");
  if (arms * floor >= 1) return { propensities: weights.map(() => 1 / arms), saturated: true };
  const free = 1 - arms * floor;
  return { propensities: weights.map((w) => floor + (free * w) / total), saturated: false };
}

/** Propensities after the candidate cap, plus what happened. */
export interface CappedPropensities {
  readonly propensities: readonly number[];
  /** True when the candidates' total exceeded the cap and was scaled down. */
  readonly capped: boolean;
  /** True when the cap was exceeded but every arm is a candidate, so nothing changed. */
  readonly uncappable: boolean;
}

/**
 * Limits the total propensity of candidate arms to `cap`. When candidates together
 * exceed it, each candidate is scaled by cap / total (so their mutual proportions
 * stay), and the freed share goes to the other arms in proportion to their own
 * propensities (equally, if those are all 0). The result still sums to 1; candidates can end up below the floor,
 * because the cap protects customers from unreviewed arms and wins over exploration.
 * When every arm is a candidate there is nowhere to move traffic and nothing changes.
 * @param cap in [0, 1].
 * @throws RangeError when `cap` is outside [0, 1] or the lists differ in length.
 */
export function capCandidates(
  propensities: readonly number[],
  isCandidate: readonly boolean[],
  cap: number,
): CappedPropensities {
  if (!(cap >= 0 && cap <= 1)) throw new RangeError(`candidate cap must be in [0, 1], got ${cap}`);
  if (propensities.length !== isCandidate.length) {
    throw new RangeError(`got ${propensities.length} propensities but ${isCandidate.length} candidate flags`);
  }
  const candidateTotal = sumOf(propensities.filter((_, k) => isCandidate[k]));
  if (candidateTotal <= cap) return { propensities, capped: false, uncappable: false };
  const others = isCandidate.filter((candidate) => !candidate).length;
  if (others === 0) return { propensities, capped: false, uncappable: true };
  const othersTotal = sumOf(propensities.filter((_, k) => !isCandidate[k]));
  const freed = candidateTotal - cap;
  const candidateScale = cap / candidateTotal;
  return {
    propensities: propensities.map(function capped(p, k) {
      if (isCandidate[k]) return p * candidateScale;
      // With a zero floor the others can all sit at 0; then they share the freed traffic equally.
      return othersTotal > 0 ? p + (freed * p) / othersTotal : freed / others;
    }),
    capped: true,
    uncappable: false,
  };
}

function sumOf(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
