/**
 * The verdict of a stage's experiment: still collecting, a winner, or no winner yet.
 * @module
 */
import { type AlwaysValidOptions, alwaysValidPValue } from "./always-valid.js";

/** Milliseconds in one day, the unit of `minDays`. */
export const MS_PER_DAY = 24 * 60 * 60 * 1000;

/** Thresholds of the verdict; every one configurable, defaults in {@link DEFAULT_DECISION_RULES}. */
export interface DecisionRules {
  /** Resolved decisions every arm needs before a verdict. */
  readonly minDecisions: number;
  /** Successes every arm needs before a verdict. */
  readonly minSuccesses: number;
  /** Days the experiment must have run before a verdict. */
  readonly minDays: number;
  /** P(best) the winner needs, at least. */
  readonly pBestThreshold: number;
  /** Expected loss (in success probability) the winner may have, at most. */
  readonly expectedLossThreshold: number;
}

/** The defaults of issue 4: 100 decisions, 40 successes, 14 days, P(best) ≥ 0.95, loss ≤ 0.0025. */
export const DEFAULT_DECISION_RULES: DecisionRules = Object.freeze({
  minDecisions: 100,
  minSuccesses: 40,
  minDays: 14,
  pBestThreshold: 0.95,
  expectedLossThreshold: 0.0025,
});

/** One active arm's evidence. */
export interface VerdictArm {
  readonly key: string;
  /** Resolved decisions (successes + failures; pending ones do not count). */
  readonly decisions: number;
  readonly successes: number;
  readonly failures: number;
  readonly pBest: number;
  readonly expectedLoss: number;
}

/** Inputs of {@link verdict}. */
export interface VerdictInput {
  /** The stage's active arms (leave retired arms out). */
  readonly arms: readonly VerdictArm[];
  /** When the experiment started, epoch milliseconds. */
  readonly startedAt: number;
  /** Now, epoch milliseconds. */
  readonly now: number;
  /** Overrides of {@link DEFAULT_DECISION_RULES}. */
  readonly rules?: Partial<DecisionRules>;
  /** Options of the always-valid check of the leader against the runner-up. */
  readonly alwaysValid?: AlwaysValidOptions;
}

/** `collecting`: not enough evidence to judge; `winner`: one arm is best; `no_winner_yet`: judged, undecided. */
export type VerdictKind = "collecting" | "winner" | "no_winner_yet";

/** The verdict and why. */
export interface Verdict {
  readonly verdict: VerdictKind;
  /** The winning arm's key under `winner`, otherwise null. */
  readonly winner: string | null;
  /** Human-readable reasons: every unmet condition, or the evidence for the winner. */
  readonly reasons: readonly string[];
}

/**
 * Judges a stage. With no arm or a single arm there is nothing to compare:
 * `no_winner_yet`, saying so. Otherwise `collecting` until every arm has
 * `minDecisions` resolved decisions and `minSuccesses` successes and the experiment
 * has run `minDays`. Then `winner` when the leader (highest P(best)) has
 * P(best) ≥ `pBestThreshold`, expected loss ≤ `expectedLossThreshold`, and the
 * always-valid test finds its rate higher than the runner-up's (next highest P(best));
 * otherwise `no_winner_yet` with the conditions that failed.
 */
export function verdict(input: VerdictInput): Verdict {
  const { arms, startedAt, now, alwaysValid = {} } = input;
  const rules: DecisionRules = { ...DEFAULT_DECISION_RULES, ...input.rules };
  if (arms.length === 0) return { verdict: "no_winner_yet", winner: null, reasons: ["no active arm"] };
  if (arms.length === 1) {
    return { verdict: "no_winner_yet", winner: null, reasons: ["single arm: nothing to compare it with"] };
  }

  const missing = collectingReasons(arms, startedAt, now, rules);
  if (missing.length > 0) return { verdict: "collecting", winner: null, reasons: missing };

  const [leader, runnerUp] = [...arms].sort(byPBestThenRate) as [VerdictArm, VerdictArm];
  const reasons: string[] = [];
  const pBestMet = leader.pBest >= rules.pBestThreshold;
  const lossMet = leader.expectedLoss <= rules.expectedLossThreshold;
  reasons.push(
    `${leader.key} P(best) ${round(leader.pBest)} ${pBestMet ? "≥" : "<"} ${rules.pBestThreshold}`,
    `${leader.key} expected loss ${round(leader.expectedLoss)} ${lossMet ? "≤" : ">"} ${rules.expectedLossThreshold}`,
  );
  const check = alwaysValidPValue(runnerUp, leader, alwaysValid);
  const leaderHigher = check.difference > 0;
  const agrees = check.rejects && leaderHigher;
  reasons.push(
    `always-valid test ${leader.key} vs ${runnerUp.key}: p ${round(check.pValue)}` +
      (agrees ? " agrees" : check.rejects ? ", but the leader's observed rate is not higher" : " does not agree yet"),
  );
  if (pBestMet && lossMet && agrees) return { verdict: "winner", winner: leader.key, reasons };
  return { verdict: "no_winner_yet", winner: null, reasons };
}

function collectingReasons(arms: readonly VerdictArm[], startedAt: number, now: number, rules: DecisionRules) {
  const reasons: string[] = [];
  for (const arm of arms) {
    if (arm.decisions < rules.minDecisions) {
      reasons.push(`${arm.key} has ${arm.decisions} of ${rules.minDecisions} resolved decisions`);
    }
    if (arm.successes < rules.minSuccesses) {
      reasons.push(`${arm.key} has ${arm.successes} of ${rules.minSuccesses} successes`);
    }
  }
  const days = (now - startedAt) / MS_PER_DAY;
  if (days < rules.minDays) reasons.push(`running ${round(days)} of ${rules.minDays} days`);
  return reasons;
}

function byPBestThenRate(x: VerdictArm, y: VerdictArm): number {
  return y.pBest - x.pBest || rate(y) - rate(x);
}

function rate(arm: VerdictArm): number {
  const resolved = arm.successes + arm.failures;
  return resolved === 0 ? 0 : arm.successes / resolved;
}

function round(value: number): number {
  return Number(value.toPrecision(3));
}
