/**
 * Off-policy evaluation: what success rate would another policy have had, estimated
 * from decisions logged with their propensities, without running it. Inverse
 * propensity scoring (IPS) and its self-normalised form (SNIPS).
 * @module
 */

/** One logged decision. */
export interface LoggedDecision {
  /** The arm chosen (its key). */
  readonly arm: string;
  /** The probability the logging policy had of choosing it, in (0, 1]. */
  readonly propensity: number;
  /** 1 for success, 0 for failure (resolved decisions only). */
  readonly reward: number;
  /**
   * How many identical decisions this entry stands for (same arm, propensity and
   * reward); default 1. Lets a store hand over grouped counts instead of one row
   * per decision.
   */
  readonly count?: number;
}

/** A target policy: probability of choosing each arm key; keys left out have probability 0. */
export type TargetPolicy = Readonly<Record<string, number>>;

/** The normal quantile of a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

/** An estimate of a success rate with its standard error. */
export interface RateEstimate {
  /** The estimator's value as computed; IPS's can lie above 1 (see {@link OffPolicyEstimate.ips}). */
  readonly estimate: number;
  readonly standardError: number;
  /**
   * The 95 % normal interval estimate ± 1.96·SE, clipped to [0, 1] because a
   * success rate cannot leave it.
   */
  readonly interval: readonly [number, number];
}

/** Everything the evaluation found. */
export interface OffPolicyEstimate {
  /** Logged decisions used. */
  readonly n: number;
  /** Logged decisions the target policy could have made too (π(arm) > 0). */
  readonly matched: number;
  /**
   * IPS: (1/n) Σ wᵢ rᵢ with wᵢ = π(aᵢ)/μᵢ; unbiased, high variance, and not
   * bounded by 1 (weights above 1 on successes can push it past 1 in a small or
   * lucky sample). Null when nothing matched.
   */
  readonly ips: RateEstimate | null;
  /** SNIPS: Σ wᵢ rᵢ / Σ wᵢ; slightly biased, much steadier, always in [0, 1]. Null when nothing matched. */
  readonly snips: RateEstimate | null;
  /** Kish's effective sample size (Σw)² / Σw²: how many on-policy decisions the log is worth. */
  readonly effectiveSampleSize: number;
  /** Why there is no estimate, when there is none. */
  readonly message?: string;
}

/**
 * Estimates the success rate of `target` from `log`. Standard errors: IPS uses the
 * sample variance of wᵢrᵢ over n; SNIPS the delta method,
 * √(Σ wᵢ² (rᵢ − V̂)²) / Σ wᵢ.
 * Entries with a `count` weigh as that many identical decisions.
 * @throws RangeError when a logged propensity is outside (0, 1], a reward is not 0 or
 *   1, a count is not a non-negative integer, or a target probability is outside [0, 1].
 */
export function evaluatePolicy(log: readonly LoggedDecision[], target: TargetPolicy): OffPolicyEstimate {
  for (const [key, probability] of Object.entries(target)) {
    if (!(probability >= 0 && probability <= 1)) {
      throw new RangeError(`target probability of ${key} must be in [0, 1], got ${probability}`);
    }
  }
  let n = 0;
  let matched = 0;
  let sumW = 0;
  let sumW2 = 0;
  let sumWR = 0;
  let sumW2R2 = 0;
  for (const [i, decision] of log.entries()) {
    assertDecision(i, decision);
    const c = decision.count ?? 1;
    const w = targetProbability(target, decision.arm) / decision.propensity;
    n += c;
    if (w > 0) matched += c;
    sumW += c * w;
    sumW2 += c * w * w;
    sumWR += c * w * decision.reward;
    sumW2R2 += c * w * w * decision.reward * decision.reward;
  }
  if (n === 0) return empty(0, "no logged decisions");
  if (matched === 0) return empty(n, "no logged decision matches the target policy");

  const ipsMean = sumWR / n;
  const ipsVariance = n > 1 ? (sumW2R2 - n * ipsMean * ipsMean) / (n - 1) : 0;
  const snipsMean = sumWR / sumW;
  let snipsSquares = 0;
  for (const decision of log) {
    const w = targetProbability(target, decision.arm) / decision.propensity;
    snipsSquares += (decision.count ?? 1) * w * w * (decision.reward - snipsMean) ** 2;
  }
  return {
    n,
    matched,
    ips: rateEstimate(ipsMean, Math.sqrt(Math.max(0, ipsVariance) / n)),
    snips: rateEstimate(snipsMean, Math.sqrt(snipsSquares) / sumW),
    effectiveSampleSize: effectiveSampleSize(sumW, sumW2),
  };
}

/** The deterministic policy that always chooses `arm` (e.g. the champion). */
export function championTarget(arm: string): TargetPolicy {
  return { [arm]: 1 };
}

/** The uniform policy over `arms` (A/B rotation). */
export function uniformTarget(arms: readonly string[]): TargetPolicy {
  return Object.fromEntries(arms.map((arm) => [arm, 1 / arms.length]));
}

/**
 * Kish's effective sample size (Σw)² / Σw² of importance weights; 0 when all are 0.
 */
export function kishEffectiveSampleSize(weights: readonly number[]): number {
  let sum = 0;
  let sumSquares = 0;
  for (const w of weights) {
    sum += w;
    sumSquares += w * w;
  }
  return effectiveSampleSize(sum, sumSquares);
}

function rateEstimate(estimate: number, standardError: number): RateEstimate {
  const clip = (x: number) => Math.min(1, Math.max(0, x));
  return {
    estimate,
    standardError,
    interval: [clip(estimate - Z_95 * standardError), clip(estimate + Z_95 * standardError)],
  };
}

function targetProbability(target: TargetPolicy, arm: string): number {
  return Object.hasOwn(target, arm) ? (target[arm] ?? 0) : 0;
}

function effectiveSampleSize(sum: number, sumSquares: number): number {
  return sumSquares === 0 ? 0 : (sum * sum) / sumSquares;
}

function empty(n: number, message: string): OffPolicyEstimate {
  return { n, matched: 0, ips: null, snips: null, effectiveSampleSize: 0, message };
}

function assertDecision(index: number, decision: LoggedDecision): void {
  if (!(decision.propensity > 0 && decision.propensity <= 1)) {
    throw new RangeError(`logged decision ${index} has propensity ${decision.propensity}, outside (0, 1]`);
  }
  if (decision.reward !== 0 && decision.reward !== 1) {
    throw new RangeError(`logged decision ${index} has reward ${decision.reward}, not 0 or 1`);
  }
  if (decision.count !== undefined && !(Number.isInteger(decision.count) && decision.count >= 0)) {
    throw new RangeError(`logged decision ${index} has count ${decision.count}, not an integer ≥ 0`);
  }
}
