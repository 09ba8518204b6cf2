import { describe, expect, it } from "vitest";
import { compileSignal, compileSignals } from "../../src/strategies/signals.js";

describe("compileSignals", () => {
  it.each([
    { signal: "price", text: "What's the Price?", matches: true },
    { signal: "price", text: "a priceless pan", matches: false },
    { signal: "price", text: "prices", matches: false },
    { signal: "how much", text: "HOW   much is it", matches: true },
    { signal: "how much", text: "how\nmuch", matches: true },
    { signal: "i'll take it", text: "ok I’ll take it!", matches: true },
    { signal: "chef's knife", text: "the chef's knife", matches: true },
    { signal: "$", text: "under $50", matches: true },
    { signal: "pay", text: "payment", matches: false },
    { signal: "café", text: "a Café table", matches: true },
  ])("should match keyword $signal on word boundaries in '$text': $matches", ({ signal, text, matches }) => {
    expect(compileSignals([signal]).matches(text)).toBe(matches);
  });

  it.each([
    { signal: "/pric(e|ing)/", text: "PRICING please", matches: true },
    { signal: "/^hi\\b/", text: "hi there", matches: true },
    { signal: "/^hi\\b/", text: "oh hi", matches: false },
    { signal: "/\\$\\s?\\d/", text: "is it $ 40?", matches: true },
    { signal: "/price/m", text: "x\nPRICE", matches: true },
    { signal: "/pric/", text: "priceless", matches: true },
  ])("should treat $signal as a case-insensitive regex on '$text': $matches", ({ signal, text, matches }) => {
    expect(compileSignals([signal]).matches(text)).toBe(matches);
  });

  it("should list which signals match, in list order, as written", () => {
    const matcher = compileSignals(["ship", "/deliver(y|ed)?/", "price", "how long"]);
    expect(matcher.matchesWhich("How long does delivery take? Do you ship to Ohio?")).toEqual([
      "ship",
      "/deliver(y|ed)?/",
      "how long",
    ]);
    expect(matcher.matches("nothing relevant")).toBe(false);
    expect(matcher.signals).toEqual(["ship", "/deliver(y|ed)?/", "price", "how long"]);
  });

  it("should give the same answer on repeated calls (no stateful regex flags)", () => {
    const matcher = compileSignals(["/price/"]);
    expect([matcher.matches("price"), matcher.matches("price"), matcher.matches("price")]).toEqual([true, true, true]);
  });

  it("should throw naming the signal when one is invalid", () => {
    expect(() => compileSignals(["ok", "/(open/"])).toThrow('invalid signal "/(open/"');
  });
});

describe("compileSignal", () => {
  it.each([
    { signal: "/(open/", reason: /invalid regular expression: .*Unterminated group/ },
    { signal: "/price/g", reason: /unsupported regex flag g/ },
    { signal: "//", reason: /empty/ },
    { signal: "   ", reason: /must not be empty/ },
  ])("should reject $signal", ({ signal, reason }) => {
    const result = compileSignal(signal);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });
});

describe("regex signals that could stop the service (issue 12, finding 6)", () => {
  it.each(["/^(\\w+\\s?)+\\?$/", "/(a|a)*b/", "/^(\\d+)*$/", "/(.*a){12}/"])(
    "should refuse %s as able to backtrack catastrophically",
    (signal) => {
      const result = compileSignal(signal);
      expect(result.ok).toBe(false);
      expect(result.ok ? "" : result.reason).toMatch(/backtrack catastrophically/);
    },
  );

  it("should say which input would blow it up, and keep safe regexes", () => {
    const result = compileSignal("/^(\\w+\\s?)+\\?$/");
    expect(result.ok ? "" : result.reason).toMatch(/exponential time, e\.g\. on "/);
    for (const safe of [
      "/^\\s*(hi|hello|hey)\\b/",
      "/\\$\\s?\\d/",
      "/\\bi('| wi)ll (take|get|buy) (it|one|two|\\d+)\\b/",
    ]) {
      expect(compileSignal(safe).ok, safe).toBe(true);
    }
  });

  it("should read only the first 2000 characters of a text", () => {
    const matcher = compileSignals(["price", "/\\bdiscount\\b/"]);
    const filler = "x ".repeat(1000); // 2000 characters
    expect(matcher.matches(`price ${filler}`)).toBe(true);
    expect(matcher.matches(`${filler}price`)).toBe(false);
    expect(matcher.matchesWhich(`${filler} discount`)).toEqual([]);
    expect(matcher.matchesWhich(`${"y".repeat(1990)} discount`)).toEqual(["/\\bdiscount\\b/"]);
  });
});
