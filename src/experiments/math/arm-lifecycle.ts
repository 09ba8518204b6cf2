/**
 * How arms earn or lose their place, as pure rules the weights job and the
 * simulator share: a candidate that holds its own against the champion after
 * burn-in graduates to `active`; one that is hopeless after `min_decisions` is
 * retired; and a stage at `max_arms` retires its weakest arm before another joins.
 * @module
 */
import { type BetaPosterior, posterior, posteriorMean, UNIFORM_PRIOR } from "./beta-posterior.js";
import { DEFAULT_POSTERIOR_DRAWS, probabilityBest } from "./probability-best.js";
import type { Random } from "./random.js";
import { DEFAULT_BURN_IN, inRotation, type PolicyArm } from "./thompson-weights.js";

/**
 * A candidate whose P(beating the champion) reaches this, with at least
 * {@link DEFAULT_GRADUATION_DECISIONS} matured decisions, becomes `active`. At 0.5 after
 * 20 decisions graduation was close to a coin flip for a child a little worse than its
 * parent, and a harmful reflection model cost 14 % of won customers in the simulator.
 */
export const GRADUATION_P_BEST = 0.9;
/** Matured decisions a candidate needs before it may graduate (at least the stage's burn-in). */
export const DEFAULT_GRADUATION_DECISIONS = 60;
/** A candidate whose P(best) among the stage's arms is below this after `min_decisions` is retired. */
export const RETIREMENT_P_BEST = 0.01;
/** A candidate whose P(beating the champion) is below this after `min_decisions` is retired too. */
export const RETIREMENT_P_BEATS = 0.05;
/** Resolved decisions a candidate needs before automatic retirement, unless the stage says otherwise. */
export const DEFAULT_MIN_DECISIONS = 100;
/** Most arms per stage that are not retired, unless the stage says otherwise. */
export const DEFAULT_MAX_ARMS = 6;
/**
 * Only an arm whose P(best) is below this is retired to make room (the same bar
 * as automatic retirement): a contender is worth more than an untested proposal,
 * which then waits for the next reflection.
 */
export const MAKE_ROOM_MAX_P_BEST = RETIREMENT_P_BEST;

/** Inputs of {@link reviewCandidates}; defaults in the destructuring. */
export interface CandidateReviewOptions {
  /** The stage's arms with their resolved counts (any status; only arms in rotation are compared). */
  readonly arms: readonly PolicyArm[];
  /** The stage's prior; default Beta(1, 1). */
  readonly prior?: BetaPosterior;
  /** Resolved decisions a candidate needs before it is reviewed; default 20. */
  readonly burnIn?: number;
  /** Decisions a candidate needs before it may graduate (raised to `burnIn` if lower); default 60. */
  readonly graduationDecisions?: number;
  /** Resolved decisions a candidate needs before it may be retired; default 100. */
  readonly minDecisions?: number;
  /** Posterior draws per probability; default 10,000. */
  readonly draws?: number;
  /** Draws the posterior samples (seed it to replay the review). */
  readonly rng: Random;
}

/** The review of one candidate past burn-in. */
export interface CandidateReview {
  readonly key: string;
  /** `graduate`: becomes `active`; `retire`: leaves the rotation; `keep`: stays a candidate. */
  readonly action: "graduate" | "retire" | "keep";
  /** Resolved decisions (successes + failures). */
  readonly decisions: number;
  /** P(candidate beats the reference arm); null without a reference. */
  readonly pBeatsReference: number | null;
  /** The arm it was compared with: the champion, else the best non-candidate by posterior mean. */
  readonly reference: string | null;
  /** P(best) among the arms in rotation past burn-in. */
  readonly pBest: number;
  /** One sentence for the audit log. */
  readonly reason: string;
}

