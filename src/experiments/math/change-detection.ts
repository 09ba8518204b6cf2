/**
 * Change detection per arm: a two-sided Bernoulli CUSUM on the arm's resolved
 * outcomes in order, each outcome judged against the arm's own posterior
 * predictive from the outcomes before it; its threshold from a false-alarm budget;
 * and the down-weighting of evidence from before a detected change.
 * @module
 */
import type { BetaPosterior, OutcomeCounts } from "./beta-posterior.js";

/** Default odds ratio of the shift to detect: the odds of success doubling or halving. */
export const DEFAULT_CHANGE_ODDS_RATIO = 2;

/** Default budget: P(a false alarm on a stable arm within a month) ≤ 1%. */
export const DEFAULT_FALSE_ALARM_RATE = 0.01;

/** Default weight of outcomes from before a detected change point. */
export const DEFAULT_PRE_CHANGE_WEIGHT = 0.1;

/**
 * The CUSUM threshold h that keeps the chance of any false alarm on a stable arm
 * within `outcomesPerMonth` resolved outcomes at most α:
 *
 *   h = ln(2 · N / α)   (N outcomes per arm per month, two sides).
 *
 * Arithmetic: each side's statistic is S_t = max over k ≤ t of Σ_{j=k..t} ℓ_j, with ℓ_j
 * the log-likelihood ratio of outcome j (see {@link cusum}). Under the stable model
 * E[e^{ℓ_j} | past] = 1 (ℓ_j is computed against the posterior predictive, so this holds
 * exactly for the Bayesian marginal), so for each start k the product Π e^{ℓ_j} is a
 * non-negative martingale and by Ville's inequality reaches e^h with probability
 * ≤ e^{−h}. A union bound over the N starts and the 2 sides gives P(alarm within N)
 * ≤ 2N e^{−h} = α. Equivalently the in-control average run length is ≥ e^h / 2 per
 * arm (Lorden 1971). Example: N = 1,000 outcomes a month, α = 1% gives h = ln(200,000)
 * ≈ 12.2; with p = 0.2 doubling its odds (to 1/3) the KL rate is 0.049 nats per
 * outcome, so the expected detection delay is about h / KL ≈ 250 outcomes.
 * @throws RangeError when N < 1 or α is not in (0, 1).
 */
export function cusumThreshold(outcomesPerMonth: number, falseAlarmRate = DEFAULT_FALSE_ALARM_RATE): number {
  if (!(outcomesPerMonth >= 1) || !Number.isFinite(outcomesPerMonth)) {
    throw new RangeError(`outcomesPerMonth must be ≥ 1, got ${outcomesPerMonth}`);
  }
  if (!(falseAlarmRate > 0 && falseAlarmRate < 1)) {
    throw new RangeError(`falseAlarmRate must be in (0, 1), got ${falseAlarmRate}`);
  }
  return Math.log((2 * outcomesPerMonth) / falseAlarmRate);
}

/** Options of {@link cusum}. */
export interface CusumOptions {
  /** The arm's prior (the predictive starts from it). */
  readonly prior: BetaPosterior;
  /** Threshold h > 0, in nats; see {@link cusumThreshold}. */
  readonly threshold: number;
  /** Odds ratio R > 1 of the shift to detect, each way; default 2. */
  readonly oddsRatio?: number;
}

/** What {@link cusum} found. */
export interface CusumResult {
  /** Index (0-based) of the outcome at which a side first reached the threshold; absent when none did. */
  readonly alarmIndex?: number;
  /**
   * Estimated change point: the index of the first outcome after the alarming side
   * last stood at 0 (the maximum-likelihood start of the shift under the CUSUM); absent
   * when there was no alarm.
   */
  readonly changeIndex?: number;
  /** Which way the rate moved. */
  readonly direction?: "up" | "down";
  /** The two statistics after the last outcome read (at the alarm, or at the end). */
  readonly up: number;
  readonly down: number;
}

