/**
 * A simulation: every chosen policy on the same seeded customer streams (common
 * random numbers), over several seeds. In a scenario with a `reflection` block,
 * the product's policy runs twice per seed on the same streams: with reflection
 * (`thompson+reflection`) and without (`thompson`), so its effect is measured side
 * by side; the baselines never see reflection's arms.
 * @module
 */
import { createSeededRandom, DEFAULT_POSTERIOR_DRAWS, type DecisionRules, deriveSeed } from "../experiments/index.js";
import type { VerdictCounts } from "./decision-looks.js";
import { planMarket } from "./market.js";
import type { RunResult } from "./run-recorder.js";
import type { Scenario } from "./scenario-schema.js";
import { createSimPolicy, DEFAULT_POLICY_NAMES, type PolicyName, type PolicySettings } from "./sim-policies.js";
import { simulateRun } from "./simulator.js";

/** Seeds a simulation runs unless told otherwise. */
export const DEFAULT_SEEDS = 20;

/** The name of the product policy's run with simulated reflection. */
export const REFLECTION_RUN = "thompson+reflection";

/** What to simulate. Plain data, so it can be sent to a worker thread. */
export interface SimulationOptions {
  readonly scenario: Scenario;
  /** Policies to compare; default every one but `thompson-known-changes` (a bound). */
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
  /** Run the scenario's `reflection` block, if it has one; default true (false: `--no-reflection`). */
  readonly reflection?: boolean;
  /** Apply the arms' `follow_up` models; default true (false: `--no-follow-ups`). */
  readonly followUps?: boolean;
}

/** One run of a seed: the name it is reported under, the policy, and whether reflection is on. */
export interface RunPlan {
  readonly name: string;
  readonly policy: PolicyName;
  readonly reflection: boolean;
}

/** The seeds a simulation runs, in order. */
export function simulationSeeds(options: SimulationOptions): number[] {
  const { seeds = DEFAULT_SEEDS, firstSeed = 1 } = options;
  if (!(Number.isInteger(seeds) && seeds >= 1)) throw new RangeError(`seeds must be a positive integer, got ${seeds}`);
  return Array.from({ length: seeds }, (_, i) => firstSeed + i);
}

/** The policies a simulation runs, in order (see {@link simulationRuns} for the runs of each seed). */
export function simulationPolicies(options: SimulationOptions): readonly PolicyName[] {
  return options.policies ?? (reflectionOn(options) ? ["thompson"] : DEFAULT_POLICY_NAMES);
}

/** True when the simulation runs the scenario's reflection block. */
export function reflectionOn(options: SimulationOptions): boolean {
  return options.scenario.reflection !== undefined && options.reflection !== false;
}

/**
 * The runs of each seed, in report order: every policy, and with reflection on,
 * `thompson+reflection` just before `thompson` (default policies then: thompson only).
 */
export function simulationRuns(options: SimulationOptions): readonly RunPlan[] {
  const on = reflectionOn(options);
  const policies = simulationPolicies(options);
  return policies.flatMap((policy): RunPlan[] => [
    ...(on && policy === "thompson" ? [{ name: REFLECTION_RUN, policy, reflection: true }] : []),
    { name: policy, policy, reflection: false },
  ]);
}

/**
 * Runs every policy on the customer stream of one seed.
 * @param onRun called after each policy's run.
 */
export function runSeed(options: SimulationOptions, seed: number, onRun?: (run: RunResult) => void): RunResult[] {
  const { scenario, looks = true, verdictDraws = DEFAULT_POSTERIOR_DRAWS } = options;
  const market = planMarket(scenario);
  const customers = options.customers ?? scenario.customers;
  const block = reflectionOn(options) ? scenario.reflection : undefined;
  return simulationRuns(options).map(function runPolicy({ name, policy: policyName, reflection }) {
    const policy = createSimPolicy(
      policyName,
      seed,
      market.stages.map((stage) => stage.windowMs),
      options.policySettings,
    );
    const thompson = options.policySettings?.thompson;
    const run = simulateRun(
      {
        market,
        customers,
        arrivalsPerDay: scenario.arrivals_per_day,
        seed,
        ...(options.followUps === false ? { followUps: false } : {}),
        ...(options.curvePoints === undefined ? {} : { curvePoints: options.curvePoints }),
        ...(reflection && block
          ? {
              reflection: {
                block,
                settings: {
                  ...(thompson?.burnIn === undefined ? {} : { burnIn: thompson.burnIn }),
                  ...(thompson?.draws === undefined ? {} : { draws: thompson.draws }),
                  ...(thompson?.prior === undefined ? {} : { prior: thompson.prior }),
                },
              },
            }
          : {}),
        looks:
          looks && !reflection
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
    const named = name === run.policy ? run : { ...run, policy: name };
    onRun?.(named);
    return named;
  });
}

/**
 * Runs the whole simulation in this thread, seed after seed.
 * @param onRun called after each (seed, policy) run, e.g. for a progress bar.
 */
export function runSimulation(options: SimulationOptions, onRun?: (run: RunResult) => void): RunResult[] {
  return simulationSeeds(options).flatMap((seed) => runSeed(options, seed, onRun));
}
