/**
 * The catalog file (`catalog.yaml`): the shop, its products with price and stock,
 * and the offers that are really running. Replies may only state prices,
 * discounts and scarcity that this file backs.
 *
 * YAML keys are snake_case; the parsed value is camelCase (see {@link Catalog}).
 * @module
 */
import { z } from "zod";

/** An ISO 4217 currency code such as `USD`. */
const currencySchema = z.string().regex(/^[A-Z]{3}$/, "must be an ISO 4217 code such as USD");

/** A product or offer id: lowercase letters, digits and dashes. */
const slugSchema = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lowercase-with-dashes, e.g. dutch-oven");

/** A calendar date `YYYY-MM-DD` that exists. */
const dateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date written YYYY-MM-DD")
  .refine((text) => new Date(`${text}T00:00:00Z`).toISOString().startsWith(text), "is not a real calendar date");

/** An amount of money ≥ 0 with at most two decimals. */
const moneySchema = z
  .number()
  .min(0)
  .refine((amount) => Math.abs(amount * 100 - Math.round(amount * 100)) < 1e-6, "must have at most two decimals");

const shippingSchema = z.strictObject({
  /** Shipping charged on orders below `free_over`. */
  flat_rate: moneySchema,
  /** Order total from which shipping is free; omit for never. */
  free_over: moneySchema.optional(),
  /** Delivery time in business days: a number (`4`) or a range (`"3-5"`). */
  days: z.union([z.number().int().positive(), z.string().regex(/^\d+\s*[-–]\s*\d+$/, 'must be a number or "3-5"')]),
  /** Countries the shop ships to, as written (`United States`, `Canada`); omit for not stated. */
  countries: z.array(z.string().min(1)).default([]),
});

const shopSchema = z.strictObject({
  name: z.string().min(1),
  /** Currency of every price unless a product says otherwise. */
  currency: currencySchema.default("USD"),
  url: z.url().optional(),
  /** The language the variants' top-level templates are written in (`en`, `es`, …); default `en`. */
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, "must be a language code such as en or es")
    .default("en"),
  /** How customers can pay, as written ("card", "PayPal", …); omit for not stated. */
  payment_methods: z.array(z.string().min(1)).default([]),
  /** Where customers complete an order; a product's own `checkout_url` wins. */
  checkout_url: z.url().optional(),
  shipping: shippingSchema,
  /** Days a customer has to return an order; omit for none stated. */
  returns_days: z.number().int().positive().optional(),
  /** The warranty in a few words, e.g. "lifetime warranty"; omit for none stated. */
  warranty: z.string().min(1).optional(),
});

const productSchema = z.strictObject({
  id: slugSchema,
  name: z.string().min(1),
  price: moneySchema.refine((price) => price > 0, "must be greater than 0"),
  /** Defaults to the shop's currency. */
  currency: currencySchema.optional(),
  /** Units on hand; scarcity claims are checked against it. */
  stock: z.number().int().min(0),
  /** Words and phrases customers use for the product (matched like funnel signals, plurals too). */
  keywords: z.array(z.string().min(1)).min(1),
  description: z.string().min(1),
  features: z.array(z.string().min(1)).default([]),
  /** Where this product is ordered; omit to use the shop's `checkout_url`. */
  checkout_url: z.url().optional(),
});

const offerSchema = z.strictObject({
  id: slugSchema,
  /** The product the offer is for; omit for every product. */
  product: slugSchema.optional(),
  /** Discount in percent, 0 < percent < 100. */
  percent: z.number().gt(0).lt(100),
  /** First day of the offer (inclusive, from 00:00 UTC); omit for already running. */
  valid_from: dateSchema.optional(),
  /** Last day of the offer (inclusive, until 23:59:59.999 UTC). */
  valid_until: dateSchema,
  description: z.string().min(1),
});

/** The catalog file as written (snake_case), parsed strictly and turned into a {@link Catalog}. */
export const catalogFileSchema = z
  .strictObject({
    shop: shopSchema,
    products: z.array(productSchema).min(1),
    offers: z.array(offerSchema).default([]),
  })
  .transform(
    (file): Catalog => ({
      shop: {
        name: file.shop.name,
        currency: file.shop.currency,
        url: file.shop.url ?? null,
        language: file.shop.language,
        paymentMethods: file.shop.payment_methods,
        checkoutUrl: file.shop.checkout_url ?? null,
        shipping: {
          flatRate: file.shop.shipping.flat_rate,
          freeOver: file.shop.shipping.free_over ?? null,
          days: String(file.shop.shipping.days).replace(/\s*[-–]\s*/, "-"),
          countries: file.shop.shipping.countries,
        },
        returnsDays: file.shop.returns_days ?? null,
        warranty: file.shop.warranty ?? null,
      },
      products: file.products.map(({ checkout_url, ...product }) => ({
        ...product,
        currency: product.currency ?? file.shop.currency,
        checkoutUrl: checkout_url ?? null,
      })),
      offers: file.offers.map((offer) => ({
        id: offer.id,
        product: offer.product ?? null,
        percent: offer.percent,
        validFrom: offer.valid_from ?? null,
        validUntil: offer.valid_until,
        description: offer.description,
      })),
    }),
  );

/** The shop's facts. */
export interface Shop {
  name: string;
  /** ISO 4217 code, default USD. */
  currency: string;
  url: string | null;
  /** The language of the variants' top-level templates. */
  language: string;
  /** How customers can pay (empty: not stated). */
  paymentMethods: string[];
  /** Where customers complete an order, or null. */
  checkoutUrl: string | null;
  shipping: {
    flatRate: number;
    /** Order total from which shipping is free, or null for never. */
    freeOver: number | null;
    /** Business days, `"4"` or `"3-5"`. */
    days: string;
    /** Countries shipped to (empty: not stated). */
    countries: string[];
  };
  returnsDays: number | null;
  warranty: string | null;
}

/** One product. `currency` is always set (the shop's when the file omits it). */
export interface Product {
  id: string;
  name: string;
  price: number;
  currency: string;
  stock: number;
  keywords: string[];
  description: string;
  features: string[];
  /** Where this product is ordered, or null (the shop's checkout then). */
  checkoutUrl: string | null;
}

/** One offer that the shop really runs. */
export interface Offer {
  id: string;
  /** The product id it applies to, or null for every product. */
  product: string | null;
  percent: number;
  /** `YYYY-MM-DD`, inclusive from 00:00 UTC, or null for no start. */
  validFrom: string | null;
  /** `YYYY-MM-DD`, inclusive until the end of that day in UTC. */
  validUntil: string;
  description: string;
}

/** The parsed catalog. */
export interface Catalog {
  shop: Shop;
  products: Product[];
  offers: Offer[];
}
