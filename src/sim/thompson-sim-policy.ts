/**
 * The product's own policy in simulated time: Thompson-sampling weights from
 * `src/experiments` (floor, burn-in, candidate cap, posterior draws), recomputed on
 * the product's schedule from the evidence of that moment, and after an arm joins
 * the rotation or changes status; each assignment drawn with `chooseArm`, as the engine does.
 * The evidence is the weights job's own `LearningEvidence` (pending outcomes, change
 * detection, newcomer prior, as switched on); with every switch off it is the
 * resolved counts (`thompson-basic`). A sliding window (`thompson-sliding`) is a
 * baseline only: it counts the outcomes resolved in the last `slidingWindowDays`.
 * With `knownChanges` (`thompson-known-changes`, a bound, not a policy) it is told the
 * moment an arm's true p changes, as if a change detector had no delay and no false alarms.
 * @module
 */
import {
  type BetaPosterior,
  type ChangeAlarm,
  chooseArm,
  createSeededRandom,
  DEFAULT_BURN_IN,
  DEFAULT_CANDIDATE_CAP,
  DEFAULT_LEARNING,
  DEFAULT_POSTERIOR_DRAWS,
  DEFAULT_WEIGHT_FLOOR,
  LEARNING_OFF,
  LearningEvidence,
  type LearningOptions,
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
  /** Exploration floor; default 0.01. */
  readonly floor?: number;
  /** Resolved outcomes every arm needs before reweighting; default 20. */
  readonly burnIn?: number;
  /** Posterior draws per recomputation; default 10,000. */
  readonly draws?: number;
  /** Most traffic candidate arms may get; default 0.1. */
  readonly candidateCap?: number;
  /** Prior of every arm; default Beta(1, 1). */
  readonly prior?: BetaPosterior;
  /**
   * Pending outcomes, change detection, newcomer prior; default the product's
   * ({@link DEFAULT_LEARNING}) when the stages' windows are known, else all off.
   */
  readonly learning?: LearningOptions;
  /** Count only outcomes resolved in the last this many days (the sliding-window baseline); default off. */
  readonly slidingWindowDays?: number;
  /**
   * Told when an arm's true p changes (never the new p): its evidence from before is
   * down-weighted at once, as after an alarm. The bound on what any change detector can
   * add; the product has no such knowledge. Default false.
   */
  readonly knownChanges?: boolean;
  /**
   * With `knownChanges`: the stages (by index) whose changes it is told; default every stage. A
   * bound on what a perfect detector in those stages alone can add, the others keeping the
   * policy's own change detection.
   */
  readonly knownChangeStages?: readonly number[];
  /** The name the policy reports; default `thompson`. */
  readonly name?: string;
}

/** A change alarm of the simulated weights job, with its stage. */
export interface SimChangeAlarm extends ChangeAlarm {
  readonly stage: number;
}

/** Per stage: the evidence, the arms as of the last schedule point, and the weights. */
interface StageState {
  evidence: LearningEvidence;
  /** The arms of the last decision (statuses), to read the evidence at schedule points. */
  lastArms: readonly PolicyArm[];
  /** The sliding window's outcomes, in resolution order, and the index of the oldest still counted. */
  window: { arm: number; success: boolean; resolvedAt: number }[];
  windowHead: number;
  /** Evidence as of the last schedule point (or arm change), waiting to be turned into weights. */
  pending: PolicyArm[] | null;
  propensities: readonly number[];
  /** The arms' statuses the propensities were computed for, e.g. `"active,candidate"`. */
  statuses: string;
  recomputations: number;
  /** The true p of the stage's arms at its last decision (`knownChanges` only). */
  lastTrueP: readonly number[];
}

/**
 * Creates the product policy for one run.
 * @param rng the policy's own stream: one draw seeds each recomputation (as the product
 *   stores a seed with each policy version), one draw picks each arm.
 * @param stages the number of stages in the funnel.
 */
