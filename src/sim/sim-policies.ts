/**
 * The policies `closer simulate` compares, by name, each built for one run with
 * its own random stream derived from the run's seed.
 * @module
 */
import { createSeededRandom, deriveSeed } from "../experiments/index.js";
import { epsilonGreedySimPolicy, oracleSimPolicy, ucb1SimPolicy, uniformSimPolicy } from "./baseline-sim-policies.js";
import type { SimPolicy } from "./sim-policy.js";
import { type ThompsonSimSettings, thompsonSimPolicy } from "./thompson-sim-policy.js";

/** Every policy the simulator knows, in the order reports list them. */
export const POLICY_NAMES = ["thompson", "uniform", "epsilon-greedy", "ucb1", "oracle"] as const;

/** A policy name. */
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Settings of the policies that have any. */
export interface PolicySettings {
  readonly thompson?: ThompsonSimSettings;
  /** ε of ε-greedy; default 0.1. */
  readonly epsilon?: number;
}

/** True when `name` is a known policy. */
export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/**
 * Builds policy `name` for the run with seed `seed`, drawing from the stream
 * `deriveSeed(seed, "policy:<name>")`.
 */
export function createSimPolicy(
  name: PolicyName,
  seed: number,
  stages: number,
  settings: PolicySettings = {},
): SimPolicy {
  const rng = createSeededRandom(deriveSeed(seed, `policy:${name}`));
  switch (name) {
    case "thompson":
      return thompsonSimPolicy(rng, stages, settings.thompson);
    case "uniform":
      return uniformSimPolicy(rng);
    case "epsilon-greedy":
      return epsilonGreedySimPolicy(rng, settings.epsilon);
    case "ucb1":
      return ucb1SimPolicy(rng);
    case "oracle":
      return oracleSimPolicy(rng);
  }
}
