import { describe, expect, it } from "vitest";
import { maskPhonesDeep, maskPhonesInText } from "../src/log.js";

describe("masking phone numbers in free text", () => {
  it.each([
    ["an E.164 number", "customer +15551234567 asked", "customer …4567 asked"],
    ["digits only", "chat 6281234567890", "chat …7890"],
    ["with spaces and dashes", "call +62 812-3456-7890 now", "call …7890 now"],
    ["two numbers", "+15551234567 and +442071234567", "…4567 and …4567"],
    ["a price stays", "the skillet is 1299 (12.99 USD)", "the skillet is 1299 (12.99 USD)"],
    ["a short code stays", "order 12345678", "order 12345678"],
    ["an ISO date stays", "since 2026-12-02T15:00:00.000Z", "since 2026-12-02T15:00:00.000Z"],
    ["an already masked number stays", "…4567", "…4567"],
  ])("%s", (_name, text, expected) => {
    expect(maskPhonesInText(text)).toBe(expected);
  });

  it("masks every string inside objects and arrays, and leaves numbers alone", () => {
    expect(maskPhonesDeep({ to: "15551234567", list: ["+15551234567"], at: 1764687600000, ok: true })).toEqual({
      to: "…4567",
      list: ["…4567"],
      at: 1764687600000,
      ok: true,
    });
  });
});
