import { describe, expect, it } from "vitest";
import { buildRenderContext, renderContextSchema } from "../../src/strategies/index.js";
import { APRIL, JAN_30_NOON, MID_JANUARY, TEST_CATALOG } from "./catalog-fixture.js";

const customer = { name: "Ana María López", stage: "intent", interests: ["braising"], concerns: ["price"] };

describe("buildRenderContext", () => {
  it("should fill every key, with null where there is nothing", () => {
    const context = buildRenderContext({ catalog: TEST_CATALOG, now: APRIL, customer: { stage: "first_contact" } });
    expect(renderContextSchema.parse(context)).toEqual(context);
    expect(context.customer).toEqual({
      name: null,
      firstName: null,
      stage: "first_contact",
      interests: [],
      concerns: [],
      hasAddress: false,
      hasEmail: false,
    });
    expect(context.product).toBeNull();
    expect(context.offer).toBeNull();
    expect(context.products).toHaveLength(3);
  });

  it("should format the product and the best offer for it", () => {
    const context = buildRenderContext({ catalog: TEST_CATALOG, now: MID_JANUARY, customer, product: "dutch-oven" });
    expect(context.customer.firstName).toBe("Ana");
    expect(context.product).toEqual({
      id: "dutch-oven",
      name: "Dutch Oven",
      price: "$129.00",
      priceValue: 129,
      currency: "USD",
      stock: 3,
      inStock: true,
      lowStock: true,
      description: "Heavy.",
      features: [],
      checkoutUrl: null,
    });
    expect(context.offer).toEqual({
      id: "oven-15",
      percent: 15,
      validUntil: "Jan 31",
      validUntilDate: "2027-01-31",
      description: "the oven sale",
      price: "$109.65",
      priceValue: 109.65,
      savings: "$19.35",
      endsSoon: false,
    });
    expect(context.shop).toEqual({
      name: "Pots & Pans",
      url: "https://pots.example",
      currency: "USD",
      shippingDays: "3-5",
      flatRate: "$6.95",
      freeShippingOver: "$75.00",
      returnsDays: null,
      warranty: null,
      paymentMethods: [],
      checkoutUrl: null,
      shippingCountries: [],
    });
  });

  it("should say an offer ends soon only within its last 48 hours", () => {
    const late = buildRenderContext({ catalog: TEST_CATALOG, now: JAN_30_NOON, customer, product: "dutch-oven" });
    expect(late.offer?.endsSoon).toBe(true);
  });

  it("should offer only a shop-wide offer, without a price, when there is no product", () => {
    const context = buildRenderContext({ catalog: TEST_CATALOG, now: MID_JANUARY, customer });
    expect(context.offer).toMatchObject({ id: "all-10", price: null, priceValue: null, savings: null });
  });

  it("should use the offer it is given, or none when given null", () => {
    const seasonal = TEST_CATALOG.offers[1]!;
    const given = buildRenderContext({
      catalog: TEST_CATALOG,
      now: MID_JANUARY,
      customer,
      product: "skillet",
      offer: seasonal,
    });
    expect(given.offer).toMatchObject({ id: "all-10", price: "$44.10" });
    const none = buildRenderContext({
      catalog: TEST_CATALOG,
      now: MID_JANUARY,
      customer,
      product: "skillet",
      offer: null,
    });
    expect(none.offer).toBeNull();
  });

  it("should show a reloaded catalog's own prices, and never let a template's context change the shared views", () => {
    const first = buildRenderContext({ catalog: TEST_CATALOG, now: APRIL, customer });
    const reloaded = {
      ...TEST_CATALOG,
      products: TEST_CATALOG.products.map((p) => (p.id === "skillet" ? { ...p, price: p.price + 10 } : p)),
    };
    const second = buildRenderContext({ catalog: reloaded, now: APRIL, customer });
    const price = (c: typeof first) => c.products.find((p) => p.id === "skillet")?.price;
    expect(price(second)).not.toBe(price(first));
    expect(buildRenderContext({ catalog: TEST_CATALOG, now: APRIL, customer }).products).toEqual(first.products);
    expect(() => {
      (first.products[0] as { price: string }).price = "$0.00";
    }).toThrow(TypeError);
    expect(() => first.shop.paymentMethods.push("cash")).toThrow(TypeError);
  });

  it("should treat an unknown product id as no product", () => {
    expect(buildRenderContext({ catalog: TEST_CATALOG, now: APRIL, customer, product: "wok" }).product).toBeNull();
  });
});
