/**
 * The claim check: finds money amounts, discount percentages and scarcity claims
 * in a reply and says which the catalog does not back at `now`. Used by lint on
 * every template and by the engine on every reply (an unbacked claim blocks the
 * reply). Pure.
 * @module
 */

import {
  discountedPrice,
  findProduct,
  findProductsMentioned,
  isLowStock,
  OFFER_ENDING_SOON_HOURS,
  offerAppliesTo,
  offerEndsAt,
  runningOffers,
} from "./catalog.js";
import type { Catalog, Offer, Product } from "./catalog-schema.js";

/** A stated stock number is only honest urgency when it is this small; larger numbers are not stated. */
export const MAX_STOCK_CLAIM = 10;

/** What kind of claim a violation is about. */
export type ClaimKind = "price" | "discount" | "stock" | "scarcity";

/** A claim in a reply that the catalog does not back. */
export interface ClaimViolation {
  kind: ClaimKind;
  /** The claim as written in the reply. */
  text: string;
  /** Where it starts in the reply (UTF-16 index). */
  index: number;
  message: string;
}

/** Options of {@link checkClaims}. */
export interface ClaimCheckOptions {
  /** The product the conversation is about (or its id): stock claims are checked against it first. */
  product?: Product | string | null;
  /** Further amounts the conversation itself backs: a catalog order's line totals and total. */
  amounts?: readonly number[];
}

const MONEY_TOLERANCE = 0.01 + 1e-9;
const HOUR_MS = 3_600_000;
const NUMBER = String.raw`\d{1,3}(?:,\d{3})+(?:\.\d{1,2})?|\d+(?:\.\d{1,2})?`;
const CODES = "USD|EUR|GBP|CAD|AUD|NZD|CHF|MXN";
const AFTER_NUMBER = String.raw`(?![\d,.]?\d)`;
const MONEY_PATTERNS = [
  new RegExp(String.raw`(?:US)?\$\s?(${NUMBER})${AFTER_NUMBER}|[€£]\s?(${NUMBER})${AFTER_NUMBER}`, "gi"),
  new RegExp(String.raw`\b(?:${CODES})\s?(${NUMBER})${AFTER_NUMBER}`, "gi"),
  new RegExp(String.raw`(?<![\d.,])(${NUMBER})\s?(?:(?:${CODES})\b|dollars\b|bucks\b|euros\b)`, "gi"),
];
const PERCENT = String.raw`(\d{1,2}(?:\.\d+)?|100)\s?(?:%|percent\b|per cent\b)`;
const PERCENT_PATTERNS = [
  new RegExp(
    String.raw`(?<![\d.])${PERCENT}\s*(?:off|discount|cheaper|less|savings?|sale|reduction|markdown|offer|deal|promo(?:tion)?|coupon)\b`,
    "gi",
  ),
  new RegExp(
    String.raw`\b(?:save|saving|savings of|discount of|discounted by|reduced by|take|get|knock)\s+(?:(?:an?|up to|another|extra|an extra)\s+)*${PERCENT}`,
    "gi",
  ),
];
const COUNT = "\\d+|one|two|three|four|five|six|seven|eight|nine|ten";
const WORDS = "(?:[a-z'’\"-]+\\s+)";
const TIME_UNITS: Record<string, number> = { minute: 1 / 60, hour: 1, day: 24, week: 168 };
const STOCK_PATTERNS = [
  new RegExp(
    String.raw`\b(?:only|just|last|down to (?:the |our |its )?last)\s+(${COUNT})\s+(${WORDS}{0,3}?)(?:left|remaining|in stock|available|on hand)\b`,
    "gi",
  ),
  new RegExp(
    String.raw`\b(?:have|has|got|there are|there's)\s+(${COUNT})\s+(${WORDS}?)(?:left|remaining|in stock)\b`,
    "gi",
  ),
  new RegExp(String.raw`\b(${COUNT})\s+((?:units?|pieces?|items?|pcs)\s+)(?:left|remaining)\b`, "gi"),
];
const TODAY_WORDS = /tonight|today|last day|final hours/i;
const SCARCITY_PATTERN = new RegExp(
  [
    "sell(?:s|ing)? out",
    "(?:selling|going|moving) fast",
    "flying off",
    "(?:almost|nearly) (?:gone|sold out)",
    "last chance",
    "(?:last|only a|just a) few",
    "few left",
    "running (?:out|low)",
    "low (?:on )?stock",
    "limited (?:stock|time|quantities)",
    "stock is limited",
    "while (?:supplies|stocks?) last",
    "won['’]t last",
    "don['’]t miss out",
    "act (?:now|fast)",
    "end(?:s|ing) (?:tonight|today|tomorrow|soon)",
    "today only",
    "last day",
    "final hours",
  ]
    .map((alternative) => `\\b${alternative}\\b`)
    .join("|"),
  "gi",
);
const NUMBER_WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
};

