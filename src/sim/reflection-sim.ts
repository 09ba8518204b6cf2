/**
 * Weekly reflection in simulated time. Every `every_days` days each stage gets
 * new candidate arms, children of the arm the policy believes best (highest
 * posterior mean on the counts resolved by then); a child's true p is its
 * parent's plus a normal draw (`child_p`), clipped to [0.01, 0.99]. They enter
 * under the product's own rules from `src/experiments`, unchanged: `makeRoomForArms`
 * before they join (max_arms), the candidate cap in the policy's weights, and
 * `reviewCandidates` once a simulated day (graduation and automatic retirement).
 * Pure: every draw from streams derived from the run's seed.
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
  type Random,
  reviewCandidates,
  UNIFORM_PRIOR,
} from "../experiments/index.js";
import { MS_PER_DAY } from "./customer-stream.js";
import type { MarketState } from "./market.js";
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
  readonly #counts: ReflectionCounts = { proposed: 0, graduated: 0, retired: 0, retiredForRoom: 0, noRoom: 0 };
  #nextReview = SIM_REVIEW_EVERY_MS;
  #nextReflection: number;
  #round = 0;

  constructor(block: ScenarioReflection, seed: number, settings: ReflectionPolicySettings = {}) {
    const { burnIn = DEFAULT_BURN_IN, draws = DEFAULT_POSTERIOR_DRAWS, prior = UNIFORM_PRIOR } = settings;
    this.#block = block;
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
        for (let s = 0; s < arms.length; s++) changed = this.#review(s, arms[s]!, market) || changed;
        this.#nextReview += SIM_REVIEW_EVERY_MS;
      } else {
        this.#round++;
        for (let s = 0; s < arms.length; s++) changed = this.#reflect(s, arms[s]!, market) || changed;
        this.#nextReflection += this.#everyMs;
      }
    }
    return changed;
  }

  #review(s: number, arms: CountedArm[], market: MarketState): boolean {
    const reviews = reviewCandidates({
      arms,
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

  #reflect(s: number, arms: CountedArm[], market: MarketState): boolean {
    const parent = believedBest(arms, this.#settings.prior);
    if (parent < 0) return false;
    const wanted = this.#block.proposals_per_stage;
    const plan = makeRoomForArms({
      arms,
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

/** The index of the arm in rotation with the highest posterior mean (the first on ties), or -1. */
function believedBest(arms: readonly CountedArm[], prior: BetaPosterior): number {
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
