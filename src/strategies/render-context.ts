/**
 * What a reply template can see. Every key is always present (null when there is
 * nothing), so a template never meets a missing key at runtime, and lint checks
 * every `{{path}}` against this schema.
 * @module
 */
import { z } from "zod";
import { BoundedMemo } from "./bounded-memo.js";
import {
  discountedPrice,
  findProduct,
  formatMoney,
  isLowStock,
  isOfferEndingSoon,
  offerAppliesTo,
  runningOffers,
} from "./catalog.js";
import type { Catalog, Offer, Product } from "./catalog-schema.js";

/** A product as templates see it. */
export const productViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Formatted, e.g. `$129.00`. */
  price: z.string(),
  /** The number behind `price`. */
  priceValue: z.number(),
  currency: z.string(),
  stock: z.number(),
  inStock: z.boolean(),
  /** 1 to 5 units left. */
  lowStock: z.boolean(),
  description: z.string(),
  features: z.array(z.string()),
  /** Where this product is ordered (its own checkout link, else the shop's), or null. */
  checkoutUrl: z.string().nullable(),
});

/** The offer that applies to the conversation, as templates see it. */
export const offerViewSchema = z.object({
  id: z.string(),
  percent: z.number(),
  /** Last day, e.g. `Dec 31`. */
  validUntil: z.string(),
  /** Last day as `YYYY-MM-DD`. */
  validUntilDate: z.string(),
  description: z.string(),
  /** The product's price after the discount, formatted; null without a product. */
  price: z.string().nullable(),
  priceValue: z.number().nullable(),
  /** What the discount saves on the product, formatted; null without a product. */
  savings: z.string().nullable(),
  /** True when the offer stops within 48 hours: the only honest ground for deadline words. */
  endsSoon: z.boolean(),
});

/** The shop's facts, formatted for text. */
export const shopViewSchema = z.object({
  name: z.string(),
  url: z.string().nullable(),
  currency: z.string(),
  /** Business days, `"4"` or `"3-5"`. */
  shippingDays: z.string(),
  /** Formatted flat shipping rate. */
  flatRate: z.string(),
  /** Formatted order total from which shipping is free; null when never. */
  freeShippingOver: z.string().nullable(),
  returnsDays: z.number().nullable(),
  warranty: z.string().nullable(),
  /** How customers can pay (`{{join shop.paymentMethods ", "}}`); empty when not stated. */
  paymentMethods: z.array(z.string()),
  /** The shop's checkout link, or null. */
  checkoutUrl: z.string().nullable(),
  /** Countries the shop ships to; empty when not stated. */
  shippingCountries: z.array(z.string()),
});

/** The customer as templates see them. */
export const customerViewSchema = z.object({
  /** The WhatsApp profile name, or null. */
  name: z.string().nullable(),
  /** The first word of `name`, or null. */
  firstName: z.string().nullable(),
  stage: z.string(),
  interests: z.array(z.string()),
  concerns: z.array(z.string()),
  /** True once the customer gave a delivery address (never asked again). */
  hasAddress: z.boolean(),
  /** True once the customer gave an email address. */
  hasEmail: z.boolean(),
});

/** One order line as templates see it, priced from the catalog. */
export const orderLineViewSchema = z.object({
  name: z.string(),
  quantity: z.number(),
  /** The catalog's unit price, formatted. */
  price: z.string(),
  /** quantity × price, formatted. */
  lineTotal: z.string(),
});

/** A catalog order the customer sent, as templates see it. */
export const orderViewSchema = z.object({
  /** The lines whose products the catalog knows (empty when the gateway sends only totals). */
  items: z.array(orderLineViewSchema),
  /** How many items the order holds. */
  itemCount: z.number(),
  /** The order total, formatted: the catalog lines' sum, or the gateway's total without lines; null when unknown. */
  total: z.string().nullable(),
  /** True when some lines name products the catalog does not know (the shop checks those by hand). */
  hasUnknownItems: z.boolean(),
});

/** What the customer just sent, for templates that answer a kind of message (`media`, `contact`, …). */
export const messageViewSchema = z.object({
  /** The message kind: `text`, `image`, `voice`, `location`, `contact`, `order`, … */
  kind: z.string(),
  /** The shared contact's display name (contact cards), or null. */
  contactName: z.string().nullable(),
  /** The shared place's name or address (locations), or null. */
  place: z.string().nullable(),
});

/** The whole render context: the single source of truth for template variables. */
export const renderContextSchema = z.object({
  customer: customerViewSchema,
  /** The product the conversation is about, or null. */
  product: productViewSchema.nullable(),
  /** The best running offer for `product` (or for every product when there is none), or null. */
  offer: offerViewSchema.nullable(),
  shop: shopViewSchema,
  /** Every product in the catalog. */
  products: z.array(productViewSchema),
  /** What the customer just sent. */
  message: messageViewSchema,
  /** The catalog order the customer just sent, or null. */
  order: orderViewSchema.nullable(),
});

/** The render context of a reply template. */
export type RenderContext = z.infer<typeof renderContextSchema>;
/** A product as templates see it. */
export type ProductView = z.infer<typeof productViewSchema>;
/** An offer as templates see it. */
export type OfferView = z.infer<typeof offerViewSchema>;
/** A catalog order as templates see it. */
export type OrderView = z.infer<typeof orderViewSchema>;
/** What the customer just sent, as templates see it. */
export type MessageView = z.infer<typeof messageViewSchema>;

