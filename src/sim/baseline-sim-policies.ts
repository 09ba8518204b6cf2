/**
 * The baselines Thompson sampling is compared with, as simulator policies: the
 * pure policies of `src/experiments` choosing from the resolved counts the
 * simulator hands over, each with its own random stream.
 * @module
 */
import {
  type BanditPolicy,
  epsilonGreedyPolicy,
  oraclePolicy,
  type Random,
  ucb1Policy,
  uniformPolicy,
} from "../experiments/index.js";
import type { SimDecision, SimPolicy } from "./sim-policy.js";

/** A baseline that learns only from the counts in each decision. */
export function countingSimPolicy(policy: BanditPolicy, rng: Random): SimPolicy {
  return {
    name: policy.name,
    observe() {},
    choose(decision) {
      return policy.choose(decision.arms, rng).index;
    },
  };
}

/** A/B rotation. */
export function uniformSimPolicy(rng: Random): SimPolicy {
  return countingSimPolicy(uniformPolicy, rng);
}

/** ε-greedy with the given ε (default 0.1). */
export function epsilonGreedySimPolicy(rng: Random, epsilon?: number): SimPolicy {
  return countingSimPolicy(epsilonGreedyPolicy(epsilon), rng);
}

/** UCB1. */
export function ucb1SimPolicy(rng: Random): SimPolicy {
  return countingSimPolicy(ucb1Policy(), rng);
}

/** The oracle: the best arm at the moment of each decision (regret 0). */
export function oracleSimPolicy(rng: Random): SimPolicy {
  let cachedFor: readonly number[] | undefined;
  let cached: BanditPolicy | undefined;
  return {
    name: "oracle",
    observe() {},
    choose(decision: SimDecision) {
      if (cached === undefined || cachedFor !== decision.trueP) {
        cached = oraclePolicy(decision.trueP);
        cachedFor = decision.trueP;
      }
      return cached.choose(decision.arms, rng).index;
    },
  };
}
