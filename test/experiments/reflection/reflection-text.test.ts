import { describe, expect, it } from "vitest";
import {
  formatSideBySide,
  NEAR_DUPLICATE_SIMILARITY,
  redact,
  sideBySideDiff,
  textSimilarity,
} from "../../../src/experiments/index.js";

describe("redact", () => {
  it.each([
    ["an e-mail", "write to ana.lopez+shop@mail.example.org please", "write to [email] please"],
    ["a phone number", "call +34 612-345-678 or (415) 555 0199", "call [phone] or [phone]"],
    ["a street address", "ship to 221B Baker Street, Apt 4 tomorrow", "ship to [address] tomorrow"],
    ["a postcode", "it's NW1 6XE", "it's [address]"],
    ["a given name", "Hi! My name is Ana Lopez and I love cooking", "Hi! My name is [name] and I love cooking"],
    ["a greeted name", "Thanks Ana, sounds good", "Thanks [name], sounds good"],
    [
      "the customer's stored name anywhere",
      "marisol here, ask for VEGA at the door",
      "[name] here, ask for [name] at the door",
    ],
  ])("replaces %s", (_, text, expected) => {
    expect(redact(text, ["Marisol Vega"])).toBe(expected);
  });

  it.each(["I'm interested in the dutch oven", "How much is it? 129 or 2 for 200?", "I need 3 of them by Friday"])(
    "leaves ordinary words and quantities alone: %s",
    (text) => {
      expect(redact(text)).toBe(text);
    },
  );
});

describe("textSimilarity", () => {
  it("scores the same words 1 whatever the case and punctuation, and unrelated texts near 0", () => {
    expect(
      textSimilarity("The {{product.name}} is {{product.price}}.", "the {{product.name}} IS {{product.price}}"),
    ).toBeCloseTo(1, 9);
    expect(textSimilarity("warm welcome, ask a question", "numbers first: price and shipping")).toBeLessThan(0.1);
  });

  it("keeps a copy with a few words changed above the threshold, and a rewording below it", () => {
    const base =
      "For what you describe, the {{product.name}} fits best. It's {{product.price}}, and with the offer it's {{offer.price}}. Does that match what you had in mind?";
    const copy = base.replace("fits best", "fits you best");
    const reworded =
      "Tell me what you cook most and I'll name the one piece that fits: the {{product.name}} is {{product.price}}. Anything else you'd like to compare?";
    expect(textSimilarity(base, copy)).toBeGreaterThan(NEAR_DUPLICATE_SIMILARITY);
    expect(textSimilarity(base, reworded)).toBeLessThan(NEAR_DUPLICATE_SIMILARITY);
  });
});

describe("sideBySideDiff", () => {
  it("pairs changed lines and marks lines only one side has", () => {
    const rows = sideBySideDiff("id: a\nversion: 1\ntone: warm", "id: b\nversion: 1\ntone: warm\nrationale: x");
    expect(rows).toEqual([
      { mark: "|", left: "id: a", right: "id: b" },
      { mark: "=", left: "version: 1", right: "version: 1" },
      { mark: "=", left: "tone: warm", right: "tone: warm" },
      { mark: ">", left: "", right: "rationale: x" },
    ]);
    expect(formatSideBySide(rows, 12).split("\n")[0]).toBe("id: a        | id: b");
  });
});
