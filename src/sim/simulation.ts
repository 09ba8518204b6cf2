/**
 * A simulation: every chosen policy on the same seeded customer streams (common
 * random numbers), over several seeds.
 * @module
 */
import { createSeededRandom, DEFAULT_POSTERIOR_DRAWS, type DecisionRules, deriveSeed } from "../experiments/index.js";
import type { VerdictCounts } from "./decision-looks.js";
import { planMarket } from "./market.js";
import type { RunResult } from "./run-recorder.js";
import type { Scenario } from "./scenario-schema.js";
import { createSimPolicy, POLICY_NAMES, type PolicyName, type PolicySettings } from "./sim-policies.js";
import { simulateRun } from "./simulator.js";

/** Seeds a simulation runs unless told otherwise. */
export const DEFAULT_SEEDS = 20;

/** What to simulate. Plain data, so it can be sent to a worker thread. */
export interface SimulationOptions {
  readonly scenario: Scenario;
  /** Policies to compare; default all five. */
  readonly policies?: readonly PolicyName[];
  /** Number of seeds (independent customer streams); default 20. */
  readonly seeds?: number;
  /** The first seed; the run seeds are firstSeed, firstSeed + 1, …; default 1. */
  readonly firstSeed?: number;
  /** Customers per run; default the scenario's. */
  readonly customers?: number;
  readonly policySettings?: PolicySettings;
  /** Daily verdict looks for decision quality; default true. */
  readonly looks?: boolean;
  /** Posterior draws per verdict; default 10,000. */
  readonly verdictDraws?: number;
  /** Overrides of the decision rules; default issue 4's. */
  readonly rules?: Partial<DecisionRules>;
  /** Points of the curves; default 100. */
  readonly curvePoints?: number;
  /** What the verdict counts; default `matured`, as the product does. */
  readonly verdictCounts?: VerdictCounts;
}

/** The seeds a simulation runs, in order. */
export function simulationSeeds(options: SimulationOptions): number[] {
  const { seeds = DEFAULT_SEEDS, firstSeed = 1 } = options;
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new RangeError(`seeds must be a positive integer, got ${seeds}`);
  return Array.from({ length: seeds }, (_, i) => firstSeed + i);
}

/** The policies a simulation runs, in order. */
export function simulationPolicies(options: SimulationOptions): readonly PolicyName[] {
  return options.policies ?? POLICY_NAMES;
}

/**
 * Runs every policy on the customer stream of one seed.
 * @param onRun called after each policy's run.
 */
export function runSeed(options: SimulationOptions, seed: number, onRun?: (run: RunResult) => void): RunResult[] {
  const { scenario, looks = true, verdictDraws = DEFAULT_POSTERIOR_DRAWS } = options;
  const market = planMarket(scenario);
  const customers = options.customers ?? scenario.customers;
  return simulationPolicies(options).map(function runPolicy(name) {
    const policy = createSimPolicy(name, seed, market.stages.length, options.policySettings);
    const run = simulateRun(
      {
        market,
        customers,
        arrivalsPerDay: scenario.arrivals_per_day,
        seed,
        ...(options.curvePoints === undefined ? {} : { curvePoints: options.curvePoints }),
        looks: looks
          ? {
              rng: createSeededRandom(deriveSeed(seed, `verdict:${name}`)),
              draws: verdictDraws,
              ...(options.rules ? { rules: options.rules } : {}),
              ...(options.verdictCounts ? { counts: options.verdictCounts } : {}),
            }
          : false,
      },
      policy,
    );
    onRun?.(run);
    return run;
  });
}

/**
 * Runs the whole simulation in this thread, seed after seed.
 * @param onRun called after each (seed, policy) run, e.g. for a progress bar.
 */
export function runSimulation(options: SimulationOptions, onRun?: (run: RunResult) => void): RunResult[] {
  return simulationSeeds(options).flatMap((seed) => runSeed(options, seed, onRun));
}
