/**
 * The market of a scenario: per stage, which arms exist and their true success
 * probabilities at each point of the run. The market moves with arrivals: a
 * change or a new arm at customer i holds for every decision made once customer i
 * has arrived, whoever that decision is for. Reflection adds arms during a run
 * ({@link MarketState.addArm}) and the lifecycle rules retire some
 * ({@link MarketState.retire}); the best and mean p count only arms not retired.
 * @module
 */
import type { Scenario } from "./scenario-schema.js";

/** Milliseconds in one hour, the unit of windows and delays in scenario files. */
export const MS_PER_HOUR = 3_600_000;

/** One stage as the simulator runs it. */
export interface MarketStage {
  readonly stage: string;
  /** The conversion window in milliseconds. */
  readonly windowMs: number;
  /** ln of the median delay in hours (the lognormal's μ). */
  readonly delayMu: number;
  readonly delaySigma: number;
  /** Arm keys (variant ids): the initial arms in file order, then the new arms in order of arrival. */
  readonly arms: readonly string[];
  /** Per arm, the first customer number it serves (0 for the initial arms). */
  readonly availableFrom: readonly number[];
  /** Per arm, the true p when it starts (before any change). */
  readonly startP: readonly number[];
  /** Per arm, its follow-up model (null: none; arms that arrive later have none). */
  readonly followUps: readonly (SimFollowUp | null)[];
}

/** What an arm's follow-up does to a quiet customer (scenario `follow_up`). */
export interface SimFollowUp {
  readonly revive: number;
  readonly optOut: number;
  readonly afterMs: number;
}

/** A scheduled move of the market. */
interface MarketEvent {
  readonly atCustomer: number;
  readonly stage: number;
  readonly arm: number;
  /** The new p, or for an arrival the arm's p. */
  readonly p: number;
  readonly kind: "arrive" | "change";
}

/** The static description of a scenario's market. */
export interface MarketPlan {
  readonly stages: readonly MarketStage[];
  readonly events: readonly MarketEvent[];
}

/** Builds the market of a validated scenario. */
export function planMarket(scenario: Scenario): MarketPlan {
  const stageIndex = new Map(scenario.stages.map((stage, s) => [stage.stage, s]));
  const newArms = [...scenario.new_arms].sort((a, b) => a.at_customer - b.at_customer);
  const stages = scenario.stages.map(function toMarketStage(stage): MarketStage {
    const late = newArms.filter((arm) => arm.stage === stage.stage);
    return {
      stage: stage.stage,
      windowMs: stage.window_hours * MS_PER_HOUR,
      delayMu: Math.log(stage.delay_hours.median),
      delaySigma: stage.delay_hours.sigma,
      arms: [...stage.arms.map((arm) => arm.variant), ...late.map((arm) => arm.variant)],
      availableFrom: [...stage.arms.map(() => 0), ...late.map((arm) => arm.at_customer)],
      startP: [...stage.arms.map((arm) => arm.p), ...late.map((arm) => arm.p)],
      followUps: [
        ...stage.arms.map((arm) =>
          arm.follow_up === undefined
            ? null
            : {
                revive: arm.follow_up.revive,
                optOut: arm.follow_up.opt_out,
                afterMs: arm.follow_up.after_hours * MS_PER_HOUR,
              },
        ),
        ...late.map(() => null),
      ],
    };
  });
  const armIndex = (stage: number, variant: string) => stages[stage]!.arms.indexOf(variant);
  const events: MarketEvent[] = [
    ...newArms.map(function arrival(arm): MarketEvent {
      const s = stageIndex.get(arm.stage)!;
      return { atCustomer: arm.at_customer, stage: s, arm: armIndex(s, arm.variant), p: arm.p, kind: "arrive" };
    }),
    ...scenario.changes.map(function change(c): MarketEvent {
      const s = stageIndex.get(c.stage)!;
      return { atCustomer: c.at_customer, stage: s, arm: armIndex(s, c.variant), p: c.p, kind: "change" };
    }),
  ];
  // Stable: at the same customer an arrival comes before changes, and changes keep file order.
  events.sort((a, b) => a.atCustomer - b.atCustomer || (a.kind === b.kind ? 0 : a.kind === "arrive" ? -1 : 1));
  return { stages, events };
}

