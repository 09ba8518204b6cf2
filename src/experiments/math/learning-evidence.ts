/**
 * The evidence a stage's weights are computed from, shared by the weights job and
 * the simulator: resolved counts per arm, with (each switch optional) pending
 * assignments as fractional failures weighted by the stage's delay CDF, evidence
 * from before a detected change down-weighted for that arm only, and a newcomer's
 * prior learned from its stage's arms. Feed it assignments and outcomes in time
 * order, then ask {@link LearningEvidence.evidence} for the arms as the policy sees them.
 * Pure: no I/O, no clock.
 * @module
 */
import type { BetaPosterior, OutcomeCounts } from "./beta-posterior.js";
import {
  type CusumState,
  cusumStep,
  cusumThreshold,
  DEFAULT_CHANGE_ODDS_RATIO,
  DEFAULT_FALSE_ALARM_RATE,
  DEFAULT_PRE_CHANGE_WEIGHT,
} from "./change-detection.js";
import { delayAdjustedPosterior, delayCdf } from "./delayed-outcomes.js";
import {
  DEFAULT_NEWCOMER_MIN_OUTCOMES,
  DEFAULT_NEWCOMER_PRIOR_STRENGTH,
  newcomerPrior,
} from "./empirical-bayes-prior.js";
import type { ArmStatus, PolicyArm } from "./thompson-weights.js";

/** The switches (and their parameters) of learning that keeps up. */
export interface LearningOptions {
  /** Count pending assignments as fractional failures. */
  readonly pendingOutcomes: boolean;
  /** Watch each arm with a two-sided Bernoulli CUSUM; down-weight its evidence from before a change. */
  readonly changeDetection: boolean;
  /** Start an arm with little evidence from its stage's empirical-Bayes prior. */
  readonly newcomerPrior: boolean;
  /** P(a false alarm on a stable arm within a month); default 0.01. */
  readonly changeFalseAlarmRate?: number;
  /** Weight of an arm's evidence from before a detected change; default 0.1. */
  readonly changePreWeight?: number;
  /** Odds ratio of the shift the detector looks for, each way; default 2. */
  readonly changeOddsRatio?: number;
  /** Cap on the newcomer prior's α + β; default 4. */
  readonly newcomerPriorStrength?: number;
  /**
   * The age, as a fraction of the window, at which the detector reads an assignment
   * ("a success by then"); default {@link DEFAULT_CHANGE_HORIZON}. 1 waits for the window to close.
   */
  readonly changeHorizon?: number;
}

/** Default detector horizon: half the window (most successes come well before the window closes). */
export const DEFAULT_CHANGE_HORIZON = 0.5;

/** Every switch off: the policy as shipped before issue 15 (`thompson-basic` in the simulator). */
export const LEARNING_OFF: LearningOptions = Object.freeze({
  pendingOutcomes: false,
  changeDetection: false,
  newcomerPrior: false,
});

/**
 * The defaults, chosen from simulation figures (README, "Learning that keeps up"):
 * pending outcomes and change detection on, the newcomer prior off.
 */
export const DEFAULT_LEARNING: LearningOptions = Object.freeze({
  pendingOutcomes: true,
  changeDetection: true,
  newcomerPrior: false,
});

/** Success delays kept per stage for its delay CDF (the most recent ones). */
export const DELAY_SAMPLE_SIZE = 1000;

/** The lowest outcomes-per-month the CUSUM threshold assumes. */
const MIN_OUTCOMES_PER_MONTH = 100;
const MONTH_MS = 30 * 24 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

/** A change the detector found on one arm. */
export interface ChangeAlarm {
  readonly arm: string;
  /** When the alarm was raised (the moment the evidence was read), ms. */
  readonly at: number;
  /** Assignment time of the first outcome of the new regime (the estimated change point), ms. */
  readonly changeAt: number;
  readonly direction: "up" | "down";
  /** Matured outcomes of the arm the detector read since its last reset. */
  readonly outcomes: number;
  /** The threshold h the statistic crossed, nats. */
  readonly threshold: number;
}

/** One assignment as the evidence tracks it. */
interface Assignment {
  readonly arm: string;
  readonly at: number;
  /** null while pending. */
  success: boolean | null;
  /** Assignment to success, ms (successes only). */
  delay?: number;
}

