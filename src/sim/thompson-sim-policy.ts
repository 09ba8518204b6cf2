/**
 * The product's own policy in simulated time: Thompson-sampling weights from
 * `src/experiments` (floor, burn-in, candidate cap, posterior draws), recomputed on
 * the product's schedule from the outcomes resolved by then, and after an arm joins
 * the rotation or changes status; each assignment drawn with `chooseArm`, as the engine does.
 * @module
 */
import {
  type BetaPosterior,
  chooseArm,
  createSeededRandom,
  DEFAULT_BURN_IN,
  DEFAULT_CANDIDATE_CAP,
  DEFAULT_POSTERIOR_DRAWS,
  DEFAULT_WEIGHT_FLOOR,
  type PolicyArm,
  type Random,
  thompsonWeights,
  UNIFORM_PRIOR,
} from "../experiments/index.js";
import { MS_PER_HOUR } from "./market.js";
import type { SimDecision, SimOutcome, SimPolicy } from "./sim-policy.js";

/** The product's default weight schedule: hourly (the `WEIGHTS_CRON` default). */
export const DEFAULT_RECOMPUTE_HOURS = 1;

/** Settings of the simulated product policy; defaults are the product's. */
export interface ThompsonSimSettings {
  /** Hours between weight recomputations; default 1. */
  readonly recomputeHours?: number;
  /** Exploration floor; default 0.02. */
  readonly floor?: number;
  /** Resolved outcomes every arm needs before reweighting; default 20. */
  readonly burnIn?: number;
  /** Posterior draws per recomputation; default 10,000. */
  readonly draws?: number;
  /** Most traffic candidate arms may get; default 0.1. */
  readonly candidateCap?: number;
  /** Prior of every arm; default Beta(1, 1). */
  readonly prior?: BetaPosterior;
}

/** Per stage: resolved counts, the counts the current weights were computed from, and the weights. */
interface StageState {
  successes: number[];
  failures: number[];
  /** Counts as of the last schedule point (or arm change), waiting to be turned into weights. */
  pending: { successes: number[]; failures: number[] } | null;
  propensities: readonly number[];
  /** The arms' statuses the propensities were computed for, e.g. `"active,candidate"`. */
  statuses: string;
  recomputations: number;
}

/**
 * Creates the product policy for one run.
 * @param rng the policy's own stream: one draw seeds each recomputation (as the product
 *   stores a seed with each policy version), one draw picks each arm.
 * @param stages the number of stages in the funnel.
 */
export function thompsonSimPolicy(rng: Random, stages: number, settings: ThompsonSimSettings = {}): ThompsonSimPolicy {
  return new ThompsonSimPolicy(rng, stages, settings);
}

/**
 * The product policy under simulation. Recomputation is lazy but exact: the
 * counts are frozen at each schedule point, and the weights are computed from them
 * when the stage next needs a decision (hours without a decision in a stage cost nothing).
 */
export class ThompsonSimPolicy implements SimPolicy {
  readonly name = "thompson";
  readonly #rng: Random;
  readonly #periodMs: number;
  readonly #settings: Required<Omit<ThompsonSimSettings, "recomputeHours">>;
  readonly #stages: StageState[];
  #tick = -1;

  constructor(rng: Random, stages: number, settings: ThompsonSimSettings) {
    const {
      recomputeHours = DEFAULT_RECOMPUTE_HOURS,
      floor = DEFAULT_WEIGHT_FLOOR,
      burnIn = DEFAULT_BURN_IN,
      draws = DEFAULT_POSTERIOR_DRAWS,
      candidateCap = DEFAULT_CANDIDATE_CAP,
      prior = UNIFORM_PRIOR,
    } = settings;
    if (!(recomputeHours > 0)) throw new RangeError(`recomputeHours must be > 0, got ${recomputeHours}`);
    this.#rng = rng;
    this.#periodMs = recomputeHours * MS_PER_HOUR;
    this.#settings = { floor, burnIn, draws, candidateCap, prior };
    this.#stages = Array.from({ length: stages }, () => ({
      successes: [],
      failures: [],
      pending: null,
      propensities: [],
      statuses: "",
      recomputations: 0,
    }));
  }

  /** Weight recomputations made so far, per stage. */
  get recomputations(): readonly number[] {
    return this.#stages.map((stage) => stage.recomputations);
  }

  observe(outcome: SimOutcome): void {
    this.#catchUp(outcome.resolvedAt);
    const stage = this.#stages[outcome.stage]!;
    const counts = outcome.success ? stage.successes : stage.failures;
    counts[outcome.arm] = (counts[outcome.arm] ?? 0) + 1;
  }

  choose(decision: SimDecision): number {
    this.#catchUp(decision.now);
    const stage = this.#stages[decision.stage]!;
    // A new arm or a changed status: the product recomputes at once, from the counts of this moment.
    const statuses = statusesOf(decision.arms);
    if (statuses !== stage.statuses) stage.pending = snapshot(stage);
    if (stage.pending !== null) this.#recompute(stage, decision);
    return chooseArm(stage.propensities, this.#rng).index;
  }

  /** Freezes every stage's counts at each schedule point passed since the last call. */
  #catchUp(now: number): void {
    const tick = Math.floor(now / this.#periodMs);
    if (tick <= this.#tick) return;
    this.#tick = tick;
    for (const stage of this.#stages) stage.pending = snapshot(stage);
  }

  #recompute(stage: StageState, decision: SimDecision): void {
    const counts = stage.pending!;
    const seed = Math.floor(this.#rng.next() * 2 ** 31);
    const result = thompsonWeights({
      arms: decision.arms.map((arm, k) => ({
        key: arm.key,
        status: arm.status,
        successes: counts.successes[k] ?? 0,
        failures: counts.failures[k] ?? 0,
      })),
      ...this.#settings,
      rng: createSeededRandom(seed),
    });
    stage.propensities = result.propensities;
    stage.statuses = statusesOf(decision.arms);
    stage.pending = null;
    stage.recomputations++;
  }
}

function statusesOf(arms: readonly PolicyArm[]): string {
  return arms.map((arm) => arm.status).join(",");
}

function snapshot(stage: StageState): { successes: number[]; failures: number[] } {
  return { successes: [...stage.successes], failures: [...stage.failures] };
}
