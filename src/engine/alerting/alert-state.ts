/**
 * When an alert is delivered, pure: a condition fires once when it starts to
 * hold, repeats at most every `repeatMs` while it holds, and resolves once when
 * it clears; a one-off alert with the same key is delivered at most once per
 * `repeatMs`.
 * @module
 */

/** Default least time between two deliveries of the same alert, ms (an hour). */
export const DEFAULT_ALERT_REPEAT_MS = 60 * 60_000;

/** What to do with a condition now. */
export type ConditionStep = "fire" | "repeat" | "resolve" | "none";

/** A condition's stored state: when it was last delivered, or undefined when it is not active. */
export interface ActiveCondition {
  readonly lastSentAt: number;
}

/** Decides a condition's step from its state, whether it holds now, and the repeat interval. */
export function conditionStep(
  active: ActiveCondition | undefined,
  holds: boolean,
  now: number,
  repeatMs: number = DEFAULT_ALERT_REPEAT_MS,
): ConditionStep {
  if (active === undefined) return holds ? "fire" : "none";
  if (!holds) return "resolve";
  return now - active.lastSentAt >= repeatMs ? "repeat" : "none";
}

/** True when a one-off alert last delivered at `lastSentAt` (undefined: never) may be delivered again at `now`. */
export function eventDue(lastSentAt: number | undefined, now: number, repeatMs: number = DEFAULT_ALERT_REPEAT_MS) {
  return lastSentAt === undefined || now - lastSentAt >= repeatMs;
}
