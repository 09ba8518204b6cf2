import { describe, expect, it } from "vitest";
import { type Catalog, summarizeOrder } from "../../src/strategies/index.js";

const catalog = {
  shop: {
    name: "Shop",
    currency: "USD",
    url: null,
    language: "en",
    paymentMethods: [],
    checkoutUrl: null,
    shipping: { flatRate: 6.95, freeOver: 75, days: "3-5", countries: [] },
    returnsDays: 30,
    warranty: null,
  },
  products: [
    {
      id: "dutch-oven",
      name: "Dutch Oven",
      price: 129,
      currency: "USD",
      stock: 4,
      keywords: ["dutch oven"],
      description: "d",
      features: [],
      checkoutUrl: null,
    },
    {
      id: "skillet",
      name: "Skillet",
      price: 49,
      currency: "USD",
      stock: 9,
      keywords: ["skillet"],
      description: "s",
      features: [],
      checkoutUrl: null,
    },
  ],
  offers: [],
} satisfies Catalog;

describe("summarizeOrder", () => {
  it("prices each known line from the catalog and totals them", () => {
    const summary = summarizeOrder(catalog, {
      items: [
        { productId: "dutch-oven", quantity: 1 },
        { productId: "SKILLET", quantity: 2 },
      ],
      itemCount: null,
      total: null,
    });
    expect(summary.view).toEqual({
      items: [
        { name: "Dutch Oven", quantity: 1, price: "$129.00", lineTotal: "$129.00" },
        { name: "Skillet", quantity: 2, price: "$49.00", lineTotal: "$98.00" },
      ],
      itemCount: 3,
      total: "$227.00",
      hasUnknownItems: false,
    });
    expect(summary.amounts).toEqual([129, 98, 227]);
    expect(summary.productIds).toEqual(["dutch-oven", "skillet"]);
  });

  it("leaves out lines the catalog does not know and says so", () => {
    const summary = summarizeOrder(catalog, {
      items: [
        { productId: "dutch-oven", quantity: 1 },
        { productId: "mystery-box", quantity: 1 },
      ],
      itemCount: null,
      total: null,
    });
    expect(summary.view).toMatchObject({ itemCount: 1, total: "$129.00", hasUnknownItems: true });
  });

  it("states no total when no line is known", () => {
    const summary = summarizeOrder(catalog, { items: [{ productId: "x", quantity: 1 }], itemCount: null, total: null });
    expect(summary.view).toMatchObject({ items: [], total: null, hasUnknownItems: true });
    expect(summary.amounts).toEqual([]);
  });

  it("uses the gateway's count and total when the order has no lines (GOWA, WAHA)", () => {
    const summary = summarizeOrder(catalog, { items: [], itemCount: 2, total: 178 });
    expect(summary.view).toEqual({ items: [], itemCount: 2, total: "$178.00", hasUnknownItems: false });
    expect(summary.amounts).toEqual([178]);
  });
});
