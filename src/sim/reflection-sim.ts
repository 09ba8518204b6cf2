/**
 * Weekly reflection in simulated time. Every `every_days` days each stage gets
 * new candidate arms, children of the arm the policy believes best (highest
 * posterior mean on the counts resolved by then); a child's true p is its
 * parent's plus a normal draw (`child_p`), clipped to [0.01, 0.99]. They enter
 * under the product's own rules from `src/experiments`, unchanged: `makeRoomForArms`
 * before they join (max_arms), the candidate cap in the policy's weights, and
 * `reviewCandidates` once a simulated day (graduation and automatic retirement).
 * Like the product's lifecycle, these rules read matured cohorts (assignments
 * whose window has closed): a new arm's successes resolve before its failures,
 * so its resolved counts flatter it. Pure: every draw from streams derived from
 * the run's seed.
 * @module
 */
import {
  type BetaPosterior,
  createSeededRandom,
  DEFAULT_BURN_IN,
  DEFAULT_POSTERIOR_DRAWS,
  deriveSeed,
  inRotation,
  makeRoomForArms,
  normal,
  type PolicyArm,
  type Random,
  reviewCandidates,
  UNIFORM_PRIOR,
} from "../experiments/index.js";
import { MS_PER_DAY } from "./customer-stream.js";
import type { MarketPlan, MarketState } from "./market.js";
import type { CountedArm } from "./matured-counts.js";
import type { ScenarioReflection } from "./scenario-schema.js";

/** How often the simulated weights job reviews candidates: once a simulated day (the product does it hourly). */
export const SIM_REVIEW_EVERY_MS = MS_PER_DAY;
/** The range a child's true p is clipped to. */
export const CHILD_P_MIN = 0.01;
export const CHILD_P_MAX = 0.99;

/** What reflection did in one run, summed over stages. */
export interface ReflectionCounts {
  /** Candidates added. */
  proposed: number;
  /** Candidates that became `active`. */
  graduated: number;
  /** Candidates retired automatically (P(best) < 0.01 after min_decisions). */
  retired: number;
  /** Arms retired to stay within max_arms. */
  retiredForRoom: number;
  /** Proposals not added because max_arms left no room. */
  noRoom: number;
}

/** The policy settings reflection shares with the simulated product policy. */
export interface ReflectionPolicySettings {
  readonly burnIn?: number;
  readonly draws?: number;
  readonly prior?: BetaPosterior;
}

/** Runs reflection and the candidate reviews of one run; call {@link SimReflection.until} before each event. */
export class SimReflection {
  readonly #block: ScenarioReflection;
  readonly #settings: Required<ReflectionPolicySettings>;
  readonly #children: Random;
  readonly #reviews: Random;
  readonly #everyMs: number;
  readonly #windows: readonly number[];
  /** Per stage: matured successes and failures per arm, and the assignments waiting for their window to close. */
  readonly #matured: { successes: number[]; failures: number[]; queue: Pending[]; head: number }[];
  readonly #counts: ReflectionCounts = { proposed: 0, graduated: 0, retired: 0, retiredForRoom: 0, noRoom: 0 };
  #nextReview = SIM_REVIEW_EVERY_MS;
  #nextReflection: number;
  #round = 0;

  constructor(block: ScenarioReflection, plan: MarketPlan, seed: number, settings: ReflectionPolicySettings = {}) {
    const { burnIn = DEFAULT_BURN_IN, draws = DEFAULT_POSTERIOR_DRAWS, prior = UNIFORM_PRIOR } = settings;
    this.#block = block;
    this.#windows = plan.stages.map((stage) => stage.windowMs);
    this.#matured = plan.stages.map(() => ({ successes: [], failures: [], queue: [], head: 0 }));
    this.#settings = { burnIn, draws, prior };
    this.#children = createSeededRandom(deriveSeed(seed, "reflection"));
    this.#reviews = createSeededRandom(deriveSeed(seed, "reflection:reviews"));
    this.#everyMs = block.every_days * MS_PER_DAY;
    this.#nextReflection = this.#everyMs;
  }

