/**
 * The evidence of a stage's experiment and its verdict, computed once for
 * everyone who needs it: the report (`src/analytics`) shows it, and a
 * promotion checks it, so an operator who retires the challengers while the
 * stage is still `collecting` is told how little is known, by the same numbers
 * the report prints.
 *
 * Posteriors use every resolved outcome (discounted when the stage discounts
 * old evidence); the verdict counts matured cohorts only (see stage-tallies.ts).
 * P(best) and expected loss come from posterior draws seeded from the stage's
 * name, so the same data always give the same numbers.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import { type Arm, activeArms, allArms } from "./arms.js";
import type { ExperimentPlaybooks } from "./experiment-playbooks.js";
import {
  type BetaPosterior,
  createSeededRandom,
  deriveSeed,
  posterior,
  probabilityBest,
  type Verdict,
  verdict,
} from "./math/index.js";
import { resolvedCounts } from "./policy-update.js";
import type { StageSettings } from "./stage-settings.js";
import { type ArmTally, stageArmTallies } from "./stage-tallies.js";

/** Root seed of the verdict's posterior draws; each stage derives its own from its name. */
export const VERDICT_SEED = 4;

/** Successes and failures. */
export interface SuccessCounts {
  successes: number;
  failures: number;
}

/** One arm in rotation, as the verdict judged it. */
export interface JudgedArm {
  key: string;
  /** Matured resolved decisions (successes + failures). */
  decisions: number;
  successes: number;
  failures: number;
  /** P(arm is best) among the arms in rotation, in [0, 1]. */
  pBest: number;
  /** Expected loss in success probability, in [0, 1]. */
  expectedLoss: number;
}

/** A stage's evidence and verdict at one moment. */
export interface StageEvidence {
  settings: StageSettings;
  /** Every arm the stage ever had. */
  arms: Arm[];
  /** The arms in rotation (champion, active, candidate) that the playbooks still hold. */
  rotating: Arm[];
  /** Per arm key: counts by status, matured cohorts only. */
  tallies: Map<string, ArmTally>;
  /** Per arm key: the counts the posteriors use (every resolved outcome, discounted when configured). */
  posteriorCounts: Map<string, SuccessCounts>;
  /** Per arm key: Beta posterior; arms never assigned have the prior. */
  posteriors: Map<string, BetaPosterior>;
  /** The arms in rotation, in `rotating` order, with what the verdict saw. */
  judged: JudgedArm[];
  /** When the stage's first assignment was made (or `now` when none was), epoch ms. */
  startedAt: number;
  verdict: Verdict;
}

/** Computes `stage`'s evidence and verdict at `now`. */
export async function stageEvidence(
  db: Kysely<Database>,
  playbooks: ExperimentPlaybooks,
  stage: string,
  now: number,
): Promise<StageEvidence> {
  const settings = playbooks.settings(stage);
  const arms = await allArms(db, stage);
  const rotating = await activeArms(db, stage, playbooks.loadedKeys);
  const tallies = await stageArmTallies(db, stage, now);
  const counts =
    settings.discountPerWeek !== null
      ? await resolvedCounts(db, settings, now)
      : new Map([...tallies].map(([key, t]) => [key, { successes: t.successes, failures: t.failures }]));
  const posteriors = new Map(
    arms.map((a) => {
      const c = counts.get(a.key) ?? { successes: 0, failures: 0 };
      return [a.key, posterior(settings.prior, c.successes, c.failures)];
    }),
  );
  const best = probabilityBest(
    rotating.map((a) => posteriors.get(a.key) ?? settings.prior),
    createSeededRandom(deriveSeed(VERDICT_SEED, `report:${stage}`)),
    settings.draws,
  );
  const judged = rotating.map((arm, i): JudgedArm => {
    const t = tallies.get(arm.key);
    return {
      key: arm.key,
      decisions: (t?.successes ?? 0) + (t?.failures ?? 0),
      successes: t?.successes ?? 0,
      failures: t?.failures ?? 0,
      pBest: best.pBest[i] ?? 0,
      expectedLoss: clampUnit(best.expectedLoss[i] ?? 0),
    };
  });
  const startedAt = Math.min(now, ...[...tallies.values()].map((t) => t.firstAssignedAt));
  const judgement = verdict({
    arms: judged,
    startedAt,
    now,
    rules: { minDecisions: settings.minDecisions, minSuccesses: settings.minSuccesses, minDays: settings.minDays },
  });
  return {
    settings,
    arms,
    rotating,
    tallies,
    posteriorCounts: counts,
    posteriors,
    judged,
    startedAt,
    verdict: judgement,
  };
}

/** `x` clipped to [0, 1] (Monte Carlo noise can leave an expected loss a hair below 0). */
export function clampUnit(x: number): number {
  return Math.min(1, Math.max(0, x));
}
