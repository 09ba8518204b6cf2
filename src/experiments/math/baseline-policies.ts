/**
 * Baseline bandit policies the simulator compares Thompson sampling with. Each one
 * chooses from the resolved counts it is given and nothing else (the oracle aside,
 * which is told the truth), and reports the propensity of its choice.
 * @module
 */
import type { OutcomeCounts } from "./beta-posterior.js";
import type { Random } from "./random.js";
import { randomIndex } from "./random-variates.js";
import type { ArmChoice } from "./thompson-weights.js";

/** The default exploration rate ε of {@link epsilonGreedyPolicy}. */
export const DEFAULT_EPSILON = 0.1;

/** A policy that picks one arm per decision from the arms' resolved counts. */
export interface BanditPolicy {
  readonly name: string;
  /**
   * Chooses an arm. `stats[k]` holds arm k's resolved successes and failures.
   * @throws RangeError when `stats` is empty.
   */
  choose(stats: readonly OutcomeCounts[], rng: Random): ArmChoice;
}

/** A/B rotation: every arm with probability 1/K (one draw from `rng`). */
export const uniformPolicy: BanditPolicy = Object.freeze({
  name: "uniform",
  choose: function chooseUniform(stats: readonly OutcomeCounts[], rng: Random): ArmChoice {
    assertArms(stats);
    return { index: randomIndex(rng, stats.length), propensity: 1 / stats.length };
  },
});

/**
 * ε-greedy: with probability ε a uniformly random arm, otherwise the arm with the
 * highest observed success rate (arms without outcomes count as rate 0; ties are
 * broken uniformly at random). The propensity is exact:
 * ε/K + (1 − ε)/|ties| for a greedy arm, ε/K for any other.
 * @param epsilon in [0, 1]; default 0.1.
 * @throws RangeError when `epsilon` is outside [0, 1].
 */
export function epsilonGreedyPolicy(epsilon: number = DEFAULT_EPSILON): BanditPolicy {
  if (!(epsilon >= 0 && epsilon <= 1)) throw new RangeError(`epsilon must be in [0, 1], got ${epsilon}`);
  return {
    name: "epsilon-greedy",
    choose: function chooseEpsilonGreedy(stats, rng) {
      assertArms(stats);
      const arms = stats.length;
      const greedy = argmaxAll(stats.map(observedRate));
      const explore = rng.next() < epsilon;
      const index = explore ? randomIndex(rng, arms) : greedy[randomIndex(rng, greedy.length)]!;
      const isGreedy = greedy.includes(index);
      return { index, propensity: epsilon / arms + (isGreedy ? (1 - epsilon) / greedy.length : 0) };
    },
  };
}

/**
 * UCB1 (Auer, Cesa-Bianchi and Fischer 2002): first every arm without a resolved
 * outcome (a random one of them), then the arm maximising
 * rate_k + √(2 ln N / n_k), N the total of resolved outcomes. Ties are broken
 * uniformly at random; the propensity is 1/|candidates|.
 */
export function ucb1Policy(): BanditPolicy {
  return {
    name: "ucb1",
    choose: function chooseUcb1(stats, rng) {
      assertArms(stats);
      const unplayed = stats.flatMap((arm, k) => (resolved(arm) === 0 ? [k] : []));
      const candidates =
        unplayed.length > 0 ? unplayed : argmaxAll(stats.map((arm) => upperConfidenceBound(arm, totalResolved(stats))));
      return { index: candidates[randomIndex(rng, candidates.length)]!, propensity: 1 / candidates.length };
    },
  };
}

/**
 * The oracle: always the arm with the highest true success probability (the first
 * of ties), propensity 1. Its regret is 0 by definition; it is the yardstick.
 * @throws RangeError (from `choose`) when `trueP` and `stats` differ in length.
 */
export function oraclePolicy(trueP: readonly number[]): BanditPolicy {
  const best = argmaxAll(trueP)[0] ?? 0;
  return {
    name: "oracle",
    choose: function chooseOracle(stats) {
      assertArms(stats);
      if (stats.length !== trueP.length) {
        throw new RangeError(`oracle knows ${trueP.length} arms but was given ${stats.length}`);
      }
      return { index: best, propensity: 1 };
    },
  };
}

function upperConfidenceBound(arm: OutcomeCounts, total: number): number {
  return observedRate(arm) + Math.sqrt((2 * Math.log(total)) / resolved(arm));
}

function observedRate(arm: OutcomeCounts): number {
  const n = resolved(arm);
  return n === 0 ? 0 : arm.successes / n;
}

function resolved(arm: OutcomeCounts): number {
  return arm.successes + arm.failures;
}

function totalResolved(stats: readonly OutcomeCounts[]): number {
  let total = 0;
  for (const arm of stats) total += resolved(arm);
  return total;
}

/** Every index holding the maximum value. */
function argmaxAll(values: readonly number[]): number[] {
  const top = Math.max(...values);
  return values.flatMap((v, k) => (v === top ? [k] : []));
}

function assertArms(stats: readonly OutcomeCounts[]): void {
  if (stats.length === 0) throw new RangeError("a policy needs at least one arm to choose from");
}