  /** What reflection did so far. */
  get counts(): ReflectionCounts {
    return { ...this.#counts };
  }

  /** Notes an assignment (in time order): it counts once its window has closed. */
  assigned(s: number, arm: number, at: number, success: boolean): void {
    this.#matured[s]!.queue.push({ arm, maturesAt: at + this.#windows[s]!, success });
  }

  /**
   * Takes every review and reflection due at or before `now`, in time order (a
   * review first when both fall together), on the resolved counts as they stand.
   * @param arms per stage, the arms with their resolved counts; statuses change in place and new arms are appended.
   * @returns true when an arm was added or changed status.
   */
  until(now: number, arms: CountedArm[][], market: MarketState): boolean {
    let changed = false;
    while (Math.min(this.#nextReview, this.#nextReflection) <= now) {
      if (this.#nextReview <= this.#nextReflection) {
        const at = this.#nextReview;
        for (let s = 0; s < arms.length; s++) changed = this.#review(s, arms[s]!, at, market) || changed;
        this.#nextReview += SIM_REVIEW_EVERY_MS;
      } else {
        const at = this.#nextReflection;
        this.#round++;
        for (let s = 0; s < arms.length; s++) changed = this.#reflect(s, arms[s]!, at, market) || changed;
        this.#nextReflection += this.#everyMs;
      }
    }
    return changed;
  }

  /** Stage `s`'s arms with their statuses and the counts of their cohorts matured by `at`. */
  #maturedArms(s: number, arms: readonly CountedArm[], at: number): PolicyArm[] {
    const stage = this.#matured[s]!;
    for (; stage.head < stage.queue.length && stage.queue[stage.head]!.maturesAt <= at; stage.head++) {
      const { arm, success } = stage.queue[stage.head]!;
      const counts = success ? stage.successes : stage.failures;
      counts[arm] = (counts[arm] ?? 0) + 1;
    }
    // Drop what has been counted now and then, so the queue does not grow with the run.
    if (stage.head > 4096) {
      stage.queue.splice(0, stage.head);
      stage.head = 0;
    }
    return arms.map((arm, k) => ({
      key: arm.key,
      status: arm.status,
      successes: stage.successes[k] ?? 0,
      failures: stage.failures[k] ?? 0,
    }));
  }

  #review(s: number, arms: CountedArm[], at: number, market: MarketState): boolean {
    const reviews = reviewCandidates({
      arms: this.#maturedArms(s, arms, at),
      ...this.#settings,
      minDecisions: this.#block.min_decisions,
      rng: this.#reviews,
    });
    let changed = false;
    for (const review of reviews) {
      if (review.action === "keep") continue;
      const k = arms.findIndex((arm) => arm.key === review.key);
      if (review.action === "graduate") {
        arms[k]!.status = "active";
        this.#counts.graduated++;
      } else {
        arms[k]!.status = "retired";
        market.retire(s, k);
        this.#counts.retired++;
      }
      changed = true;
    }
    return changed;
  }

  #reflect(s: number, arms: CountedArm[], at: number, market: MarketState): boolean {
    const matured = this.#maturedArms(s, arms, at);
    const parent = believedBest(matured, this.#settings.prior);
    if (parent < 0) return false;
    const wanted = this.#block.proposals_per_stage;
    const plan = makeRoomForArms({
      arms: matured,
      adding: wanted,
      maxArms: this.#block.max_arms,
      ...this.#settings,
      rng: this.#reviews,
    });
    for (const retired of plan.retire) {
      const k = arms.findIndex((arm) => arm.key === retired.key);
      arms[k]!.status = "retired";
      market.retire(s, k);
      this.#counts.retiredForRoom++;
    }
    this.#counts.noRoom += wanted - plan.room;
    const { mean_delta: meanDelta, sd } = this.#block.child_p;
    const parentP = market.p(s, parent);
    for (let i = 0; i < plan.room; i++) {
      const p = Math.min(CHILD_P_MAX, Math.max(CHILD_P_MIN, parentP + meanDelta + sd * normal(this.#children)));
      const key = `reflection-${this.#round}.${i + 1}`;
      market.addArm(s, p);
      arms.push({ key, successes: 0, failures: 0, status: "candidate" });
      this.#counts.proposed++;
    }
    return plan.retire.length > 0 || plan.room > 0;
  }
}

/** An assignment waiting for its window to close. */
interface Pending {
  readonly arm: number;
  readonly maturesAt: number;
  readonly success: boolean;
}

/** The index of the arm in rotation with the highest posterior mean (the first on ties), or -1. */
function believedBest(arms: readonly PolicyArm[], prior: BetaPosterior): number {
  let best = -1;
  let bestMean = -1;
  arms.forEach(function consider(arm, k) {
    if (!inRotation(arm)) return;
    const mean = (prior.alpha + arm.successes) / (prior.alpha + prior.beta + arm.successes + arm.failures);
    if (mean > bestMean) {
      best = k;
      bestMean = mean;
    }
  });
  return best;
}