/**
 * Reviews every candidate with at least `burnIn` resolved decisions, in input order:
 *
 * - `graduate` when it has at least `graduationDecisions` (and `burnIn`) decisions and
 *   P(θ_candidate > θ_reference) ≥ 0.9, the reference being the champion (or, in a
 *   stage without one, the non-candidate arm in rotation with the highest posterior mean);
 * - else `retire` when it has at least `minDecisions` resolved decisions and its
 *   P(best) among all arms in rotation is below 0.01 or its P(beats the reference) is
 *   below 0.05 (never the last arm in rotation);
 * - else `keep`.
 *
 * Takes no draws from `rng` when no candidate is past burn-in; otherwise one P(best)
 * estimate over the arms in rotation past burn-in, then one pairwise estimate per
 * candidate reviewed. Give it matured cohorts (assignments whose window has
 * closed): a new arm's successes resolve before its failures and would flatter it.
 * @throws RangeError on invalid counts or draws.
 */
export function reviewCandidates(options: CandidateReviewOptions): CandidateReview[] {
  const {
    arms,
    prior = UNIFORM_PRIOR,
    burnIn = DEFAULT_BURN_IN,
    graduationDecisions = DEFAULT_GRADUATION_DECISIONS,
    minDecisions = DEFAULT_MIN_DECISIONS,
    draws = DEFAULT_POSTERIOR_DRAWS,
    rng,
  } = options;
  const toGraduate = Math.max(burnIn, graduationDecisions);
  const rotating = arms.filter(inRotation);
  const due = rotating.filter((arm) => arm.status === "candidate" && decisionsOf(arm) >= burnIn);
  if (due.length === 0) return [];
  const posteriors = new Map(rotating.map((arm) => [arm, posterior(prior, arm.successes, arm.failures)]));
  // P(best) among the arms with evidence: an untested arm's wide prior would take P(best) from every other.
  const judged = rotating.filter((arm) => decisionsOf(arm) >= burnIn);
  const pBest = probabilityBest(
    judged.map((arm) => posteriors.get(arm)!),
    rng,
    draws,
  ).pBest;
  const pBestOf = (arm: PolicyArm) => pBest[judged.indexOf(arm)] ?? 0;
  const reference = referenceArm(rotating, posteriors);
  let remaining = rotating.length;
  return due.map(function review(arm): CandidateReview {
    const decisions = decisionsOf(arm);
    const own = pBestOf(arm);
    const pBeats =
      reference === undefined
        ? null
        : (probabilityBest([posteriors.get(arm)!, posteriors.get(reference)!], rng, draws).pBest[0] ?? 0);
    const base = { key: arm.key, decisions, pBeatsReference: pBeats, reference: reference?.key ?? null, pBest: own };
    if (pBeats !== null && pBeats >= GRADUATION_P_BEST && decisions >= toGraduate) {
      const reason =
        `P(beats ${reference!.key}) ${pBeats.toFixed(3)} ≥ ${GRADUATION_P_BEST} after ${decisions} ` +
        `resolved decisions (at least ${toGraduate})`;
      return { ...base, action: "graduate", reason };
    }
    const trails = pBeats !== null && pBeats < RETIREMENT_P_BEATS;
    if (decisions >= minDecisions && (own < RETIREMENT_P_BEST || trails) && remaining > 1) {
      remaining--;
      const why =
        own < RETIREMENT_P_BEST
          ? `P(best) ${own.toFixed(4)} < ${RETIREMENT_P_BEST}`
          : `P(beats ${reference!.key}) ${pBeats!.toFixed(4)} < ${RETIREMENT_P_BEATS}`;
      const reason = `${why} after ${decisions} resolved decisions (min_decisions ${minDecisions})`;
      return { ...base, action: "retire", reason };
    }
    return { ...base, action: "keep", reason: `P(best) ${own.toFixed(3)} after ${decisions} resolved decisions` };
  });
}

/** Inputs of {@link makeRoomForArms}; defaults in the destructuring. */
export interface MakeRoomOptions {
  /** The stage's arms with their resolved counts and statuses. */
  readonly arms: readonly PolicyArm[];
  /** Arms about to be added; default 1. */
  readonly adding?: number;
  /** Most arms that are not retired; default 6. */
  readonly maxArms?: number;
  /** Resolved decisions an arm needs before it may be retired to make room; default 20. */
  readonly burnIn?: number;
  readonly prior?: BetaPosterior;
  readonly draws?: number;
  /** Draws the P(best) estimate (only taken when there is a choice to make). */
  readonly rng: Random;
}

