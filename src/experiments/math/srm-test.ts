/**
 * The sample-ratio-mismatch (SRM) check: do the observed assignment counts per arm
 * match what the logged propensities say they should be? A mismatch means the
 * assignment or logging is broken, and every statistic built on it is suspect.
 * @module
 */
import { regularizedUpperGamma } from "./special-functions.js";

/** An SRM alarm is raised when the χ² p-value falls below this. */
export const SRM_ALARM_P_VALUE = 0.001;

/** The outcome of an SRM test. */
export interface SrmResult {
  /** Pearson's χ² statistic; +∞ when an arm was assigned although it had no chance to be. */
  readonly statistic: number;
  /** Degrees of freedom: arms taking part in the test minus 1. */
  readonly degreesOfFreedom: number;
  /** P(χ² ≥ statistic) under "assignment followed the propensities". */
  readonly pValue: number;
  /** `pValue < SRM_ALARM_P_VALUE`. */
  readonly alarm: boolean;
  /** Set when the test could not run or found an impossible assignment. */
  readonly message?: string;
}

/**
 * χ² goodness-of-fit of observed assignment counts against expected counts. The
 * expected count of an arm is the sum, over every decision of the stage, of the
 * propensity the arm had at that decision; so expected counts sum to the number of
 * decisions. They are rescaled to the observed total, which only matters if the two
 * disagree (e.g. decisions of some arm left out).
 *
 * Arms with 0 expected and 0 observed take no part. An arm observed although it had
 * 0 expected is an impossible assignment: p-value 0 and an alarm. Fewer than two arms
 * taking part, or no assignments at all, gives p-value 1, no alarm and a message.
 * @param observed assignments per arm.
 * @param expected Σ propensities per arm, same order.
 * @throws RangeError when the lists differ in length or hold negative or non-finite counts.
 */
export function srmTest(observed: readonly number[], expected: readonly number[]): SrmResult {
  if (observed.length !== expected.length) {
    throw new RangeError(`got ${observed.length} observed counts but ${expected.length} expected counts`);
  }
  assertCounts("observed", observed);
  assertCounts("expected", expected);
  const observedTotal = sum(observed);
  const expectedTotal = sum(expected);
  if (observedTotal === 0 || expectedTotal === 0) {
    return inconclusive(observedTotal === 0 ? "no assignments yet" : "no expected assignments (all propensities 0)");
  }
  const impossible = observed.findIndex((count, k) => count > 0 && expected[k] === 0);
  if (impossible >= 0) {
    return {
      statistic: Number.POSITIVE_INFINITY,
      degreesOfFreedom: observed.filter((count, k) => count > 0 || expected[k]! > 0).length - 1,
      pValue: 0,
      alarm: true,
      message: `arm ${impossible} was assigned ${observed[impossible]} times with an expected count of 0`,
    };
  }
  const scale = observedTotal / expectedTotal;
  let statistic = 0;
  let cells = 0;
  for (const [k, count] of observed.entries()) {
    const expectedCount = expected[k]! * scale;
    if (expectedCount === 0) continue;
    cells += 1;
    statistic += (count - expectedCount) ** 2 / expectedCount;
  }
  if (cells < 2) return inconclusive("only one arm had a chance of assignment; nothing to compare");
  const degreesOfFreedom = cells - 1;
  const pValue = chiSquarePValue(statistic, degreesOfFreedom);
  return { statistic, degreesOfFreedom, pValue, alarm: pValue < SRM_ALARM_P_VALUE };
}

/**
 * P(X ≥ statistic) for X ~ χ²(degreesOfFreedom): the regularized upper incomplete
 * gamma function Q(df/2, statistic/2).
 * @throws RangeError when `degreesOfFreedom` is not positive.
 */
export function chiSquarePValue(statistic: number, degreesOfFreedom: number): number {
  if (!(degreesOfFreedom > 0)) throw new RangeError(`degrees of freedom must be > 0, got ${degreesOfFreedom}`);
  return regularizedUpperGamma(degreesOfFreedom / 2, statistic / 2);
}

function inconclusive(message: string): SrmResult {
  return { statistic: 0, degreesOfFreedom: 0, pValue: 1, alarm: false, message };
}

function assertCounts(name: string, counts: readonly number[]): void {
  for (const [k, count] of counts.entries()) {
    if (!(count >= 0) || !Number.isFinite(count))
      throw new RangeError(`${name} count of arm ${k} must be finite and ≥ 0, got ${count}`);
  }
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}
