/**
 * The bookkeeping of one run, shared by the fast simulator and the engine run:
 * per decision the pseudo-regret against the best arm of that moment, best-arm
 * hits, uniform rotation's expected regret on the same decision, and per customer
 * the regret and whether they were won; at the end, the {@link RunResult}.
 * @module
 */
import { laiRobbinsBound } from "../experiments/index.js";
import type { StageLookRecord } from "./decision-looks.js";
import type { MarketPlan, MarketState } from "./market.js";
import type { ReflectionCounts } from "./reflection-sim.js";

/** Points of the cumulative-regret and conversion curves, unless told otherwise. */
export const DEFAULT_CURVE_POINTS = 100;
/** One simulated week, ms. */
export const SIM_WEEK_MS = 7 * 86_400_000;

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
  /** Per week of arrival (week 1 first): the regret of the decisions made for the customers who arrived that week. */
  readonly weeklyRegret: readonly number[];
  /** Per week of arrival: the customers who arrived that week. */
  readonly weeklyArrivals: readonly number[];
  /** Per week of arrival: how many of them were won (whenever). */
  readonly weeklyWon: readonly number[];
  /** Decision quality under daily looks, per stage (empty without looks). */
  readonly looks: readonly StageLookRecord[];
  /** What simulated reflection did (runs with reflection only). */
  readonly reflection?: ReflectionCounts;
  /** The change detector's record (policies with change detection only). */
  readonly changeDetection?: ChangeDetectionRecord;
  /** Follow-ups sent to quiet customers, those that revived the customer, and opt-outs they caused. */
  readonly followUps: { readonly sent: number; readonly revived: number; readonly optOuts: number };
}

/** How a run's change detector did against the scenario's true changes. */
export interface ChangeDetectionRecord {
  /** Alarms raised. */
  readonly alarms: number;
  /** Alarms on an arm with no true change since its previous alarm (or its start). */
  readonly falseAlarms: number;
  /** Σ over arms of the months each was in rotation (30-day months). */
  readonly armMonths: number;
  /** True changes of p, and the delay to the first alarm on that arm after each (null: never detected), ms. */
  readonly delaysMs: readonly (number | null)[];
}

/** What {@link RunRecorder.result} needs besides the records. */
export interface RunIdentity {
  readonly policy: string;
  readonly seed: number;
  readonly endMs: number;
  readonly looks: readonly StageLookRecord[];
  readonly reflection?: ReflectionCounts;
  readonly changeDetection?: ChangeDetectionRecord;
  readonly curvePoints?: number;
  /** Each customer's arrival, ms from the start, in customer order (for the weekly figures). */
  readonly arrivalsMs: ArrayLike<number>;
}

/** Records one run's decisions and wins. */
export class RunRecorder {
  readonly #plan: MarketPlan;
  readonly #stats: StageRunStats[];
  readonly #regretOf: Float64Array;
  readonly #wonBy: Uint8Array;
  #won = 0;
  readonly #followUps = { sent: 0, revived: 0, optOuts: 0 };

  constructor(plan: MarketPlan, customers: number) {
    this.#plan = plan;
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
  /** A quiet customer got a follow-up: it revived them, made them opt out, or changed nothing. */
  followUp(effect: "revived" | "opted_out" | "quiet"): void {
    this.#followUps.sent++;
    if (effect === "revived") this.#followUps.revived++;
    if (effect === "opted_out") this.#followUps.optOuts++;
  }

  won(customer: number): void {
    this.#won++;
    this.#wonBy[customer] = 1;
  }

  /** The run's result. */
  result(identity: RunIdentity): RunResult {
    const { policy, seed, endMs, looks, reflection, changeDetection, curvePoints = DEFAULT_CURVE_POINTS } = identity;
    const customers = this.#regretOf.length;
    const stats = this.#stats.map((stage) => ({ ...stage }));
    return {
      policy,
      seed,
      customers,
      won: this.#won,
      followUps: { ...this.#followUps },
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
      ...this.#weeks(identity.arrivalsMs),
      looks,
      ...(reflection ? { reflection } : {}),
      ...(changeDetection ? { changeDetection } : {}),
    };
  }

  /** Regret, arrivals and wins per week of arrival. */
  #weeks(arrivalsMs: ArrayLike<number>): Pick<RunResult, "weeklyRegret" | "weeklyArrivals" | "weeklyWon"> {
    const weeklyRegret: number[] = [];
    const weeklyArrivals: number[] = [];
    const weeklyWon: number[] = [];
    for (let c = 0; c < this.#regretOf.length; c++) {
      const week = Math.floor((arrivalsMs[c] ?? 0) / SIM_WEEK_MS);
      while (weeklyRegret.length <= week) {
        weeklyRegret.push(0);
        weeklyArrivals.push(0);
        weeklyWon.push(0);
      }
      weeklyRegret[week]! += this.#regretOf[c]!;
      weeklyArrivals[week]!++;
      weeklyWon[week]! += this.#wonBy[c]!;
    }
    return { weeklyRegret, weeklyArrivals, weeklyWon };
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
