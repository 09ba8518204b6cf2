/**
 * The bookkeeping of one run, shared by the fast simulator and the engine run:
 * per decision the pseudo-regret against the best arm of that moment, best-arm
 * hits, uniform rotation's expected regret on the same decision, and per customer
 * the regret and whether they were won; at the end, the {@link RunResult}.
 * @module
 */
import { laiRobbinsBound } from "../experiments/index.js";
import { MS_PER_DAY } from "./customer-stream.js";
import type { StageLookRecord } from "./decision-looks.js";
import type { MarketPlan, MarketState } from "./market.js";
import type { ReflectionCounts } from "./reflection-sim.js";

/** Milliseconds in one simulated week, the unit of {@link RunResult.weeklyConversion}. */
export const MS_PER_WEEK = 7 * MS_PER_DAY;

/** Points of the cumulative-regret and conversion curves, unless told otherwise. */
export const DEFAULT_CURVE_POINTS = 100;

/** One stage's totals in one run. */
export interface StageRunStats {
  /** Assignments made in the stage. */
  decisions: number;
  /** Σ (p*_stage − p_chosen) over the stage's decisions, at the moment of each. */
  regret: number;
  /** Decisions that went to an arm that was the best at that moment. */
  bestArmDecisions: number;
  /** Of the decisions, how many moved the customer on. */
  successes: number;
  /**
   * Σ (p*_stage − p̄_stage) over the stage's decisions, p̄ the mean p of the arms in
   * rotation at that moment: the expected regret of uniform rotation on the same
   * decisions (T·(p* − p̄) when the market stands still).
   */
  uniformRegret: number;
}

/** The result of one run. */
export interface RunResult {
  readonly policy: string;
  readonly seed: number;
  readonly customers: number;
  /** Customers who succeeded in the last stage. */
  readonly won: number;
  /** Pseudo-regret over all stages. */
  readonly regret: number;
  readonly stages: readonly StageRunStats[];
  /** Σ_stages C(p_s)·ln(n_s), with the stages' initial arms and the run's decisions per stage. */
  readonly laiRobbins: number;
  /** When the last event happened, milliseconds from the start. */
  readonly endMs: number;
  /** Cumulative regret of the customers up to each curve point (customers in arrival order). */
  readonly regretCurve: readonly number[];
  /** Share of the customers between the previous point and this one who were won. */
  readonly conversionCurve: readonly number[];
  /** Decision quality under daily looks, per stage (empty without looks). */
  readonly looks: readonly StageLookRecord[];
  /**
   * Per simulated week of arrival (week 0 = the first 7 days), the share of the
   * customers who arrived that week who were won in the end; empty when the run
   * did not know arrival times.
   */
  readonly weeklyConversion: readonly number[];
  /** What simulated reflection did (runs with reflection only). */
  readonly reflection?: ReflectionCounts;
}

/** What {@link RunRecorder.result} needs besides the records. */
export interface RunIdentity {
  readonly policy: string;
  readonly seed: number;
  readonly endMs: number;
  readonly looks: readonly StageLookRecord[];
  readonly reflection?: ReflectionCounts;
  readonly curvePoints?: number;
}

/** Records one run's decisions and wins. */
export class RunRecorder {
  readonly #plan: MarketPlan;
  readonly #stats: StageRunStats[];
  readonly #regretOf: Float64Array;
  readonly #wonBy: Uint8Array;
  readonly #arrivals: Float64Array | undefined;
  #won = 0;

  /** @param arrivals each customer's arrival time in ms, for the weekly conversion (optional). */
  constructor(plan: MarketPlan, customers: number, arrivals?: Float64Array) {
    this.#plan = plan;
    this.#arrivals = arrivals;
    this.#stats = plan.stages.map(() => ({
      decisions: 0,
      regret: 0,
      bestArmDecisions: 0,
      successes: 0,
      uniformRegret: 0,
    }));
    this.#regretOf = new Float64Array(customers);
    this.#wonBy = new Uint8Array(customers);
  }

  /** Records that `customer` got arm `k` in stage `s`, in the market as it stands, and whether it moved them on. */
  decided(customer: number, s: number, k: number, market: MarketState, success: boolean): void {
    const p = market.p(s, k);
    const best = market.best(s);
    const stats = this.#stats[s]!;
    stats.decisions++;
    stats.regret += best - p;
    this.#regretOf[customer]! += best - p;
    stats.uniformRegret += best - market.mean(s);
    if (p === best) stats.bestArmDecisions++;
    if (success) stats.successes++;
  }

  /** Records that `customer` was won. */
  won(customer: number): void {
    this.#won++;
    this.#wonBy[customer] = 1;
  }

  /** The run's result. */
  result(identity: RunIdentity): RunResult {
    const { policy, seed, endMs, looks, reflection, curvePoints = DEFAULT_CURVE_POINTS } = identity;
    const customers = this.#regretOf.length;
    const stats = this.#stats.map((stage) => ({ ...stage }));
    return {
      policy,
      seed,
      customers,
      won: this.#won,
      regret: stats.reduce((total, stage) => total + stage.regret, 0),
      stages: stats,
      laiRobbins: this.#plan.stages.reduce(
        (total, stage, s) =>
          total +
          laiRobbinsBound(
            stage.startP.filter((_, k) => stage.availableFrom[k] === 0),
            stats[s]!.decisions,
          ),
        0,
      ),
      endMs,
      ...this.#curves(Math.min(curvePoints, customers)),
      looks,
      weeklyConversion: this.#weekly(),
      ...(reflection ? { reflection } : {}),
    };
  }

  /** Won share per week of arrival. */
  #weekly(): number[] {
    const arrivals = this.#arrivals;
    if (arrivals === undefined || arrivals.length === 0) return [];
    const weeks = Math.floor(arrivals[arrivals.length - 1]! / MS_PER_WEEK) + 1;
    const arrived = new Array<number>(weeks).fill(0);
    const won = new Array<number>(weeks).fill(0);
    for (let c = 0; c < arrivals.length; c++) {
      const week = Math.floor(arrivals[c]! / MS_PER_WEEK);
      arrived[week]!++;
      won[week]! += this.#wonBy[c]!;
    }
    return arrived.map((n, week) => (n > 0 ? won[week]! / n : 0));
  }

  /** Cumulative regret and bucketed conversion at `points` evenly spaced customer counts. */
  #curves(points: number): { regretCurve: number[]; conversionCurve: number[] } {
    const regretCurve: number[] = [];
    const conversionCurve: number[] = [];
    let cumulative = 0;
    let start = 0;
    for (let point = 1; point <= points; point++) {
      const end = Math.round((point * this.#regretOf.length) / points);
      let wonInBucket = 0;
      for (let c = start; c < end; c++) {
        cumulative += this.#regretOf[c]!;
        wonInBucket += this.#wonBy[c]!;
      }
      regretCurve.push(cumulative);
      conversionCurve.push(end > start ? wonInBucket / (end - start) : 0);
      start = end;
    }
    return { regretCurve, conversionCurve };
  }
}