/**
 * A two-sided Bernoulli CUSUM (Page 1954; Steiner et al. 2000 for the odds-ratio
 * form) on resolved outcomes in order. Outcome t is judged against q_t, the posterior
 * predictive P(success) of the arm from its prior and outcomes 0..t−1; the
 * alternative is "the odds moved by R" (up) or "by 1/R" (down). The log-likelihood
 * ratio of outcome x ∈ {0, 1} against q for odds ratio R is
 *
 *   ℓ = x · ln R − ln(1 − q + R q),
 *
 * and each side is S_t = max(0, S_{t−1} + ℓ_t). Stops at the first alarm (S ≥ h).
 * The reference is self-starting: after a change it slowly follows the new rate, so
 * an arm with few old outcomes is detected later than a fixed reference would be;
 * the caller resets the arm (prior = its down-weighted posterior) after an alarm.
 * @throws RangeError when h ≤ 0 or R ≤ 1.
 */
export function cusum(outcomes: readonly boolean[], options: CusumOptions): CusumResult {
  const { prior, threshold } = options;
  const ratio = options.oddsRatio ?? DEFAULT_CHANGE_ODDS_RATIO;
  if (!(threshold > 0)) throw new RangeError(`threshold must be > 0, got ${threshold}`);
  if (!(ratio > 1) || !Number.isFinite(ratio)) throw new RangeError(`oddsRatio must be > 1, got ${ratio}`);
  let alpha = prior.alpha;
  let beta = prior.beta;
  const state: CusumState = { up: 0, down: 0, upStart: 0, downStart: 0 };
  for (let t = 0; t < outcomes.length; t++) {
    const x = outcomes[t] === true;
    const side = cusumStep(state, t, x, alpha / (alpha + beta), ratio, threshold);
    if (side !== undefined) {
      const changeIndex = side === "up" ? state.upStart : state.downStart;
      return { alarmIndex: t, changeIndex, direction: side, up: state.up, down: state.down };
    }
    alpha += x ? 1 : 0;
    beta += x ? 0 : 1;
  }
  return { up: state.up, down: state.down };
}

/** The running state of a two-sided CUSUM (see {@link cusumStep}). */
export interface CusumState {
  up: number;
  down: number;
  /** Index of the first outcome after the up side last stood at 0. */
  upStart: number;
  downStart: number;
}

/**
 * One step of {@link cusum}: reads outcome number `t` (success `x`) judged against the
 * predictive probability `q`, updates `state` in place and returns the side that
 * reached `threshold`, if any.
 */
export function cusumStep(
  state: CusumState,
  t: number,
  x: boolean,
  q: number,
  ratio: number,
  threshold: number,
): "up" | "down" | undefined {
  const lnR = Math.log(ratio);
  const s = x ? 1 : 0;
  state.up = Math.max(0, state.up + s * lnR - Math.log(1 - q + ratio * q));
  state.down = Math.max(0, state.down - s * lnR - Math.log(1 - q + q / ratio));
  if (state.up === 0) state.upStart = t + 1;
  if (state.down === 0) state.downStart = t + 1;
  if (state.up >= threshold) return "up";
  if (state.down >= threshold) return "down";
  return undefined;
}

/**
 * Success and failure counts with the outcomes before `changeIndex` weighted by
 * `weight` (in [0, 1]) and the rest fully: after an alarm the arm's posterior
 * forgets most of the old regime at once, and only that arm's. Weight 0 drops the
 * old evidence; weight 1 keeps it unchanged.
 * @throws RangeError when the weight is outside [0, 1] or the index outside [0, n].
 */
export function downweightBeforeChange(
  outcomes: readonly boolean[],
  changeIndex: number,
  weight = DEFAULT_PRE_CHANGE_WEIGHT,
): OutcomeCounts {
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`weight must be in [0, 1], got ${weight}`);
  if (!(Number.isInteger(changeIndex) && changeIndex >= 0 && changeIndex <= outcomes.length)) {
    throw new RangeError(`changeIndex must be an integer in [0, ${outcomes.length}], got ${changeIndex}`);
  }
  let successes = 0;
  let failures = 0;
  outcomes.forEach((success, i) => {
    const w = i < changeIndex ? weight : 1;
    if (success) successes += w;
    else failures += w;
  });
  return { successes, failures };
}