/** What {@link buildRenderContext} needs. */
export interface RenderContextInput {
  catalog: Catalog;
  /** Epoch ms; decides which offers run and whether one ends soon. */
  now: number;
  customer: {
    name?: string | null;
    stage: string;
    interests?: readonly string[];
    concerns?: readonly string[];
    hasAddress?: boolean;
    hasEmail?: boolean;
  };
  /** The product (or its id) the conversation is about; an unknown id counts as none. */
  product?: Product | string | null;
  /** The offer to show; omitted = the best offer running at `now` for the product, or for every product. */
  offer?: Offer | null;
  /** What the customer just sent; omitted = a text message. */
  message?: Partial<MessageView>;
  /** The order the customer just sent; omitted = none. */
  order?: OrderView | null;
}

/** Builds the context a reply template renders with, from the catalog and what is known of the customer. */
export function buildRenderContext(input: RenderContextInput): RenderContext {
  const { catalog, now } = input;
  const product =
    typeof input.product === "string" ? (findProduct(catalog, input.product) ?? null) : (input.product ?? null);
  const offer = input.offer === undefined ? defaultOffer(catalog, product, now) : input.offer;
  const name = input.customer.name?.trim() || null;
  return {
    customer: {
      name,
      firstName: name?.split(/\s+/)[0] ?? null,
      stage: input.customer.stage,
      interests: [...(input.customer.interests ?? [])],
      concerns: [...(input.customer.concerns ?? [])],
      hasAddress: input.customer.hasAddress ?? false,
      hasEmail: input.customer.hasEmail ?? false,
    },
    product: product ? toProductView(product, catalog.shop.checkoutUrl) : null,
    offer: offer ? toOfferView(offer, product, now) : null,
    ...catalogViews(catalog),
    message: {
      kind: input.message?.kind ?? "text",
      contactName: input.message?.contactName ?? null,
      place: input.message?.place ?? null,
    },
    order: input.order ?? null,
  };
}

/**
 * The shop and every product as templates see them: they depend on the catalog alone, so they are
 * built once per loaded catalog (frozen: every reply shares them) instead of for every reply.
 */
function catalogViews(catalog: Catalog): Pick<RenderContext, "shop" | "products"> {
  let views = catalogViewsKept.get(catalog);
  if (views === undefined) {
    views = deepFreeze({
      shop: toShopView(catalog),
      products: catalog.products.map((p) => toProductView(p, catalog.shop.checkoutUrl)),
    });
    catalogViewsKept.set(catalog, views);
  }
  return views;
}
const catalogViewsKept = new WeakMap<Catalog, Pick<RenderContext, "shop" | "products">>();

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/** A product as templates see it. */
export function toProductView(product: Product, shopCheckoutUrl: string | null = null): ProductView {
  return {
    id: product.id,
    name: product.name,
    price: formatMoney(product.price, product.currency),
    priceValue: product.price,
    currency: product.currency,
    stock: product.stock,
    inStock: product.stock > 0,
    lowStock: isLowStock(product),
    description: product.description,
    features: [...product.features],
    checkoutUrl: product.checkoutUrl ?? shopCheckoutUrl,
  };
}

function defaultOffer(catalog: Catalog, product: Product | null, now: number): Offer | null {
  const offers = product ? runningOffers(catalog, product, now) : runningOffers(catalog, null, now);
  return offers.find((offer) => product !== null || offer.product === null) ?? null;
}

function toOfferView(offer: Offer, product: Product | null, now: number): OfferView {
  const applies = product !== null && offerAppliesTo(offer, product);
  const priceValue = applies ? discountedPrice(product.price, offer.percent) : null;
  return {
    id: offer.id,
    percent: offer.percent,
    validUntil: shortDay.get(offer.validUntil),
    validUntilDate: offer.validUntil,
    description: offer.description,
    price: applies && priceValue !== null ? formatMoney(priceValue, product.currency) : null,
    priceValue,
    savings: applies && priceValue !== null ? formatMoney(product.price - priceValue, product.currency) : null,
    endsSoon: isOfferEndingSoon(offer, now),
  };
}
const shortDate = new Intl.DateTimeFormat("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

/** `2026-12-24` as `Dec 24`, formatted once per day named. */
const shortDay = new BoundedMemo(1024, (day: string) => shortDate.format(new Date(`${day}T12:00:00Z`)));

function toShopView(catalog: Catalog): RenderContext["shop"] {
  const { shop } = catalog;
  return {
    name: shop.name,
    url: shop.url,
    currency: shop.currency,
    shippingDays: shop.shipping.days,
    flatRate: formatMoney(shop.shipping.flatRate, shop.currency),
    freeShippingOver: shop.shipping.freeOver === null ? null : formatMoney(shop.shipping.freeOver, shop.currency),
    returnsDays: shop.returnsDays,
    warranty: shop.warranty,
    paymentMethods: [...shop.paymentMethods],
    checkoutUrl: shop.checkoutUrl,
    shippingCountries: [...shop.shipping.countries],
  };
}