/** What {@link makeRoomForArms} decided. */
export interface RoomPlan {
  /** The arms to retire, weakest first, with their P(best) among the arms in rotation and one sentence for the audit log. */
  readonly retire: readonly { readonly key: string; readonly pBest: number; readonly reason: string }[];
  /** How many of the arms being added fit once those are retired (0 … adding). */
  readonly room: number;
}

/**
 * Picks the arms to retire so that at most `maxArms` arms are not retired once
 * `adding` more join (proposed arms count). Only arms in rotation past burn-in
 * whose P(best) is below {@link MAKE_ROOM_MAX_P_BEST} may go, never the champion,
 * and never the last champion or active arm; among them
 * the lowest P(best) goes first (ties: fewer resolved decisions, then key). When
 * too few may go, `room` says how many of the new arms fit.
 * @throws RangeError when `adding` or `maxArms` is not a non-negative integer.
 */
export function makeRoomForArms(options: MakeRoomOptions): RoomPlan {
  const {
    arms,
    adding = 1,
    maxArms = DEFAULT_MAX_ARMS,
    burnIn = DEFAULT_BURN_IN,
    prior = UNIFORM_PRIOR,
    draws = DEFAULT_POSTERIOR_DRAWS,
    rng,
  } = options;
  for (const [name, value] of [
    ["adding", adding],
    ["maxArms", maxArms],
  ] as const) {
    if (!(Number.isInteger(value) && value >= 0)) throw new RangeError(`${name} must be an integer ≥ 0, got ${value}`);
  }
  const kept = arms.filter((arm) => arm.status !== "retired").length;
  const excess = kept + adding - maxArms;
  if (excess <= 0) return { retire: [], room: adding };
  const rotating = arms.filter(inRotation);
  const pastBurnIn = rotating.filter((arm) => arm.status !== "champion" && decisionsOf(arm) >= burnIn);
  const fullCompetitors = rotating.filter((arm) => arm.status === "champion" || arm.status === "active").length;
  if (pastBurnIn.length === 0) return { retire: [], room: Math.max(0, adding - excess) };
  // P(best) among the arms past burn-in: an untested arm's wide prior would take P(best) from every other.
  const judged = rotating.filter((arm) => decisionsOf(arm) >= burnIn);
  const pBest = probabilityBest(
    judged.map((arm) => posterior(prior, arm.successes, arm.failures)),
    rng,
    draws,
  ).pBest;
  const pBestOf = (arm: PolicyArm) => pBest[judged.indexOf(arm)] ?? 0;
  // Only weak arms make room: new proposals must not push out the stage's contenders.
  const eligible = pastBurnIn
    .filter((arm) => pBestOf(arm) < MAKE_ROOM_MAX_P_BEST)
    .sort((a, b) => pBestOf(a) - pBestOf(b) || decisionsOf(a) - decisionsOf(b) || a.key.localeCompare(b.key));
  const retire: { key: string; pBest: number; reason: string }[] = [];
  let competitorsLeft = fullCompetitors;
  for (const arm of eligible) {
    if (retire.length === excess) break;
    const competes = arm.status === "active";
    if (competes && competitorsLeft <= 1) continue;
    if (competes) competitorsLeft--;
    const reason =
      `max_arms ${maxArms}: the weakest arm past burn-in (P(best) ${pBestOf(arm).toFixed(4)}, ` +
      `${decisionsOf(arm)} resolved decisions) makes room for a new one`;
    retire.push({ key: arm.key, pBest: pBestOf(arm), reason });
  }
  return { retire, room: Math.max(0, adding - (excess - retire.length)) };
}

function decisionsOf(arm: PolicyArm): number {
  return arm.successes + arm.failures;
}

/** The champion in rotation, else the non-candidate arm with the highest posterior mean (first on ties). */
function referenceArm(
  rotating: readonly PolicyArm[],
  posteriors: ReadonlyMap<PolicyArm, BetaPosterior>,
): PolicyArm | undefined {
  const champion = rotating.find((arm) => arm.status === "champion");
  if (champion !== undefined) return champion;
  let best: PolicyArm | undefined;
  for (const arm of rotating) {
    if (arm.status === "candidate") continue;
    if (best === undefined || posteriorMean(posteriors.get(arm)!) > posteriorMean(posteriors.get(best)!)) best = arm;
  }
  return best;
}
