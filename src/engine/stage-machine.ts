/**
 * The stage machine: which stage a message puts a customer in. Pure.
 *
 * Rules (the sales plan in DESIGN.md):
 * - A customer moves forward, never back: the new stage is the furthest active
 *   stage whose signals the message matches, if that is past the current one.
 * - `won` is only ever set by an outcome the shop reports, never from text.
 * - A `lost` (or `won`) customer who writes again starts a new journey at the
 *   first stage, and the message is then classified from there.
 * @module
 */

/** Something that says whether a text shows a stage's signals. */
export interface TextMatcher {
  matches(text: string): boolean;
}

/** One active stage in funnel order, with its signal matcher. */
export interface StageRule {
  id: string;
  signals: TextMatcher;
}

/** The end states every funnel has. */
export const END_STAGES = ["won", "lost"] as const;

/** What the machine decided for one inbound message. */
export interface StageTransition {
  /** The stage after this message. */
  stage: string;
  /** True when the customer starts a new journey (was won or lost). */
  newJourney: boolean;
  /** True when the stage differs from the one before (or a journey starts). */
  entered: boolean;
  /** Stages passed over without being entered (no assignment is made for them). */
  skipped: string[];
}

/**
 * Decides the stage after a message.
 * @param current the customer's stage, or `null` for a new customer.
 * @param stages the funnel's active stages in order (at least one).
 */
export function nextStage(current: string | null, text: string, stages: readonly StageRule[]): StageTransition {
  const first = stages[0];
  if (first === undefined) throw new Error("the funnel has no active stages");
  const restart = current === null || (END_STAGES as readonly string[]).includes(current);
  const fromIndex = restart
    ? 0
    : Math.max(
        0,
        stages.findIndex((s) => s.id === current),
      );
  let target = fromIndex;
  for (let i = stages.length - 1; i > fromIndex; i--) {
    if (stages[i]?.signals.matches(text)) {
      target = i;
      break;
    }
  }
  const stage = stages[target]?.id ?? first.id;
  const skipped = stages.slice(restart ? 0 : fromIndex + 1, target).map((s) => s.id);
  return {
    stage,
    newJourney: restart && current !== null,
    entered: restart || target !== fromIndex,
    skipped,
  };
}

/** Position of a stage in the funnel, with the end states after the active ones. */
export function stageIndex(stage: string, stages: readonly { id: string }[]): number {
  const i = stages.findIndex((s) => s.id === stage);
  if (i >= 0) return i;
  return stage === "won" || stage === "lost" ? stages.length : -1;
}