/**
 * Lists the claims in `text` that the catalog does not back at `now` (epoch ms):
 * - a money amount (`$129`, `$129.00`, `129.00 USD`, `USD 129`) must equal, to the cent, a product
 *   price, a running offer's discounted price or saving, or the shipping rate or free-shipping total;
 * - a discount percentage (`10% off`, `save 15%`, `15% discount`) must be a running offer's percent;
 * - a stock number (`only 3 left`, `last 2 in stock`) must be exactly the stock of the product in
 *   context (else of a product mentioned, else of any product) and at most {@link MAX_STOCK_CLAIM};
 * - a deadline in units (`only 2 days left`) must match a running offer's remaining time;
 * - scarcity words (`selling out`, `almost gone`, `last chance`, `ends tonight`) need a mentioned
 *   product low on stock or an offer ending within 48 hours (24 for "today"/"tonight").
 */
export function checkClaims(
  text: string,
  catalog: Catalog,
  now: number,
  options: ClaimCheckOptions = {},
): ClaimViolation[] {
  const contextProduct =
    typeof options.product === "string" ? (findProduct(catalog, options.product) ?? null) : (options.product ?? null);
  const mentioned = findProductsMentioned(text, catalog);
  const inFocus = contextProduct ? [contextProduct, ...mentioned.filter((p) => p !== contextProduct)] : mentioned;
  const running = runningOffers(catalog, null, now);
  const focusOffers =
    inFocus.length === 0
      ? running
      : running.filter((o) => o.product === null || inFocus.some((p) => offerAppliesTo(o, p)));
  const violations = [
    ...checkMoney(text, catalog, running, contextProduct, options.amounts ?? []),
    ...checkPercents(text, running),
    ...checkStock(text, catalog, contextProduct, mentioned, focusOffers, now),
    ...checkScarcity(text, inFocus, focusOffers, now),
  ];
  return violations.sort((a, b) => a.index - b.index);
}

/** The sentence (or line) of `text` that holds [start, end): split at . ! ? and line breaks, not at decimal points. */
function sentenceAround(text: string, start: number, end: number): string {
  const boundary = /[!?\n]|\.(?!\d)/g;
  let from = 0;
  let to = text.length;
  for (const m of text.matchAll(boundary)) {
    if (m.index < start) from = m.index + 1;
    else if (m.index >= end) {
      to = m.index;
      break;
    }
  }
  return text.slice(from, to);
}

function checkMoney(
  text: string,
  catalog: Catalog,
  running: Offer[],
  contextProduct: Product | null,
  extraAmounts: readonly number[],
): ClaimViolation[] {
  const taken: [number, number][] = [];
  const violations: ClaimViolation[] = [];
  for (const pattern of MONEY_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      const amount = Number((match[1] ?? match[2] ?? "").replace(/,/g, ""));
      // An amount must belong to the product its sentence names ("the Dutch oven is $49" is not
      // backed by the $49 skillet); without a name, to the product in context, else to any product.
      const named = findProductsMentioned(sentenceAround(text, start, end), catalog);
      const subjects = named.length > 0 ? named : contextProduct !== null ? [contextProduct] : catalog.products;
      const backed = [...backedAmounts(catalog, running, subjects), ...extraAmounts];
      if (backed.some((value) => Math.abs(value - amount) <= MONEY_TOLERANCE)) continue;
      violations.push({
        kind: "price",
        text: match[0].trim(),
        index: start,
        message: `"${match[0].trim()}" is not a catalog price, running offer price or shipping amount`,
      });
    }
  }
  return violations;
}