/** Per arm: resolved counts split at the last change point, change-point boundaries, the detector. */
interface ArmState {
  /** Weighted counts of resolved outcomes assigned before the last boundary. */
  closed: { successes: number; failures: number };
  /** Resolved outcomes assigned at or after the last boundary. */
  open: { at: number; success: boolean }[];
  openSuccesses: number;
  openFailures: number;
  /** Change points (assignment times), increasing. */
  boundaries: number[];
  /** Pending assignments, by id, in assignment order. */
  pending: Map<string | number, Assignment>;
  /** The detector: its state, its predictive counts, the matured outcomes read since its last reset. */
  cusum: CusumState;
  detectorCounts: { successes: number; failures: number };
  sinceReset: { at: number; success: boolean }[];
}

/** Inputs of {@link LearningEvidence}. */
export interface LearningEvidenceOptions {
  /** The stage's conversion window, ms. */
  readonly windowMs: number;
  /** The stage's prior of every arm. */
  readonly prior: BetaPosterior;
  readonly learning: LearningOptions;
}

/** What {@link LearningEvidence.evidence} returns. */
export interface LearningEvidenceResult {
  /** The arms in input order, with the counts (possibly fractional) and prior the weights should use. */
  readonly arms: PolicyArm[];
  /** Alarms raised while reading the outcomes matured since the last call, in order. */
  readonly alarms: ChangeAlarm[];
}

/** The evidence of one stage; see the module comment. */
export class LearningEvidence {
  readonly #windowMs: number;
  /** The age at which the detector reads an assignment: the window × `changeHorizon`. */
  readonly #horizonMs: number;
  readonly #prior: BetaPosterior;
  readonly #learning: Required<LearningOptions>;
  readonly #arms = new Map<string, ArmState>();
  /** Every assignment in assignment order, until its window has closed and the detector read it. */
  readonly #maturing: Assignment[] = [];
  #maturingHead = 0;
  /** Assignment times of the last 30 days (for the detector's outcomes-per-month). */
  readonly #recent: number[] = [];
  #recentHead = 0;
  #firstAssignment: number | null = null;
  readonly #delays: number[] = [];
  #delayNext = 0;

