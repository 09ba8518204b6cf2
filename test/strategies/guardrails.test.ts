import { describe, expect, it } from "vitest";
import { checkGuardrails } from "../../src/strategies/index.js";
import { parseVariant, VARIANT_YAML } from "./variant-fixture.js";

const variant = parseVariant(VARIANT_YAML);

describe("checkGuardrails", () => {
  it.each([
    { name: "a clean reply", text: "Shall I reserve one? It's 10% off.", expected: [] },
    { name: "a forbidden keyword, any case", text: "ACT NOW and reserve!", expected: ["forbidden_phrase:ACT NOW"] },
    { name: "a forbidden regex", text: "This is your last   chance.", expected: ["forbidden_phrase:last   chance"] },
    { name: "a forbidden phrase only as a whole word", text: "Contact now", expected: [] },
    { name: "a discount above the maximum", text: "I can give you 15% off.", expected: ["max_discount:15% off"] },
    { name: "a discount at the maximum", text: "Save 10% today", expected: [] },
  ])("should judge $name", ({ text, expected }) => {
    expect(checkGuardrails(text, variant).map((v) => `${v.kind}:${v.text}`)).toEqual(expected);
  });

  it("should explain the violation", () => {
    expect(checkGuardrails("Take 20% off", variant)).toEqual([
      {
        kind: "max_discount",
        text: "20% off",
        index: 5,
        message: '"20% off" is more than this variant\'s maximum discount of 10%',
      },
    ]);
  });

  it("should allow any discount when the variant sets no maximum", () => {
    const open = { guardrails: { forbiddenPhrases: [], maxDiscountPercent: null } };
    expect(checkGuardrails("50% off", open)).toEqual([]);
  });
});
