import { describe, expect, it } from "vitest";
import type { InboundMessage } from "../../src/engine/gateway/index.js";
import { capInboundMessage, MAX_NAME_CHARS, TRUNCATION_MARK } from "../../src/engine/intake.js";

const base: InboundMessage = {
  kind: "message",
  gateway: "gowa",
  gatewayMessageId: "m1",
  phone: "15551230000",
  lid: null,
  name: "Ana",
  text: "hi",
  fromMe: false,
  sentAt: 0,
};

describe("capInboundMessage (MAX_MESSAGE_CHARS at intake, issue 12 finding 7)", () => {
  it("leaves a message within the cap as it is", () => {
    expect(capInboundMessage(base, 100)).toBe(base);
  });

  it("cuts longer text to the cap, ending with the mark, and says how long it was", () => {
    const capped = capInboundMessage({ ...base, text: "a".repeat(1_000_000) }, 4096);
    expect(capped.text).toHaveLength(4096);
    expect(capped.text.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(capped.truncatedFrom).toBe(1_000_000);
  });

  it("never splits an emoji in two", () => {
    const capped = capInboundMessage({ ...base, text: "😀".repeat(5000) }, 200);
    expect(capped.text.length).toBeLessThanOrEqual(200);
    expect(capped.text.replace(TRUNCATION_MARK, "")).toMatch(/^(😀)+$/u);
  });

  it("cuts an overlong display name", () => {
    const capped = capInboundMessage({ ...base, name: "N".repeat(10_000) }, 200);
    expect(capped.name).toHaveLength(MAX_NAME_CHARS);
    expect(capped.text).toBe("hi");
  });
});
