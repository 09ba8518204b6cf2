import { describe, expect, it } from "vitest";
import { checkClaims } from "../../src/strategies/index.js";
import { APRIL, JAN_30_NOON, JAN_31_MORNING, MID_JANUARY, TEST_CATALOG } from "./catalog-fixture.js";

interface Case {
  name: string;
  text: string;
  now?: number;
  product?: string;
  /** `kind:text` of each expected violation, in order. */
  expected: string[];
}

const BACKED: Case[] = [
  { name: "a product price with cents", text: "The Dutch Oven is $129.00.", expected: [] },
  { name: "a product price without cents", text: "It's $129, shipped.", expected: [] },
  { name: "a price with the code after it", text: "Price: 129.00 USD", expected: [] },
  { name: "a price with the code before it", text: "Price: USD 129", expected: [] },
  { name: "an amount in words", text: "It costs 49 dollars.", expected: [] },
  { name: "a running product offer's price", text: "Now $109.65 instead of $129.00", expected: [] },
  { name: "a shop-wide offer's price", text: "The skillet is $44.10 this week", expected: [] },
  { name: "a running offer's saving", text: "You save $19.35.", expected: [] },
  { name: "shipping amounts", text: "Shipping is $6.95, free over $75.", expected: [] },
  { name: "each named product's own price", text: "The Skillet is $49. The Dutch Oven is $129.00.", expected: [] },
  { name: "a running offer's percent", text: "It's 15% off until Jan 31.", expected: [] },
  { name: "'save N%' of a running offer", text: "Save 10% on everything.", expected: [] },
  { name: "'N% offer' of a running offer", text: "with the 15% offer", expected: [] },
  { name: "the context product's low stock", text: "We have only 3 left.", product: "dutch-oven", expected: [] },
  { name: "a mentioned product's stock", text: "The kettle: only 8 left in stock.", expected: [] },
  { name: "stock in words", text: "Just three left in stock!", product: "dutch-oven", expected: [] },
  { name: "scarcity words for a low-stock product", text: "The Dutch oven is selling out.", expected: [] },
  {
    name: "scarcity words for the low-stock context product",
    text: "It's almost gone.",
    product: "dutch-oven",
    expected: [],
  },
  { name: "'last chance' when an offer ends within 48 hours", text: "Last chance!", now: JAN_30_NOON, expected: [] },
  {
    name: "'ends tonight' when an offer ends within 24 hours",
    text: "The offer ends tonight.",
    now: JAN_31_MORNING,
    expected: [],
  },
  {
    name: "a deadline that matches the offer",
    text: "Only 2 days left on the oven sale.",
    now: JAN_30_NOON,
    expected: [],
  },
  {
    name: "numbers that are not claims",
    text: "Serves 4 to 6, 5.5 qt, 2-year warranty, 30-day returns.",
    expected: [],
  },
  { name: "a percentage that is not a discount", text: "100% linen, 100% guaranteed fit.", expected: [] },
];

const UNBACKED: Case[] = [
  {
    name: "another product's price given to the product the sentence names",
    text: "The Dutch Oven is only $49 today.",
    expected: ["price:$49"],
  },
  {
    name: "another product's price given to the product in context",
    text: "It's just $49.",
    product: "dutch-oven",
    expected: ["price:$49"],
  },
  { name: "an invented price", text: "Only $99 for you.", expected: ["price:$99"] },
  { name: "an invented price with the code after it", text: "It's 99.00 USD.", expected: ["price:99.00 USD"] },
  { name: "an invented price with the code before it", text: "It's USD 99", expected: ["price:USD 99"] },
  { name: "an invented price with thousands", text: "Worth $1,299.00!", expected: ["price:$1,299.00"] },
  { name: "an offer price after the offer ended", text: "Now $109.65", now: APRIL, expected: ["price:$109.65"] },
  { name: "an invented discount", text: "I can do 20% off.", expected: ["discount:20% off"] },
  { name: "'save N%' with no running offer", text: "Save 15% today", now: APRIL, expected: ["discount:Save 15%"] },
  {
    name: "'N% discount' with no running offer",
    text: "a 15% discount",
    now: APRIL,
    expected: ["discount:15% discount"],
  },
  { name: "a wrong stock number", text: "Only 2 left!", product: "dutch-oven", expected: ["stock:Only 2 left"] },
  {
    name: "a stock number above ten",
    text: "We have only 40 left.",
    product: "skillet",
    expected: ["stock:only 40 left"],
  },
  {
    name: "'last N in stock' that matches no product",
    text: "The last 5 in stock.",
    expected: ["stock:last 5 in stock"],
  },
  {
    name: "another product's stock, when a product is in context",
    text: "Only 3 left!",
    product: "skillet",
    expected: ["stock:Only 3 left"],
  },
  {
    name: "scarcity for a well-stocked product",
    text: "The skillet is selling out.",
    expected: ["scarcity:selling out"],
  },
  { name: "scarcity with no product and no ending offer", text: "Almost gone!", expected: ["scarcity:Almost gone"] },
  {
    name: "'last chance' with no offer ending soon",
    text: "Last chance to order.",
    expected: ["scarcity:Last chance"],
  },
  {
    name: "'ends tonight' 36 hours before the end",
    text: "It ends tonight.",
    now: JAN_30_NOON,
    expected: ["scarcity:ends tonight"],
  },
  {
    name: "a deadline that does not match",
    text: "Only 5 days left!",
    now: JAN_30_NOON,
    expected: ["scarcity:Only 5 days left"],
  },
  {
    name: "several claims, in text order",
    text: "Save 25% now: $80, only 1 left, selling fast!",
    expected: ["discount:Save 25%", "price:$80", "stock:only 1 left", "scarcity:selling fast"],
  },
];

describe("checkClaims", () => {
  it.each(BACKED)("should accept $name", ({ text, now, product, expected }) => {
    expect(checkClaims(text, TEST_CATALOG, now ?? MID_JANUARY, { product })).toEqual(expected);
  });

  it.each(UNBACKED)("should flag $name", ({ text, now, product, expected }) => {
    const violations = checkClaims(text, TEST_CATALOG, now ?? MID_JANUARY, { product });
    expect(violations.map((violation) => `${violation.kind}:${violation.text}`)).toEqual(expected);
  });

  it("should say where each claim is and why it is not backed", () => {
    const [violation] = checkClaims("Hi! It's 20% off today.", TEST_CATALOG, APRIL);
    expect(violation).toEqual({
      kind: "discount",
      text: "20% off",
      index: 9,
      message: '"20% off" is not a running offer (no offer is running)',
    });
  });

  it("should treat an offer as running through the whole last day in UTC, and not after", () => {
    const lastMillisecond = Date.UTC(2027, 0, 31, 23, 59, 59, 999);
    expect(checkClaims("15% off", TEST_CATALOG, lastMillisecond)).toEqual([]);
    expect(checkClaims("15% off", TEST_CATALOG, lastMillisecond + 1)).toHaveLength(1);
  });

  it("should not back a shop-wide offer before its first day", () => {
    expect(checkClaims("10% off", TEST_CATALOG, Date.UTC(2026, 11, 31, 23))).toHaveLength(1);
    expect(checkClaims("10% off", TEST_CATALOG, Date.UTC(2027, 0, 1))).toEqual([]);
  });
});
