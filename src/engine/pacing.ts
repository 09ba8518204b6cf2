/**
 * Human pacing and sending limits: pure decisions the sender applies before
 * each send. Defaults and the reason for each are documented here and in the
 * README ("Go live").
 * @module
 */

/** Bounds of human pacing and rate limits. */
export interface PacingConfig {
  /** `human`: seen, typing and jittered delays; `off`: send at once. */
  mode: "human" | "off";
  /** Pause before marking the message seen, ms (a person does not read instantly). Default 800. */
  seenDelayMs: number;
  /** Typing time before any reply, ms. Default 1200. */
  typingBaseMs: number;
  /** Extra typing time per character, ms (≈ a brisk 30 chars/s typist). Default 35. */
  typingPerCharMs: number;
  /** Longest typing time, ms, so a long reply still arrives well inside 30 s. Default 9000. */
  typingMaxMs: number;
  /** Random spread of every delay, as a fraction (0.25 = ±25 %), so timing never looks scripted. */
  jitter: number;
  /** Least time between two of our messages in one chat, ms. Default 2500: bubbles in the same second read as a bot. */
  minGapPerChatMs: number;
  /**
   * Most messages per minute from the number (all chats). Default 20: a person answers a few chats at
   * once at most; bursts from one number are what WhatsApp's anti-spam flags (GOWA/WAHA "error 463").
   */
  maxPerMinute: number;
  /** Most messages per hour from the number (all chats). Default 400: a busy shop's peak, far below bulk-sender volume. */
  maxPerHour: number;
  /**
   * Quiet hours in the customer's time zone, [start, end) in hours; default 21 → 8: a sales message at
   * night is the surest way to be blocked or reported. Replies to a message just received still go.
   */
  quietHours: { start: number; end: number };
  /** A reply counts as "to a message just received" within this many ms of it. Default 15 minutes: the customer is still in the chat. */
  freshReplyMs: number;
}

/** Defaults for live gateways. */
export const DEFAULT_PACING: PacingConfig = {
  mode: "human",
  seenDelayMs: 800,
  typingBaseMs: 1200,
  typingPerCharMs: 35,
  typingMaxMs: 9000,
  jitter: 0.25,
  minGapPerChatMs: 2500,
  maxPerMinute: 20,
  maxPerHour: 400,
  quietHours: { start: 21, end: 8 },
  freshReplyMs: 15 * 60_000,
};

const HOUR_MS = 3_600_000;

/** How long to show "typing…" for a reply of this length, with jitter from `u` in [0, 1). */
export function typingDelayMs(textLength: number, config: PacingConfig, u: number): number {
  const base = Math.min(config.typingBaseMs + textLength * config.typingPerCharMs, config.typingMaxMs);
  return Math.round(jittered(base, config.jitter, u));
}

/** The pause before marking seen, with jitter. */
export function seenDelayMs(config: PacingConfig, u: number): number {
  return Math.round(jittered(config.seenDelayMs, config.jitter, u));
}

/** A value spread by ±`jitter` using `u` in [0, 1). */
export function jittered(value: number, jitter: number, u: number): number {
  return value * (1 - jitter + 2 * jitter * u);
}

/**
 * When the number may send again under the per-minute and per-hour caps, given
 * the times of its recent sends (ms, any order). Returns `now` when it may send now.
 */
export function nextSendSlot(recentSends: readonly number[], now: number, config: PacingConfig): number {
  const inMinute = recentSends.filter((t) => t > now - 60_000).sort((a, b) => a - b);
  const inHour = recentSends.filter((t) => t > now - 3_600_000).sort((a, b) => a - b);
  let slot = now;
  if (inMinute.length >= config.maxPerMinute) {
    slot = Math.max(slot, (inMinute[inMinute.length - config.maxPerMinute] ?? now) + 60_000);
  }
  if (inHour.length >= config.maxPerHour) {
    slot = Math.max(slot, (inHour[inHour.length - config.maxPerHour] ?? now) + 3_600_000);
  }
  return slot;
}

/**
 * If `now` is inside quiet hours in `timeZone`, the end of them (epoch ms): the
 * next `quietHours.end` o'clock on the customer's wall clock, exact to the
 * millisecond, across half-hour offsets and daylight-saving changes; else null.
 * An unknown or invalid time zone has no quiet hours (we do not guess).
 */
export function quietHoursEnd(now: number, timeZone: string | null, config: PacingConfig): number | null {
  if (timeZone === null) return null;
  const wall = wallClock(now, timeZone);
  if (wall === null) return null;
  const hour = new Date(wall).getUTCHours();
  const { start, end } = config.quietHours;
  const inQuiet = start > end ? hour >= start || hour < end : hour >= start && hour < end;
  if (!inQuiet) return null;
  const hoursLeft = (end - hour + 24) % 24 || 24;
  const wallEnd = wall - (wall % HOUR_MS) + hoursLeft * HOUR_MS;
  return wallClockToEpoch(wallEnd, timeZone);
}

/**
 * Backoff before retry number `attempt` (1-based): exponential from `baseMs`,
 * capped at `maxMs`, jittered by `u` in [0, 1) between half that and all of it.
 */
export function retryDelayMs(attempt: number, u: number, { baseMs = 2_000, maxMs = 5 * 60_000 } = {}): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(cap / 2 + (cap / 2) * u);
}

/** The wall-clock time in `timeZone` at `at`, written as if it were UTC (epoch ms); null for an unknown zone. */
function wallClock(at: number, timeZone: string): number | null {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    }).formatToParts(at);
  } catch {
    return null;
  }
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second"));
  return Number.isFinite(wall) ? wall + (((at % 1000) + 1000) % 1000) : null;
}

/** The epoch ms at which `timeZone`'s wall clock shows `wall` (a nearby instant when that wall time is skipped). */
function wallClockToEpoch(wall: number, timeZone: string): number {
  // The offset at a first guess, then at the corrected time, settles across a daylight-saving change.
  const offsetAt = (at: number) => (wallClock(at, timeZone) ?? at) - at;
  const guess = wall - offsetAt(wall);
  return wall - offsetAt(guess);
}
