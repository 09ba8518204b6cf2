/**
 * The time span a report covers and the span it compares against: `--since 7d`,
 * an explicit `--from/--to`, or the last full week (Monday 00:00 to Monday
 * 00:00) in the shop's time zone, as the weekly job uses. Pure: the instant
 * "now" comes in as an argument.
 * @module
 */
import { CloserError } from "../errors.js";

/** Milliseconds in one day. */
const DAY = 86_400_000;
/** Units `--since` accepts, in milliseconds. */
const SINCE_UNITS: Record<string, number> = { h: 3_600_000, d: DAY, w: 7 * DAY };

/** A report's span and the span of the same length just before it, epoch ms, end exclusive. */
export interface ReportPeriod {
  readonly from: number;
  readonly to: number;
  readonly previousFrom: number;
  readonly previousTo: number;
}

/**
 * The period `[from, to)` and the one before it.
 * @throws CloserError `bad_request` when `from` is not before `to`.
 */
export function reportPeriod(from: number, to: number): ReportPeriod {
  if (!(Number.isFinite(from) && Number.isFinite(to) && from < to)) {
    throw new CloserError("bad_request", "the report's start must be before its end");
  }
  return { from, to, previousFrom: from - (to - from), previousTo: from };
}

/**
 * Parses a look-back like `7d`, `36h` or `2w` into milliseconds.
 * @throws CloserError `bad_request` naming the value.
 */
export function parseSince(text: string): number {
  const match = /^(\d+)\s*([hdw])$/.exec(text.trim());
  const amount = match ? Number(match[1]) : 0;
  if (match === null || amount <= 0) {
    throw new CloserError("bad_request", `"${text}" is not a look-back like 7d, 36h or 2w`);
  }
  return amount * SINCE_UNITS[match[2] as string]!;
}

/**
 * Parses a `--from`/`--to` value: an ISO date (`2026-11-23`, midnight in
 * `timeZone`) or an ISO date-time with an offset.
 * @throws CloserError `bad_request` naming the value.
 */
export function parseReportTime(text: string, timeZone: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  if (date !== null) return localMidnight(Number(date[1]), Number(date[2]) - 1, Number(date[3]), timeZone);
  const at = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(at)) {
    throw new CloserError("bad_request", `"${text}" is not a date (2026-11-23) or a date-time with offset`);
  }
  return at;
}

/** How a caller names a report's span: a look-back, or a start and an end. */
export interface ReportSpanRequest {
  /** A look-back ending now (`7d`, `36h`, `2w`); the default when neither from nor to is given. */
  since?: string | undefined;
  /** A date (midnight in the shop's zone) or a date-time with offset. */
  from?: string | undefined;
  /** Same; default now. */
  to?: string | undefined;
}

/** The look-back used when a caller names no span. */
export const DEFAULT_SINCE = "7d";

/**
 * Turns `--since` or `--from/--to` (or the same query parameters) into a span ending by `now`.
 * @throws CloserError `bad_request` for a bad value, for `since` with `from`, or a start not before the end.
 */
export function resolveReportSpan(request: ReportSpanRequest, now: number, timeZone: string): ReportPeriod {
  const { since, from, to } = request;
  if (since !== undefined && (from !== undefined || to !== undefined)) {
    throw new CloserError("bad_request", "give either since or from/to, not both");
  }
  if (from === undefined) {
    if (to !== undefined) throw new CloserError("bad_request", "to needs a from");
    return reportPeriod(now - parseSince(since ?? DEFAULT_SINCE), now);
  }
  return reportPeriod(parseReportTime(from, timeZone), to === undefined ? now : parseReportTime(to, timeZone));
}

/** The last full week before `now` in `timeZone`: Monday 00:00 of the previous week to Monday 00:00 of this one. */
export function lastFullWeek(now: number, timeZone: string): ReportPeriod {
  const today = localDate(now, timeZone);
  const sinceMonday = (new Date(Date.UTC(today.year, today.month, today.day)).getUTCDay() + 6) % 7;
  const to = localMidnight(today.year, today.month, today.day - sinceMonday, timeZone);
  const from = localMidnight(today.year, today.month, today.day - sinceMonday - 7, timeZone);
  return reportPeriod(from, to);
}

/** The calendar date of `instant` in `timeZone` (month 0-based). */
function localDate(instant: number, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    year: "numeric",
    month: "numeric",
    day: "numeric",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get("year"), month: get("month") - 1, day: get("day") };
}

/** The instant of 00:00 on a calendar date in `timeZone` (day may overflow the month, as in Date.UTC). */
function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  const wall = Date.UTC(year, month, day);
  let at = wall - offsetMs(wall, timeZone);
  // Across a DST change the offset at the guess and at the answer differ; one more step settles it.
  const second = wall - offsetMs(at, timeZone);
  if (second !== at) at = second;
  return at;
}

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, ms. */
function offsetMs(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - Math.floor(instant / 1000) * 1000;
}
