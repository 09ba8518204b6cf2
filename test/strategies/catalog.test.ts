import { describe, expect, it } from "vitest";
import {
  discountedPrice,
  findProductsMentioned,
  formatMoney,
  isLowStock,
  isOfferRunning,
  runningOffers,
} from "../../src/strategies/index.js";
import { APRIL, JAN_30_NOON, MID_JANUARY, TEST_CATALOG } from "./catalog-fixture.js";

const product = (id: string) => TEST_CATALOG.products.find((p) => p.id === id)!;

describe("formatMoney", () => {
  it.each([
    { amount: 129, currency: "USD", text: "$129.00" },
    { amount: 6.95, currency: "USD", text: "$6.95" },
    { amount: 1299.5, currency: "USD", text: "$1,299.50" },
    { amount: 20, currency: "EUR", text: "€20.00" },
  ])("should format $amount $currency as $text", ({ amount, currency, text }) => {
    expect(formatMoney(amount, currency)).toBe(text);
  });
});

describe("discountedPrice", () => {
  it("should round the discounted price to cents", () => {
    expect(discountedPrice(129, 15)).toBe(109.65);
    expect(discountedPrice(64, 12.5)).toBe(56);
    expect(discountedPrice(19.99, 10)).toBe(17.99);
  });
});

describe("runningOffers", () => {
  it("should list the offers for a product, biggest discount first", () => {
    expect(runningOffers(TEST_CATALOG, product("dutch-oven"), MID_JANUARY).map((o) => o.id)).toEqual([
      "oven-15",
      "all-10",
    ]);
    expect(runningOffers(TEST_CATALOG, "skillet", MID_JANUARY).map((o) => o.id)).toEqual(["all-10"]);
  });

  it("should list every running offer when no product is given", () => {
    expect(runningOffers(TEST_CATALOG, null, MID_JANUARY).map((o) => o.id)).toEqual(["oven-15", "all-10"]);
    expect(runningOffers(TEST_CATALOG, null, APRIL)).toEqual([]);
  });

  it("should run an offer from 00:00 UTC of valid_from to the end of valid_until, inclusive", () => {
    const offer = TEST_CATALOG.offers.find((o) => o.id === "all-10")!;
    expect(isOfferRunning(offer, Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe(false);
    expect(isOfferRunning(offer, Date.UTC(2027, 0, 1))).toBe(true);
    expect(isOfferRunning(offer, Date.UTC(2027, 2, 31, 23, 59, 59, 999))).toBe(true);
    expect(isOfferRunning(offer, Date.UTC(2027, 3, 1))).toBe(false);
  });

  it("should still run an offer on its last day", () => {
    expect(runningOffers(TEST_CATALOG, "dutch-oven", JAN_30_NOON).map((o) => o.id)).toContain("oven-15");
  });
});

describe("findProductsMentioned", () => {
  it("should find products by name or keyword, in the order the text mentions them", () => {
    const found = findProductsMentioned("Is the kettle better than the COCOTTE? And a skillet.", TEST_CATALOG);
    expect(found.map((p) => p.id)).toEqual(["kettle", "dutch-oven", "skillet"]);
  });

  it("should accept plurals but not words that merely contain a keyword", () => {
    expect(findProductsMentioned("two skillets please", TEST_CATALOG).map((p) => p.id)).toEqual(["skillet"]);
    expect(findProductsMentioned("kettlebells", TEST_CATALOG)).toEqual([]);
  });
});

describe("isLowStock", () => {
  it("should call 1 to 5 units low, and neither 0 nor 6", () => {
    const base = product("kettle");
    expect([0, 1, 5, 6].map((stock) => isLowStock({ ...base, stock }))).toEqual([false, true, true, false]);
  });
});
