/**
 * The policies `closer simulate` compares, by name, each built for one run with
 * its own random stream derived from the run's seed.
 * @module
 */
import { createSeededRandom, deriveSeed, LEARNING_OFF } from "../experiments/index.js";
import { epsilonGreedySimPolicy, oracleSimPolicy, ucb1SimPolicy, uniformSimPolicy } from "./baseline-sim-policies.js";
import type { SimPolicy } from "./sim-policy.js";
import { type ThompsonSimSettings, thompsonSimPolicy } from "./thompson-sim-policy.js";

/** Every policy the simulator knows, in the order reports list them. */
export const POLICY_NAMES = [
  "thompson",
  "thompson-known-changes",
  "thompson-basic",
  "thompson-sliding",
  "uniform",
  "epsilon-greedy",
  "ucb1",
  "oracle",
] as const;

/**
 * The policies a simulation compares unless told otherwise: every one but
 * `thompson-known-changes`, a bound asked for by name.
 */
export const DEFAULT_POLICY_NAMES: readonly PolicyName[] = POLICY_NAMES.filter(
  (name) => name !== "thompson-known-changes",
);

/** The exploration floor of the policy as shipped before issue 15 (`thompson-basic`); the product's is now 0.01. */
export const BASIC_FLOOR = 0.02;

/** Days of outcomes `thompson-sliding` counts, unless told otherwise. */
export const DEFAULT_SLIDING_WINDOW_DAYS = 14;

/** A policy name. */
export type PolicyName = (typeof POLICY_NAMES)[number];

/** Settings of the policies that have any. */
export interface PolicySettings {
  readonly thompson?: ThompsonSimSettings;
  /** Days of resolved outcomes `thompson-sliding` counts; default 14. */
  readonly slidingWindowDays?: number;
  /** ε of ε-greedy; default 0.1. */
  readonly epsilon?: number;
}

/** True when `name` is a known policy. */
export function isPolicyName(name: string): name is PolicyName {
  return (POLICY_NAMES as readonly string[]).includes(name);
}

/**
 * Builds policy `name` for the run with seed `seed`, drawing from the stream
 * `deriveSeed(seed, "policy:<name>")`. `thompson` is the product's policy with its
 * learning defaults (given the stages' windows); `thompson-basic` the same with every
 * learning switch off and the floor of 0.02 (the policy as shipped before issue 15); `thompson-sliding`
 * counts only the outcomes of the last `slidingWindowDays`; `thompson-known-changes` is `thompson`
 * told the moment each arm's true p changes (the bound on what change detection can add).
 * @param stages the number of stages, or each stage's conversion window in ms.
 */
export function createSimPolicy(
  name: PolicyName,
  seed: number,
  stages: number | readonly number[],
  settings: PolicySettings = {},
): SimPolicy {
  const rng = createSeededRandom(deriveSeed(seed, `policy:${name}`));
  switch (name) {
    case "thompson":
      return thompsonSimPolicy(rng, stages, settings.thompson);
    case "thompson-known-changes":
      return thompsonSimPolicy(rng, stages, { ...settings.thompson, knownChanges: true, name });
    case "thompson-basic":
      return thompsonSimPolicy(rng, stages, {
        floor: BASIC_FLOOR,
        ...settings.thompson,
        learning: LEARNING_OFF,
        name,
      });
    case "thompson-sliding":
      return thompsonSimPolicy(rng, stages, {
        ...settings.thompson,
        learning: LEARNING_OFF,
        slidingWindowDays: settings.slidingWindowDays ?? DEFAULT_SLIDING_WINDOW_DAYS,
        name,
      });
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
