import { describe, expect, it } from "vitest";
import { consentSignal, normaliseForConsent } from "../../src/engine/opt-out.js";

describe("consentSignal", () => {
  it.each([
    { name: "upper-case STOP", text: "STOP" },
    { name: "stop with a full stop", text: "stop." },
    { name: "stop with exclamation marks", text: "Stop!!" },
    { name: "unsubscribe padded with spaces", text: "  unsubscribe " },
    { name: "opt out as two words", text: "Opt out" },
    { name: "opt-out hyphenated", text: "opt-out" },
    { name: "don't message me", text: "don't message me" },
    { name: "don't message me with a curly apostrophe", text: "Don\u2019t message me" },
    { name: "CANCEL", text: "CANCEL" },
    { name: "quit", text: "quit" },
    { name: "End", text: "End" },
    { name: "revoke", text: "revoke" },
    { name: "stop with an emoji", text: "STOP \u{1F6D1}" },
    { name: "a quoted stop", text: "'stop'" },
    { name: "a polite stop", text: "Stop please" },
    { name: "please stop", text: "please STOP!" },
    { name: "unsubscribe me", text: "unsubscribe me" },
    { name: "an unsubscribe request in a sentence", text: "How do I unsubscribe from this?" },
    { name: "stop messaging me in a sentence", text: "Please stop messaging me, thanks" },
    { name: "do not text me again", text: "do not text me again" },
    { name: "no more messages", text: "no more messages please" },
    { name: "leave me alone", text: "just leave me alone" },
  ])("should read $name as an opt-out", ({ text }) => {
    expect(consentSignal(text)).toBe("opt_out");
  });

  it.each([
    { name: "START", text: "START" },
    { name: "start!", text: "start!" },
  ])("should read $name as an opt-in", ({ text }) => {
    expect(consentSignal(text)).toBe("opt_in");
  });

  it.each([
    { name: "stop inside a sentence", text: "we have to stop the bill" },
    { name: "stop followed by more text", text: "stop it please\u2026 just kidding how much is it" },
    { name: "a question about cancelling an order", text: "can I cancel my order?" },
    { name: "end inside a question", text: "end of the month delivery?" },
    { name: "start inside a sentence", text: "start my order please" },
    { name: "an empty message", text: "" },
    { name: "punctuation only", text: "?!" },
    { name: "stopping by the shop", text: "can I stop by the shop to pick it up?" },
    { name: "a stop-motion question", text: "does the kettle stop boiling on its own?" },
  ])("should not read $name as a consent change", ({ text }) => {
    expect(consentSignal(text)).toBeNull();
  });
});

describe("normaliseForConsent", () => {
  it("should lower-case, straighten apostrophes, drop punctuation and collapse spaces", () => {
    expect(normaliseForConsent("  Don\u2019t   MESSAGE me!!! ")).toBe("don't message me");
  });

  it("should keep hyphens and apostrophes inside words", () => {
    expect(normaliseForConsent("Opt-Out, don't")).toBe("opt-out don't");
  });
});
