import { describe, expect, it } from "vitest";
import { lastFullWeek, parseReportTime, parseSince, resolveReportSpan } from "../../src/analytics/index.js";

const iso = (ms: number) => new Date(ms).toISOString();

describe("the report's period", () => {
  it("should take the last full week, Monday to Monday, in the shop's time zone", () => {
    const p = lastFullWeek(Date.parse("2026-11-23T07:00:00+01:00"), "Europe/Madrid");
    expect([iso(p.from), iso(p.to)]).toEqual(["2026-11-15T23:00:00.000Z", "2026-11-22T23:00:00.000Z"]);
    expect([iso(p.previousFrom), iso(p.previousTo)]).toEqual(["2026-11-08T23:00:00.000Z", "2026-11-15T23:00:00.000Z"]);
  });

  it("should keep local midnights across a daylight-saving change (the week is 169 hours long)", () => {
    const p = lastFullWeek(Date.parse("2026-11-04T12:00:00Z"), "America/New_York");
    expect([iso(p.from), iso(p.to)]).toEqual(["2026-10-26T04:00:00.000Z", "2026-11-02T05:00:00.000Z"]);
  });

  it("should read --since as a look-back ending now, 7 days by default", () => {
    const now = Date.parse("2026-11-20T12:00:00Z");
    expect(resolveReportSpan({}, now, "UTC")).toMatchObject({ from: now - 7 * 86_400_000, to: now });
    expect(resolveReportSpan({ since: "36h" }, now, "UTC").from).toBe(now - 36 * 3_600_000);
    expect(parseSince("2w")).toBe(14 * 86_400_000);
  });

  it("should read --from/--to dates as midnight in the shop's zone, and date-times with their offset", () => {
    expect(iso(parseReportTime("2026-11-16", "Europe/Madrid"))).toBe("2026-11-15T23:00:00.000Z");
    expect(iso(parseReportTime("2026-11-16T08:30:00+02:00", "UTC"))).toBe("2026-11-16T06:30:00.000Z");
  });

  it.each([
    [{ since: "0d" }, /not a look-back/],
    [{ since: "7 days" }, /not a look-back/],
    [{ from: "16/11/2026" }, /not a date/],
    [{ from: "2026-11-16T08:30:00" }, /not a date/],
    [{ to: "2026-11-16" }, /to needs a from/],
    [{ from: "2026-11-16", to: "2026-11-16" }, /start must be before/],
  ])("should refuse %j with a reason", (request, reason) => {
    expect(() => resolveReportSpan(request, Date.parse("2026-11-20T00:00:00Z"), "UTC")).toThrow(reason);
  });
});
