/**
 * The port between the simulator and the policies it compares. The simulator
 * calls `observe` when an outcome resolves, at its resolution time, and `choose`
 * when a customer enters a stage; the counts it hands over hold only outcomes
 * resolved by then. A policy therefore cannot see the future unless it is told
 * the truth (`trueP`, which only the oracle reads).
 * @module
 */
import type { PolicyArm } from "../experiments/index.js";

/** A customer entering a stage: what a policy may look at to choose an arm. */
export interface SimDecision {
  /** Simulated time, milliseconds from the start of the run. */
  readonly now: number;
  readonly customer: number;
  /** Stage index in the scenario's funnel order. */
  readonly stage: number;
  /** The stage's arms in rotation, with their resolved successes and failures as of `now`. */
  readonly arms: readonly PolicyArm[];
  /** The arms' true success probabilities now. Only the oracle may read them. */
  readonly trueP: readonly number[];
}

/** One assignment's outcome, delivered when it resolves. */
export interface SimOutcome {
  readonly customer: number;
  readonly stage: number;
  /** Arm index in the stage's arm list. */
  readonly arm: number;
  readonly success: boolean;
  /** When the arm was assigned, milliseconds. */
  readonly assignedAt: number;
  /** When the outcome became known: the move to the next stage, or the window's end. */
  readonly resolvedAt: number;
}

/** A change alarm a policy raised (policies with change detection only). */
export interface SimPolicyAlarm {
  readonly stage: number;
  /** The arm's key. */
  readonly arm: string;
  /** When the alarm was raised, ms. */
  readonly at: number;
  /** The estimated change point (an assignment time), ms. */
  readonly changeAt: number;
  readonly direction: "up" | "down";
}

/** A policy under simulation. */
export interface SimPolicy {
  readonly name: string;
  /** The change alarms it raised, for policies that watch for changes. */
  readonly alarms?: readonly SimPolicyAlarm[];
  /** Learns one resolved outcome; called at `outcome.resolvedAt`, in time order. */
  observe(outcome: SimOutcome): void;
  /** Returns the index (into `decision.arms`) of the arm this customer gets. */
  choose(decision: SimDecision): number;
}