export function thompsonSimPolicy(
  rng: Random,
  stages: number | readonly number[],
  settings: ThompsonSimSettings = {},
): ThompsonSimPolicy {
  return new ThompsonSimPolicy(rng, stages, settings);
}

/**
 * The product policy under simulation. Recomputation is lazy but exact: the
 * counts are frozen at each schedule point, and the weights are computed from them
 * when the stage next needs a decision (hours without a decision in a stage cost nothing).
 */
export class ThompsonSimPolicy implements SimPolicy {
  readonly name: string;
  readonly #rng: Random;
  readonly #periodMs: number;
  readonly #settings: { floor: number; burnIn: number; draws: number; candidateCap: number; prior: BetaPosterior };
  readonly #stages: StageState[];
  readonly #slidingMs: number | null;
  readonly #alarms: SimChangeAlarm[] = [];
  readonly #learning: LearningOptions;
  readonly #knownChanges: boolean;
  /** The stages whose changes `knownChanges` is told; null: every stage. */
  readonly #knownStages: ReadonlySet<number> | null;
  #tick = -1;

  /**
   * @param stages the number of stages, or each stage's conversion window in ms (needed
   *   for pending outcomes and change detection).
   */
  constructor(rng: Random, stages: number | readonly number[], settings: ThompsonSimSettings) {
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
    this.name = settings.name ?? "thompson";
    const windows = typeof stages === "number" ? undefined : stages;
    const learning = settings.learning ?? (windows === undefined ? LEARNING_OFF : DEFAULT_LEARNING);
    if (windows === undefined && (learning.pendingOutcomes || learning.changeDetection)) {
      throw new RangeError("pending outcomes and change detection need the stages' windows");
    }
    this.#learning = learning;
    const sliding = settings.slidingWindowDays;
    if (sliding !== undefined && !(sliding > 0)) throw new RangeError(`slidingWindowDays must be > 0, got ${sliding}`);
    this.#slidingMs = sliding === undefined ? null : sliding * 24 * MS_PER_HOUR;
    const count = windows?.length ?? (stages as number);
    this.#stages = Array.from({ length: count }, (_, s) => ({
      evidence: new LearningEvidence({ windowMs: windows?.[s] ?? 1, prior, learning }),
      lastArms: [],
      window: [],
      windowHead: 0,
      pending: null,
      propensities: [],
      statuses: "",
      recomputations: 0,
      lastTrueP: [],
    }));
    this.#knownChanges = settings.knownChanges === true;
    this.#knownStages = settings.knownChangeStages === undefined ? null : new Set(settings.knownChangeStages);
    if (this.#knownChanges && (this.#slidingMs !== null || windows === undefined)) {
      throw new RangeError("knownChanges needs the stages' windows and no sliding window");
    }
  }

  /** Weight recomputations made so far, per stage. */
  get recomputations(): readonly number[] {
    return this.#stages.map((stage) => stage.recomputations);
  }

  /** The learning switches this policy runs with. */
  get learning(): LearningOptions {
    return this.#learning;
  }

  /** Every change alarm raised so far, in order; undefined when change detection is off. */
  get alarms(): readonly SimChangeAlarm[] | undefined {
    return this.#learning.changeDetection && this.#slidingMs === null ? this.#alarms : undefined;
  }

  observe(outcome: SimOutcome): void {
    this.#catchUp(outcome.resolvedAt);
    const stage = this.#stages[outcome.stage]!;
    // The evidence is keyed by arm index: outcomes may arrive before the policy saw the arms' keys.
    stage.evidence.resolved(
      String(outcome.arm),
      outcome.customer,
      outcome.assignedAt,
      outcome.resolvedAt,
      outcome.success,
    );
    if (this.#slidingMs !== null) {
      stage.window.push({ arm: outcome.arm, success: outcome.success, resolvedAt: outcome.resolvedAt });
    }
  }

  choose(decision: SimDecision): number {
    this.#catchUp(decision.now);
    const stage = this.#stages[decision.stage]!;
    stage.lastArms = decision.arms;
    if (this.#knownChanges && (this.#knownStages === null || this.#knownStages.has(decision.stage))) {
      this.#noteKnownChanges(stage, decision);
    }
    // A new arm or a changed status: the product recomputes at once, from the evidence of this moment.
    const statuses = statusesOf(decision.arms);
    if (statuses !== stage.statuses) stage.pending = this.#read(decision.stage, decision.now, decision.arms);
    if (stage.pending !== null) this.#recompute(stage, decision);
    const k = chooseArm(stage.propensities, this.#rng).index;
    stage.evidence.assigned(String(k), decision.customer, decision.now);
    return k;
  }

  /**
   * The first decision of a stage after an arm's true p moved: every assignment before it
   * was made under the old p, every one from it on under the new, so the change point is now.
   */
  #noteKnownChanges(stage: StageState, decision: SimDecision): void {
    const before = stage.lastTrueP;
    stage.lastTrueP = [...decision.trueP];
    let changed = false;
    decision.trueP.forEach((p, k) => {
      if (k < before.length && before[k] !== p) {
        stage.evidence.changedAt(String(k), decision.now);
        changed = true;
      }
    });
    if (changed) stage.pending = this.#read(decision.stage, decision.now, decision.arms);
  }

  /** Reads every stage's evidence at each schedule point passed since the last call. */
  #catchUp(now: number): void {
    const tick = Math.floor(now / this.#periodMs);
    if (tick <= this.#tick) return;
    this.#tick = tick;
    this.#stages.forEach((stage, s) => {
      stage.pending = this.#read(s, now, stage.lastArms);
    });
  }

  /** Stage `s`'s arms with the evidence the weights use at `now`; notes the alarms. */
  #read(s: number, now: number, arms: readonly PolicyArm[]): PolicyArm[] {
    const stage = this.#stages[s]!;
    if (this.#slidingMs !== null) return this.#sliding(stage, now, arms);
    const result = stage.evidence.evidence(
      now,
      arms.map((arm, k) => ({ key: String(k), status: arm.status })),
    );
    for (const alarm of result.alarms) this.#alarms.push({ ...alarm, stage: s, arm: arms[Number(alarm.arm)]!.key });
    return result.arms.map((arm, k) => ({ ...arm, key: arms[k]!.key }));
  }

  /** The outcomes resolved in the last window, per arm. */
  #sliding(stage: StageState, now: number, arms: readonly PolicyArm[]): PolicyArm[] {
    const from = now - this.#slidingMs!;
    while (stage.windowHead < stage.window.length && stage.window[stage.windowHead]!.resolvedAt <= from) {
      stage.windowHead++;
    }
    if (stage.windowHead > 4096) {
      stage.window.splice(0, stage.windowHead);
      stage.windowHead = 0;
    }
    const successes = arms.map(() => 0);
    const failures = arms.map(() => 0);
    for (let i = stage.windowHead; i < stage.window.length; i++) {
      const o = stage.window[i]!;
      if (o.arm >= arms.length) continue;
      if (o.success) successes[o.arm]!++;
      else failures[o.arm]!++;
    }
    return arms.map((arm, k) => ({
      key: arm.key,
      status: arm.status,
      successes: successes[k]!,
      failures: failures[k]!,
    }));
  }

  #recompute(stage: StageState, decision: SimDecision): void {
    const evidence = stage.pending!;
    const seed = Math.floor(this.#rng.next() * 2 ** 31);
    const result = thompsonWeights({
      // Arms that joined after the evidence was read have none yet.
      arms: decision.arms.map((arm, k) => ({
        ...(evidence[k] ?? { successes: 0, failures: 0 }),
        key: arm.key,
        status: arm.status,
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