function backedAmounts(catalog: Catalog, running: Offer[], products: readonly Product[]): number[] {
  const amounts = [catalog.shop.shipping.flatRate];
  if (catalog.shop.shipping.freeOver !== null) amounts.push(catalog.shop.shipping.freeOver);
  for (const product of products) {
    amounts.push(product.price);
    for (const offer of running.filter((o) => offerAppliesTo(o, product))) {
      const price = discountedPrice(product.price, offer.percent);
      amounts.push(price, product.price - price);
    }
  }
  return amounts;
}

/** A discount percentage stated in a text (`10% off`, `save 15%`). */
export interface StatedDiscount {
  percent: number;
  /** The phrase as written. */
  text: string;
  index: number;
}

/** Finds every discount percentage a text states, in order. */
export function findStatedDiscounts(text: string): StatedDiscount[] {
  const found = new Map<number, StatedDiscount>();
  for (const pattern of PERCENT_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const at = match.index + match[0].indexOf(match[1] ?? "");
      if (!found.has(at)) found.set(at, { percent: Number(match[1]), text: match[0].trim(), index: match.index });
    }
  }
  return [...found.values()].sort((a, b) => a.index - b.index);
}

function checkPercents(text: string, running: Offer[]): ClaimViolation[] {
  const offers = running.map((offer) => `${offer.percent}%`).join(", ");
  return findStatedDiscounts(text)
    .filter((stated) => !running.some((offer) => offer.percent === stated.percent))
    .map((stated) => ({
      kind: "discount" as const,
      text: stated.text,
      index: stated.index,
      message: `"${stated.text}" is not a running offer (${offers ? `running: ${offers}` : "no offer is running"})`,
    }));
}

function checkStock(
  text: string,
  catalog: Catalog,
  contextProduct: Product | null,
  mentioned: Product[],
  offers: Offer[],
  now: number,
): ClaimViolation[] {
  const candidates = contextProduct ? [contextProduct] : mentioned.length > 0 ? mentioned : catalog.products;
  const violations: ClaimViolation[] = [];
  for (const pattern of STOCK_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const count = toCount(match[1] ?? "");
      const unit = /\b(minute|hour|day|week)s?\b/i.exec(match[2] ?? "")?.[1]?.toLowerCase();
      const claim = match[0].trim();
      if (unit) {
        const hours = TIME_UNITS[unit] ?? 1;
        const backed = offers.some((o) => Math.ceil((offerEndsAt(o) - now) / (hours * HOUR_MS)) === count);
        if (!backed) violations.push(scarcity(claim, match.index, "no running offer ends in that time"));
        continue;
      }
      const backed = count >= 1 && count <= MAX_STOCK_CLAIM && candidates.some((product) => product.stock === count);
      if (backed) continue;
      const stocks = candidates.map((product) => `${product.id}: ${product.stock}`).join(", ");
      violations.push({
        kind: "stock",
        text: claim,
        index: match.index,
        message:
          count > MAX_STOCK_CLAIM
            ? `"${claim}" states a stock above ${MAX_STOCK_CLAIM}; only state small real stock numbers`
            : `"${claim}" does not match the catalog's stock (${stocks})`,
      });
    }
  }
  return violations;
}

function checkScarcity(text: string, inFocus: Product[], offers: Offer[], now: number): ClaimViolation[] {
  const lowStock = inFocus.some(isLowStock);
  const violations: ClaimViolation[] = [];
  for (const match of text.matchAll(SCARCITY_PATTERN)) {
    const today = TODAY_WORDS.test(match[0]);
    const withinHours = today ? 24 : OFFER_ENDING_SOON_HOURS;
    const ending = offers.some((offer) => offerEndsAt(offer) - now <= withinHours * HOUR_MS);
    if (ending || (lowStock && !today)) continue;
    const reason = today
      ? "no running offer ends within 24 hours"
      : `no product in the conversation is low on stock and no offer ends within ${OFFER_ENDING_SOON_HOURS} hours`;
    violations.push(scarcity(match[0], match.index, reason));
  }
  return violations;
}

function scarcity(claim: string, index: number, reason: string): ClaimViolation {
  return { kind: "scarcity", text: claim, index, message: `"${claim}" is not backed: ${reason}` };
}

function toCount(word: string): number {
  return NUMBER_WORDS[word.toLowerCase()] ?? Number(word);
}
