/**
 * The shop's calendar day: "today" for daily budgets and reports is the day on
 * the wall clock of `SHOP_TIMEZONE`.
 * @module
 */

/** The day at `at` (epoch ms) in `timeZone`, as `YYYY-MM-DD`. */
export function shopDay(at: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(at);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? "00";
  return `${part("year")}-${part("month")}-${part("day")}`;
}
