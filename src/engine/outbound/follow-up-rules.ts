/**
 * The safety rules of follow-ups, as one pure decision: may follow-up `step` of a
 * customer's arm go out now, must it wait (until when), or is it skipped (why)?
 * @module
 */

/** What the rules look at; times are epoch ms. */
export interface FollowUpSituation {
  now: number;
  /** The customer wrote after the bot's last message: they are not quiet any more. */
  answered: boolean;
  optedOut: boolean;
  /** Until when a person has the chat, or null. */
  handoffUntil: number | null;
  firstContactAt: number;
  lastInboundAt: number;
  /** The assignment is still pending and the customer still in its stage and journey. */
  stillInStage: boolean;
  /** When the stage's conversion window closes. */
  windowEndsAt: number;
  /** Follow-ups already written to the customer in this journey. */
  writtenThisJourney: number;
  /** When the customer's (or the shop's) quiet hours end, null when not in them. */
  quietHoursEnd: number | null;
  /** The earliest time the pacing caps allow another send (≤ now: allowed). */
  pacingSlot: number;
  /** The chat goes through the Cloud API (free text only inside the 24-hour window). */
  cloud: boolean;
  /** The follow-up names an approved Cloud template. */
  hasCloudTemplate: boolean;
}

/** The limits (settings). */
export interface FollowUpLimits {
  /** FOLLOW_UP_MAX: follow-ups per customer journey. */
  maxPerJourney: number;
  /** FOLLOW_UP_MIN_AGE_HOURS, in ms: no follow-up to a customer who first wrote more recently. */
  minCustomerAgeMs: number;
  /** The Cloud API's customer-service window. */
  cloudWindowMs: number;
}

/** The decision. */
export type FollowUpDecision =
  | { action: "send"; template: boolean }
  | { action: "wait"; until: number; reason: string }
  | { action: "skip"; reason: string }
  | { action: "unschedule"; reason: string };

/** Applies the rules in order: the final ones (skip) first, then the ones that only delay. */
export function decideFollowUp(s: FollowUpSituation, limits: FollowUpLimits): FollowUpDecision {
  if (s.optedOut) return { action: "skip", reason: "the customer opted out" };
  if (!s.stillInStage) return { action: "skip", reason: "the customer left the stage" };
  if (s.answered) return { action: "unschedule", reason: "the customer answered" };
  if (s.now >= s.windowEndsAt) return { action: "skip", reason: "past the stage's conversion window" };
  if (s.writtenThisJourney >= limits.maxPerJourney) {
    return { action: "skip", reason: `already ${s.writtenThisJourney} follow-up(s) this journey (FOLLOW_UP_MAX)` };
  }
  const outsideCloudWindow = s.cloud && s.now - s.lastInboundAt > limits.cloudWindowMs;
  if (outsideCloudWindow && !s.hasCloudTemplate) {
    return { action: "skip", reason: "outside the Cloud API's 24-hour window and no cloud_template named" };
  }
  const waits: { until: number; reason: string }[] = [];
  if (s.handoffUntil !== null && s.handoffUntil > s.now) waits.push({ until: s.handoffUntil, reason: "handoff" });
  const oldEnough = s.firstContactAt + limits.minCustomerAgeMs;
  if (oldEnough > s.now) waits.push({ until: oldEnough, reason: "customer too new (FOLLOW_UP_MIN_AGE_HOURS)" });
  if (s.quietHoursEnd !== null && s.quietHoursEnd > s.now) {
    waits.push({ until: s.quietHoursEnd, reason: "quiet hours" });
  }
  if (s.pacingSlot > s.now) waits.push({ until: s.pacingSlot, reason: "pacing caps" });
  const longest = waits.sort((a, b) => b.until - a.until)[0];
  if (longest !== undefined) {
    // A wait that ends after the window closes is a skip now.
    if (longest.until >= s.windowEndsAt)
      return { action: "skip", reason: `${longest.reason} lasts past the stage's window` };
    return { action: "wait", ...longest };
  }
  return { action: "send", template: outsideCloudWindow };
}
