/**
 * Facts derived from the catalog: which offers run at a moment, discounted prices,
 * money formatting, and which products a message mentions. Pure: `now` comes in.
 * @module
 */

import { BoundedMemo } from "./bounded-memo.js";
import type { Catalog, Offer, Product } from "./catalog-schema.js";

/** A product with at most this many units (and at least one) is low on stock. */
export const LOW_STOCK_THRESHOLD = 5;

/** An offer that stops within this many hours is "ending soon" (and backs "last chance"-style words). */
export const OFFER_ENDING_SOON_HOURS = 48;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** True when the product has stock left but no more than {@link LOW_STOCK_THRESHOLD} units. */
export function isLowStock(product: Product): boolean {
  return product.stock > 0 && product.stock <= LOW_STOCK_THRESHOLD;
}

/** Formats an amount as the shop shows it: `formatMoney(129, "USD")` → `$129.00`. */
export function formatMoney(amount: number, currency = "USD"): string {
  let format = moneyFormats.get(currency);
  if (!format) {
    const intl = new Intl.NumberFormat("en-US", { style: "currency", currency });
    // Intl's formatting costs microseconds and every reply formats the catalog's prices again.
    format = new BoundedMemo(MEMO_KEPT, (value: number) => intl.format(value));
    moneyFormats.set(currency, format);
  }
  return format.get(amount);
}
const moneyFormats = new Map<string, BoundedMemo<number, string>>();
/** Formatted amounts (per currency) and parsed days kept. */
const MEMO_KEPT = 4096;

/** The price after `percent` off, rounded to cents. */
export function discountedPrice(price: number, percent: number): number {
  return Math.round(price * (100 - percent)) / 100;
}

/** Epoch ms at which the offer stops: the end of its `validUntil` day in UTC (exclusive). */
export function offerEndsAt(offer: Offer): number {
  return dayStart.get(offer.validUntil) + DAY_MS;
}

/** Epoch ms at which the offer starts (00:00 UTC of `validFrom`), or -Infinity when it has no start. */
export function offerStartsAt(offer: Offer): number {
  return offer.validFrom === null ? Number.NEGATIVE_INFINITY : dayStart.get(offer.validFrom);
}

/** 00:00 UTC of a `YYYY-MM-DD` day, epoch ms; parsed once per day named (every reply asks about the offers). */
const dayStart = new BoundedMemo(MEMO_KEPT, (day: string) => Date.parse(`${day}T00:00:00Z`));

/** True when the offer runs at `now` (epoch ms): from its start through the whole `validUntil` day, UTC. */
export function isOfferRunning(offer: Offer, now: number): boolean {
  return now >= offerStartsAt(offer) && now < offerEndsAt(offer);
}

/** True when the offer runs at `now` and stops within {@link OFFER_ENDING_SOON_HOURS}. */
export function isOfferEndingSoon(offer: Offer, now: number): boolean {
  return isOfferRunning(offer, now) && offerEndsAt(offer) - now <= OFFER_ENDING_SOON_HOURS * HOUR_MS;
}

/** True when `offer` applies to `product` (offers without a product apply to every product). */
export function offerAppliesTo(offer: Offer, product: Product | string): boolean {
  const id = typeof product === "string" ? product : product.id;
  return offer.product === null || offer.product === id;
}

/**
 * The offers running at `now` (epoch ms), biggest discount first (then the one ending first).
 * With a product (or its id): only offers for that product or for every product.
 * With `null`: every running offer, whatever it applies to.
 */
export function runningOffers(catalog: Catalog, product: Product | string | null, now: number): Offer[] {
  return catalog.offers
    .filter((offer) => isOfferRunning(offer, now) && (product === null || offerAppliesTo(offer, product)))
    .sort((a, b) => b.percent - a.percent || offerEndsAt(a) - offerEndsAt(b));
}

/** The product with that id, or undefined. */
export function findProduct(catalog: Catalog, id: string): Product | undefined {
  return catalog.products.find((product) => product.id === id);
}

/**
 * The products whose name or keywords the text mentions (case-insensitive, whole words,
 * plural `s`/`es` allowed), in the order they first appear in the text.
 */
export function findProductsMentioned(text: string, catalog: Catalog): Product[] {
  const found: { product: Product; at: number }[] = [];
  for (const { product, patterns } of productPatterns(catalog)) {
    let first = Number.POSITIVE_INFINITY;
    for (const pattern of patterns) {
      const match = pattern.exec(text);
      if (match && match.index < first) first = match.index;
    }
    if (first !== Number.POSITIVE_INFINITY) found.push({ product, at: first });
  }
  return found.sort((a, b) => a.at - b.at).map(({ product }) => product);
}

/** Compiled keyword patterns per catalog, built on first use. */
const patternCache = new WeakMap<Catalog, { product: Product; patterns: RegExp[] }[]>();

function productPatterns(catalog: Catalog): { product: Product; patterns: RegExp[] }[] {
  let cached = patternCache.get(catalog);
  if (!cached) {
    cached = catalog.products.map((product) => ({
      product,
      patterns: [product.name, ...product.keywords].map(termPattern),
    }));
    patternCache.set(catalog, cached);
  }
  return cached;
}

function termPattern(term: string): RegExp {
  const body = term
    .trim()
    .split(/\s+/)
    .map((word) => word.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&").replace(/['’]/g, "['’]"))
    .join("\\s+");
  return new RegExp(`(?<![\\p{L}\\p{N}_])${body}(?:e?s)?(?![\\p{L}\\p{N}_])`, "iu");
}

/** The catalog as one fact per line, for an LLM: what a reply may state at `now`. */
export function catalogFacts(catalog: Catalog, now: number): string[] {
  const money = (n: number) => formatMoney(n, catalog.shop.currency);
  const facts = catalog.products.map(
    (p) =>
      `${p.name}: ${formatMoney(p.price, p.currency)}; ${p.stock === 0 ? "out of stock" : `${p.stock} in stock`}. ${p.description}`,
  );
  for (const offer of runningOffers(catalog, null, now)) {
    const product = offer.product === null ? null : catalog.products.find((p) => p.id === offer.product);
    const target = product ? `the ${product.name}` : "every product";
    const price = product ? ` (${formatMoney(discountedPrice(product.price, offer.percent), product.currency)})` : "";
    facts.push(`Offer: ${offer.percent}% off ${target}${price}, valid until ${offer.validUntil}. ${offer.description}`);
  }
  const shipping = catalog.shop.shipping;
  facts.push(
    `Shipping: ${money(shipping.flatRate)}${shipping.freeOver === null ? "" : `, free over ${money(shipping.freeOver)}`}; delivery in ${shipping.days} business days.`,
  );
  if (catalog.shop.returnsDays !== null) facts.push(`Returns: within ${catalog.shop.returnsDays} days.`);
  if (catalog.shop.warranty !== null) facts.push(`Warranty: ${catalog.shop.warranty}.`);
  return facts;
}
