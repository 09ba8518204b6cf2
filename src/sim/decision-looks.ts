/**
 * Decision quality under daily looks: once a simulated day, each stage's verdict
 * (the product's decision rules from `src/experiments`) is computed from the
 * outcomes resolved by then, and the simulator notes whether it named a winner and
 * whether that winner was truly the best arm at that moment.
 * @module
 */
import {
  type DecisionRules,
  type PolicyArm,
  posterior,
  probabilityBest,
  type Random,
  UNIFORM_PRIOR,
  type VerdictArm,
  verdict,
} from "../experiments/index.js";
import { type MarketState, MS_PER_HOUR } from "./market.js";

/** What the looks saw in one stage over one run. */
export interface StageLookRecord {
  /** Looks at which the stage had at least two arms. */
  looks: number;
  /** Looks that named a winner. */
  winnerLooks: number;
  /** Some look named a winner. */
  namedWinner: boolean;
  /** Some look named a winner that was not the best arm at that moment. */
  wrongWinner: boolean;
  /** Day of the first look that named the truly best arm, or null. */
  firstCorrectDay: number | null;
}

/** Options of {@link DecisionLooks}. */
export interface DecisionLooksOptions {
  readonly stages: number;
  /** Draws the posterior samples of P(best) and expected loss. */
  readonly rng: Random;
  /** Posterior draws per verdict. */
  readonly draws: number;
  /** Overrides of the decision rules (defaults: issue 4's). */
  readonly rules?: Partial<DecisionRules>;
  /** Milliseconds between looks. */
  readonly everyMs: number;
}

/**
 * Which outcomes the verdict counts. `matured` (what the product does): only
 * assignments whose window has closed, so that early successes are not counted
 * before the failures of the same cohort. `resolved`: every resolved outcome, to
 * show the bias that delayed failures cause under adaptive allocation.
 */
export type VerdictCounts = "resolved" | "matured";

/** Runs the looks of one run; call {@link DecisionLooks.until} before each event. */
export class DecisionLooks {
  readonly #options: DecisionLooksOptions;
  readonly #records: StageLookRecord[];
  #next: number;

  constructor(options: DecisionLooksOptions) {
    this.#options = options;
    this.#next = options.everyMs;
    this.#records = Array.from({ length: options.stages }, () => ({
      looks: 0,
      winnerLooks: 0,
      namedWinner: false,
      wrongWinner: false,
      firstCorrectDay: null,
    }));
  }

  /** The records so far, per stage. */
  get records(): readonly StageLookRecord[] {
    return this.#records;
  }

  /**
   * Takes every look due at or before `now`, on the counts as they stand (the
   * caller has processed every event before `now`).
   * @param arms the arms in rotation in a stage with the counts the verdict reads at a look's time.
   */
  until(now: number, arms: (stage: number, at: number) => readonly PolicyArm[], market: MarketState): void {
    while (this.#next <= now) {
      for (let s = 0; s < this.#records.length; s++) this.#look(s, this.#next, arms(s, this.#next), market);
      this.#next += this.#options.everyMs;
    }
  }

  #look(s: number, now: number, arms: readonly PolicyArm[], market: MarketState): void {
    if (arms.length < 2) return;
    const record = this.#records[s]!;
    record.looks++;
    const { rules, rng, draws } = this.#options;
    const counted: VerdictArm[] = arms.map((arm) => ({
      key: arm.key,
      decisions: arm.successes + arm.failures,
      successes: arm.successes,
      failures: arm.failures,
      pBest: 0,
      expectedLoss: 1,
    }));
    // The collecting conditions read counts and time only, so P(best) is drawn only when they are met.
    if (verdict({ arms: counted, startedAt: 0, now, rules }).verdict === "collecting") return;
    const estimate = probabilityBest(
      arms.map((arm) => posterior(UNIFORM_PRIOR, arm.successes, arm.failures)),
      rng,
      draws,
    );
    const judged = counted.map((arm, k) => ({
      ...arm,
      pBest: estimate.pBest[k]!,
      expectedLoss: estimate.expectedLoss[k]!,
    }));
    const result = verdict({ arms: judged, startedAt: 0, now, rules });
    if (result.verdict !== "winner") return;
    const winner = arms.findIndex((arm) => arm.key === result.winner);
    record.winnerLooks++;
    record.namedWinner = true;
    if (market.p(s, winner) < market.best(s)) record.wrongWinner = true;
    else record.firstCorrectDay ??= now / (24 * MS_PER_HOUR);
  }
}
