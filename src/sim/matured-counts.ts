/**
 * Per stage, the outcomes of assignments whose conversion window has closed: the
 * counts the verdict reads under `--verdict-counts matured`.
 * @module
 */
import type { ArmStatus } from "../experiments/index.js";
import type { MarketPlan } from "./market.js";

/** An arm's resolved counts as a run keeps them (policies see them read-only); reflection changes the status. */
export interface CountedArm {
  readonly key: string;
  successes: number;
  failures: number;
  status: ArmStatus;
}

/** Fresh zero counts for every arm of every stage. */
export function zeroCounts(plan: MarketPlan): CountedArm[][] {
  return plan.stages.map((stage) => stage.arms.map((key) => ({ key, successes: 0, failures: 0, status: "active" })));
}

/**
 * Counts assignments once their window has closed, whatever their outcome: an
 * unbiased cohort, since by then every success and every failure of it is known.
 */
export class MaturedCounts {
  readonly #windows: number[];
  readonly #counts: CountedArm[][];
  readonly #queues: { at: number[]; arm: number[]; success: boolean[]; head: number }[];

  constructor(plan: MarketPlan) {
    this.#windows = plan.stages.map((stage) => stage.windowMs);
    this.#counts = zeroCounts(plan);
    this.#queues = plan.stages.map(() => ({ at: [], arm: [], success: [], head: 0 }));
  }

  /** Notes an assignment; calls come in time order, so each stage's queue stays sorted. */
  assigned(s: number, arm: number, at: number, success: boolean): void {
    const queue = this.#queues[s]!;
    queue.at.push(at);
    queue.arm.push(arm);
    queue.success.push(success);
  }

  /** Stage `s`'s counts of the assignments matured by `at`. */
  until(s: number, at: number): readonly CountedArm[] {
    const queue = this.#queues[s]!;
    const counts = this.#counts[s]!;
    const window = this.#windows[s]!;
    for (; queue.head < queue.at.length && queue.at[queue.head]! + window <= at; queue.head++) {
      const arm = counts[queue.arm[queue.head]!]!;
      if (queue.success[queue.head]) arm.successes++;
      else arm.failures++;
    }
    return counts;
  }
}