  constructor(options: LearningEvidenceOptions) {
    const { learning } = options;
    this.#windowMs = options.windowMs;
    this.#prior = options.prior;
    this.#learning = {
      changeFalseAlarmRate: DEFAULT_FALSE_ALARM_RATE,
      changePreWeight: DEFAULT_PRE_CHANGE_WEIGHT,
      changeOddsRatio: DEFAULT_CHANGE_ODDS_RATIO,
      newcomerPriorStrength: DEFAULT_NEWCOMER_PRIOR_STRENGTH,
      changeHorizon: DEFAULT_CHANGE_HORIZON,
      ...learning,
    };
    const horizon = this.#learning.changeHorizon;
    if (!(horizon > 0 && horizon <= 1)) throw new RangeError(`changeHorizon must be in (0, 1], got ${horizon}`);
    this.#horizonMs = this.#windowMs * horizon;
  }

  /** Notes an assignment (call in assignment-time order); `id` is unique within the stage. */
  assigned(arm: string, id: string | number, at: number): void {
    const entry: Assignment = { arm, at, success: null };
    this.#arm(arm).pending.set(id, entry);
    this.#firstAssignment ??= at;
    if (this.#learning.changeDetection) {
      this.#maturing.push(entry);
      this.#recent.push(at);
    }
  }

  /**
   * Notes an outcome. An outcome of an assignment never noted (e.g. from before the
   * evidence was built) counts in the resolved counts but not in the detector.
   */
  resolved(arm: string, id: string | number, assignedAt: number, resolvedAt: number, success: boolean): void {
    const state = this.#arm(arm);
    const entry = state.pending.get(id);
    if (entry !== undefined) {
      entry.success = success;
      if (success) entry.delay = Math.max(0, resolvedAt - assignedAt);
      state.pending.delete(id);
    }
    if (success && this.#learning.pendingOutcomes) {
      const delay = Math.min(this.#windowMs, Math.max(0, resolvedAt - assignedAt));
      if (this.#delays.length < DELAY_SAMPLE_SIZE) this.#delays.push(delay);
      else this.#delays[this.#delayNext] = delay;
      this.#delayNext = (this.#delayNext + 1) % DELAY_SAMPLE_SIZE;
    }
    const last = state.boundaries.at(-1);
    if (last === undefined || assignedAt >= last) {
      state.open.push({ at: assignedAt, success });
      if (success) state.openSuccesses++;
      else state.openFailures++;
    } else {
      const weight = this.#weightAt(state, assignedAt);
      if (success) state.closed.successes += weight;
      else state.closed.failures += weight;
    }
  }

  /**
   * The arms as the policy should see them at `now`: reads the outcomes matured
   * since the last call into the change detector (alarms down-weight the arm's old
   * evidence at once), then adds pending assignments as fractional failures and
   * newcomer priors, as switched on.
   */
  evidence(now: number, arms: readonly { readonly key: string; readonly status: ArmStatus }[]): LearningEvidenceResult {
    const alarms = this.#learning.changeDetection ? this.#detect(now) : [];
    const counts = arms.map((arm) => this.#counts(arm.key));
    const informative = counts.filter((c) => c.successes + c.failures >= DEFAULT_NEWCOMER_MIN_OUTCOMES);
    const cdf =
      this.#learning.pendingOutcomes && this.#firstAssignment !== null
        ? delayCdf({ windowMs: this.#windowMs, delaysMs: this.#delays })
        : undefined;
    const out = arms.map((arm, k): PolicyArm => {
      const own = counts[k]!;
      let prior = this.#prior;
      if (this.#learning.newcomerPrior && own.successes + own.failures < DEFAULT_NEWCOMER_MIN_OUTCOMES) {
        prior = newcomerPrior(informative, { maxStrength: this.#learning.newcomerPriorStrength });
      }
      let failures = own.failures;
      if (cdf !== undefined) {
        const state = this.#arms.get(arm.key);
        const pendingCdf: number[] = [];
        for (const entry of state?.pending.values() ?? []) pendingCdf.push(cdf(now - entry.at));
        if (pendingCdf.length > 0) {
          const adjusted = delayAdjustedPosterior({ prior, counts: own, pendingCdf });
          failures = adjusted.beta - prior.beta;
        }
      }
      const base = { key: arm.key, status: arm.status, successes: own.successes, failures };
      return prior === this.#prior ? base : { ...base, prior };
    });
    return { arms: out, alarms };
  }

  /**
   * Notes a change of `arm` known from outside the outcomes (e.g. the simulator's true
   * change moments, the bound on what any detector can add): its evidence assigned before
   * `at` weighs `changePreWeight` more, as after an alarm, and its detector starts over.
   * Raises no alarm. Call in time order with {@link assigned}, `at` no later than the
   * assignments noted since.
   */
  changedAt(arm: string, at: number): void {
    const state = this.#arm(arm);
    // The outcomes the detector read since its reset that were assigned at or after the change
    // seed its new reference, as after an alarm.
    let start = state.sinceReset.length;
    while (start > 0 && state.sinceReset[start - 1]!.at >= at) start--;
    this.#downweight(state, at, start);
  }

  /** Change points found so far per arm (assignment times), for the record. */
  changePoints(arm: string): readonly number[] {
    return this.#arms.get(arm)?.boundaries ?? [];
  }

  #arm(key: string): ArmState {
    let state = this.#arms.get(key);
    if (state === undefined) {
      state = {
        closed: { successes: 0, failures: 0 },
        open: [],
        openSuccesses: 0,
        openFailures: 0,
        boundaries: [],
        pending: new Map(),
        cusum: { up: 0, down: 0, upStart: 0, downStart: 0 },
        detectorCounts: { successes: 0, failures: 0 },
        sinceReset: [],
      };
      this.#arms.set(key, state);
    }
    return state;
  }

  /** w^(change points after `at`). */
  #weightAt(state: ArmState, at: number): number {
    let later = 0;
    for (let i = state.boundaries.length - 1; i >= 0 && state.boundaries[i]! > at; i--) later++;
    return this.#learning.changePreWeight ** later;
  }

  #counts(key: string): OutcomeCounts {
    const state = this.#arms.get(key);
    if (state === undefined) return { successes: 0, failures: 0 };
    return {
      successes: state.closed.successes + state.openSuccesses,
      failures: state.closed.failures + state.openFailures,
    };
  }

  /** The detector's threshold: from the stage's assignments per month (last 30 days, extrapolated early on). */
  #threshold(now: number): number {
    while (this.#recentHead < this.#recent.length && this.#recent[this.#recentHead]! <= now - MONTH_MS) {
      this.#recentHead++;
    }
    if (this.#recentHead > 4096) {
      this.#recent.splice(0, this.#recentHead);
      this.#recentHead = 0;
    }
    const inMonth = this.#recent.length - this.#recentHead;
    const elapsed = Math.min(MONTH_MS, Math.max(DAY_MS, now - (this.#firstAssignment ?? now)));
    const perMonth = Math.max(MIN_OUTCOMES_PER_MONTH, (inMonth * MONTH_MS) / elapsed);
    return cusumThreshold(perMonth, this.#learning.changeFalseAlarmRate);
  }

  /** Reads every assignment whose window has closed by `now` into its arm's detector, in assignment order. */
  #detect(now: number): ChangeAlarm[] {
    const alarms: ChangeAlarm[] = [];
    let threshold: number | undefined;
    const ratio = this.#learning.changeOddsRatio;
    while (this.#maturingHead < this.#maturing.length) {
      const entry = this.#maturing[this.#maturingHead]!;
      if (entry.at + this.#horizonMs > now) break;
      this.#maturingHead++;
      threshold ??= this.#threshold(now);
      // The detector's event is "a success within the horizon": read at the same age for every
      // assignment, so the stream is stationary while p is (a pending one counts as no success yet).
      const success = entry.success === true && (entry.delay ?? 0) <= this.#horizonMs;
      const state = this.#arm(entry.arm);
      const { successes, failures } = state.detectorCounts;
      const q = (this.#prior.alpha + successes) / (this.#prior.alpha + this.#prior.beta + successes + failures);
      const t = state.sinceReset.length;
      state.sinceReset.push({ at: entry.at, success });
      const side = cusumStep(state.cusum, t, success, q, ratio, threshold);
      if (success) state.detectorCounts.successes++;
      else state.detectorCounts.failures++;
      if (side === undefined) continue;
      const start = side === "up" ? state.cusum.upStart : state.cusum.downStart;
      const changeAt = state.sinceReset[Math.min(start, t)]!.at;
      alarms.push({ arm: entry.arm, at: now, changeAt, direction: side, outcomes: t + 1, threshold });
      this.#downweight(state, changeAt, start);
    }
    if (this.#maturingHead > 4096) {
      this.#maturing.splice(0, this.#maturingHead);
      this.#maturingHead = 0;
    }
    return alarms;
  }

  /** After an alarm: the arm's evidence assigned before `changeAt` weighs w more; the detector restarts. */
  #downweight(state: ArmState, changeAt: number, start: number): void {
    const w = this.#learning.changePreWeight;
    let successes = state.closed.successes;
    let failures = state.closed.failures;
    const kept: { at: number; success: boolean }[] = [];
    for (const outcome of state.open) {
      if (outcome.at < changeAt) {
        if (outcome.success) successes++;
        else failures++;
      } else kept.push(outcome);
    }
    state.closed = { successes: successes * w, failures: failures * w };
    state.open = kept;
    state.openSuccesses = kept.filter((o) => o.success).length;
    state.openFailures = kept.length - state.openSuccesses;
    state.boundaries.push(changeAt);
    // The detector starts over on the new regime alone (self-starting from the prior): a
    // reference still holding the old rate, even down-weighted, would alarm again on the same change.
    const after = { successes: 0, failures: 0 };
    for (const o of state.sinceReset.slice(start)) {
      if (o.success) after.successes++;
      else after.failures++;
    }
    state.detectorCounts = after;
    state.cusum = { up: 0, down: 0, upStart: 0, downStart: 0 };
    state.sinceReset = [];
  }
}