/**
 * The market as it stands during one run. Arms that are available form a prefix of
 * each stage's arm list, because new arms are ordered by arrival.
 */
export class MarketState {
  readonly #plan: MarketPlan;
  readonly #p: number[][];
  readonly #retired: boolean[][];
  readonly #available: number[];
  readonly #best: number[];
  #next = 0;
  #version = 0;

  constructor(plan: MarketPlan) {
    this.#plan = plan;
    this.#p = plan.stages.map((stage) => [...stage.startP]);
    this.#retired = plan.stages.map((stage) => stage.startP.map(() => false));
    this.#available = plan.stages.map((stage) => stage.availableFrom.filter((from) => from === 0).length);
    this.#best = plan.stages.map(() => 0);
    this.advanceTo(0);
    for (let s = 0; s < plan.stages.length; s++) this.#updateBest(s);
  }

  /** Applies every change and arrival due once customer `customer` has arrived. Returns true if anything moved. */
  advanceTo(customer: number): boolean {
    let moved = false;
    for (let event = this.#plan.events[this.#next]; event && event.atCustomer <= customer; ) {
      if (event.kind === "arrive")
        this.#available[event.stage] = Math.max(this.#available[event.stage]!, event.arm + 1);
      this.#p[event.stage]![event.arm] = event.p;
      this.#updateBest(event.stage);
      moved = true;
      event = this.#plan.events[++this.#next];
    }
    if (moved) this.#version++;
    return moved;
  }

  /** Arms of stage `s` in rotation now (a prefix of its arm list). */
  available(s: number): number {
    return this.#available[s]!;
  }

  /** True p of arm `k` in stage `s` now. */
  p(s: number, k: number): number {
    return this.#p[s]![k]!;
  }

  /** The best available p of stage `s` now. */
  best(s: number): number {
    return this.#best[s]!;
  }

  /** The mean true p of the available arms of stage `s` that are not retired, now (p̄). */
  mean(s: number): number {
    const p = this.#p[s]!;
    const retired = this.#retired[s]!;
    let total = 0;
    let arms = 0;
    for (let k = 0; k < this.#available[s]!; k++) {
      if (retired[k]) continue;
      total += p[k]!;
      arms++;
    }
    return total / arms;
  }

  /** The available arms' true p of stage `s` now (a copy). */
  probabilities(s: number): number[] {
    return this.#p[s]!.slice(0, this.#available[s]!);
  }

  /**
   * Adds an arm with true p `p` to stage `s` at once (a reflection proposal) and
   * returns its index. Only for markets without planned arrivals still to come
   * (scenarios with a `reflection` block have no `new_arms`).
   */
  addArm(s: number, p: number): number {
    const k = this.#p[s]!.length;
    if (this.#available[s] !== k) throw new RangeError(`stage ${s} still has planned arms to arrive`);
    this.#p[s]!.push(p);
    this.#retired[s]!.push(false);
    this.#available[s] = k + 1;
    this.#updateBest(s);
    this.#version++;
    return k;
  }

  /** Takes arm `k` of stage `s` out of the best and mean p (it no longer serves). */
  retire(s: number, k: number): void {
    this.#retired[s]![k] = true;
    this.#updateBest(s);
    this.#version++;
  }

  /** Increases whenever the market moves; lets callers cache what depends on it. */
  get version(): number {
    return this.#version;
  }

  #updateBest(s: number): void {
    let best = 0;
    const p = this.#p[s]!;
    const retired = this.#retired[s]!;
    for (let k = 0; k < this.#available[s]!; k++) if (!retired[k]) best = Math.max(best, p[k]!);
    this.#best[s] = best;
  }
}
