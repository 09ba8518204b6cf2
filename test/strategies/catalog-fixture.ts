/**
 * A small catalog for unit tests, written the way an operator writes catalog.yaml.
 * @module
 */
import { type Catalog, catalogFileSchema } from "../../src/strategies/catalog-schema.js";

/** Three products (one low on stock), a product offer ending Jan 31 2027 and a shop-wide one ending Mar 31 2027. */
export const TEST_CATALOG: Catalog = catalogFileSchema.parse({
  shop: { name: "Pots & Pans", url: "https://pots.example", shipping: { flat_rate: 6.95, free_over: 75, days: "3-5" } },
  products: [
    {
      id: "dutch-oven",
      name: "Dutch Oven",
      price: 129,
      stock: 3,
      keywords: ["dutch oven", "cocotte"],
      description: "Heavy.",
    },
    {
      id: "skillet",
      name: "Skillet",
      price: 49,
      stock: 40,
      keywords: ["skillet", "frying pan"],
      description: "Seasoned.",
    },
    {
      id: "kettle",
      name: "Kettle",
      price: 64,
      stock: 8,
      keywords: ["kettle"],
      description: "Pours.",
      features: ["1 liter"],
    },
  ],
  offers: [
    { id: "oven-15", product: "dutch-oven", percent: 15, valid_until: "2027-01-31", description: "the oven sale" },
    { id: "all-10", percent: 10, valid_from: "2027-01-01", valid_until: "2027-03-31", description: "the season sale" },
  ],
});

/** Both offers run; neither ends within two days. */
export const MID_JANUARY = Date.UTC(2027, 0, 10, 12);
/** The Dutch oven offer ends in 18 hours (end of Jan 31 UTC). */
export const JAN_31_MORNING = Date.UTC(2027, 0, 31, 6);
/** The Dutch oven offer ends in 36 hours. */
export const JAN_30_NOON = Date.UTC(2027, 0, 30, 12);
/** No offer runs. */
export const APRIL = Date.UTC(2027, 3, 2);
