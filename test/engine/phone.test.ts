import { describe, expect, it } from "vitest";
import { normaliseCustomerIdentity, normalisePhone } from "../../src/engine/phone.js";

describe("normalisePhone", () => {
  it.each([
    { name: "a US number with punctuation", input: "+1 (555) 123-4567", digits: "15551234567" },
    { name: "a UK number with spaces", input: "+44 7700 900123", digits: "447700900123" },
    { name: "digits only", input: "6281234567890", digits: "6281234567890" },
    { name: "dots and surrounding spaces", input: "  49.30.1234567 ", digits: "49301234567" },
    { name: "a WhatsApp JID", input: "15551234567@s.whatsapp.net", digits: "15551234567" },
    { name: "a c.us chat id", input: "15551234567@c.us", digits: "15551234567" },
    { name: "the shortest number (6 digits)", input: "123456", digits: "123456" },
    { name: "the longest number (15 digits)", input: "123456789012345", digits: "123456789012345" },
  ])("should turn $name into digits", ({ input, digits }) => {
    expect(normalisePhone(input)).toBe(digits);
  });

  it.each([
    { name: "a number too short", input: "12345" },
    { name: "a number too long", input: "1234567890123456" },
    { name: "a leading zero (national format)", input: "07700 900123" },
    { name: "an international 00 prefix", input: "0044 7700 900123" },
    { name: "letters", input: "1-800-FLOWERS" },
    { name: "a @lid identity", input: "123456789012345@lid" },
    { name: "a group JID", input: "120363041234567890@g.us" },
    { name: "a plus sign in the middle", input: "1+5551234567" },
    { name: "an empty string", input: "" },
    { name: "punctuation only", input: "+ ( ) -" },
  ])("should refuse $name", ({ input }) => {
    expect(normalisePhone(input)).toBeNull();
  });
});

describe("normaliseCustomerIdentity", () => {
  it.each([
    ["+1 (555) 123-4567", "15551234567"],
    ["US.13491208655302741918", "US.13491208655302741918"],
    ["12345678901234567@lid", "12345678901234567@lid"],
    ["12345678901234567", "12345678901234567@lid"],
    ["@kai.cooks", "@kai.cooks"],
    ["kai.cooks", "@kai.cooks"],
    [" @Kai.Cooks ", "@kai.cooks"],
    ["Ｋai_42", "@kai_42"],
  ])("reads %j as %j", (input, expected) => {
    expect(normaliseCustomerIdentity(input)).toBe(expected);
  });

  it.each(["call me", "kai cooks", "@", "@@kai", "12-34", "kai!"])("refuses %j", (input) => {
    expect(normaliseCustomerIdentity(input)).toBeNull();
  });
});
