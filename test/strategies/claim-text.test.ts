import { describe, expect, it } from "vitest";
import { foldText, normalizeClaimText, phraseForms } from "../../src/strategies/claim-text.js";

describe("claim text normalisation", () => {
  it.each([
    ["$４９", "$49"],
    ["$\u200b49", "$49"],
    ["$\u2060４\u200d9", "$49"],
    ["٤٩ dollars", "49 dollars"],
    ["forty-nine dollars", "49 dollars"],
    ["Forty nine bucks", "49 bucks"],
    ["one hundred and twenty-nine dollars", "129 dollars"],
    ["cuarenta y nueve dólares", "49 dolares"],
    ["ciento veintinueve euros", "129 euros"],
    ["€49,00", "€49.00"],
    ["1.299,00 €", "1299.00 €"],
    ["½ price", "0.5 price"],
    ["1/2 off", "0.5 off"],
    ["seventy percent off", "70% off"],
    ["setenta por ciento de descuento", "70% de descuento"],
    ["90％ off", "90% off"],
    ["only ３ left", "only 3 left"],
    ["−70%", "-70%"],
  ])("reads %j as %j", (text, expected) => {
    expect(normalizeClaimText(text)).toBe(expected);
  });

  it("keeps ASCII text that states no number as it is", () => {
    const honest = "Happy to help you pick the right pan! What do you cook most?";
    expect(normalizeClaimText(honest)).toBe(honest);
    expect(normalizeClaimText("1,299 and 24/7 support")).toBe("1,299 and 24/7 support");
  });

  it("folds look-alike letters, accents and dashes, and drops zero-width characters", () => {
    expect(foldText("guarаnteed")).toBe("guaranteed"); // Cyrillic а
    expect(foldText("ｌｉｍｉｔｅｄ\u200btime")).toBe("limitedtime");
    expect(foldText("último—precio")).toBe("ultimo-precio");
    expect(phraseForms("limited-time")).toContain("limited time");
    expect(phraseForms("guaran-teed")).toContain("guaranteed");
  });
});
