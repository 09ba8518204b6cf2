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
import { normalizeClaimText } from "./claim-text.js";

/** A stated stock number is only honest urgency when it is this small; larger numbers are not stated. */
export const MAX_STOCK_CLAIM = 10;

/** What kind of claim a violation is about. */
export type ClaimKind = "price" | "discount" | "stock" | "scarcity" | "deadline" | "bundle";

/** A claim in a reply that the catalog does not back. */
export interface ClaimViolation {
  kind: ClaimKind;
  /** The claim as the check read it (the reply after {@link normalizeClaimText}). */
  text: string;
  /** Where it starts in the normalised reply (UTF-16 index). */
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
const CODES = "USD|EUR|GBP|CAD|AUD|NZD|CHF|MXN|COP|ARS|CLP|PEN|BRL|INR|JPY|CNY|PHP|SGD|MYR|IDR|ZAR|NGN|AED";
const SYMBOLS = String.raw`(?:US|CA|AU|NZ|MX|R|S)?\$|[€£¥₹₱₦₩₽₺₪₫฿]`;
const AFTER_NUMBER = String.raw`(?![\d,.]?\d)`;
const CURRENCY_WORDS = "dollars?|bucks|euros?|pounds?|pesos?|dolares|dolar|reales|soles|rupees?";
const MONEY_PATTERNS = [
  new RegExp(String.raw`(?:${SYMBOLS})\s?(${NUMBER})${AFTER_NUMBER}`, "gi"),
  new RegExp(String.raw`\b(?:${CODES})\s?(${NUMBER})${AFTER_NUMBER}`, "gi"),
  new RegExp(String.raw`(?<![\d.,])(${NUMBER})\s?(?:(?:${CODES})\b|(?:${CURRENCY_WORDS})\b|(?:${SYMBOLS}))`, "gi"),
];
const PERCENT = String.raw`(\d{1,2}(?:\.\d+)?|100)\s?%`;
const PERCENT_PATTERNS = [
  new RegExp(
    String.raw`(?<![\d.])${PERCENT}\s*(?:off|discount|cheaper|less|savings?|sale|reduction|markdown|offer|deal|promo(?:tion)?|coupon|(?:de\s+)?(?:descuento|rebaja|menos|dto)|en\s+(?:todo|todos|toda))\b`,
    "gi",
  ),
  new RegExp(
    String.raw`\b(?:save|saving|savings of|discount of|discounted by|reduced by|take|get|knock|up to|ahorra|ahorras|ahorre|descuento del?|rebaja del?|hasta(?: un| el)?|al)\s+(?:(?:an?|up to|another|extra|an extra|un|el)\s+)*${PERCENT}`,
    "gi",
  ),
  // "-70%", "−70 %": a minus before a percentage is a markdown.
  new RegExp(String.raw`(?<![\w.])-\s?${PERCENT}`, "gi"),
  // "half off", "0.5 price", "mitad de precio": a fraction of the price is a discount too.
  /\b(half|quarter|third|0\.5|0\.25|0\.33|mitad)(?:[\s-]+(?:the\s+)?)(?:off|price[ds]?|priced|de(?:l)?\s+precio|de\s+descuento)\b|\bat\s+(half)\b|\ba\s+(mitad)\s+de\s+precio\b/gi,
];
const FRACTION_PERCENT: Record<string, number> = {
  half: 50,
  "0.5": 50,
  mitad: 50,
  quarter: 25,
  "0.25": 25,
  third: 33,
  "0.33": 33,
};
/** Bundle and free-item offers: never backed by a catalog, which holds percentage offers only. */
const BUNDLE_PATTERN = new RegExp(
  [
    String.raw`\b(?:bogo|bogof|b1g1|bxgy|2x1|3x2)\b`,
    String.raw`\bbuy\s+\d+\s*,?\s*(?:and\s+)?get\s+\d+\b`,
    String.raw`\bcompra\s+\d+\s*,?\s*(?:y\s+)?(?:lleva|llevate|recibe)\s+\d+\b`,
    String.raw`\b(?:[2-9]|10)\s*(?:for|x|×|por)\s*(?:the\s+price\s+of\s+)?(?:[1-9])\b(?!\s*(?:inch|in\b|cm|mm|qt|"|'))`,
    String.raw`\bfree\s+with\b`,
    String.raw`\b(?:gratis|de regalo)\s+con\b`,
    String.raw`\b(?:get|gets|receive|take|grab|plus)\s+(?:(?:a|an|\d+|another|the|your|one more|a second)\s+)(?:[a-z'’-]+\s+){0,3}?(?:free|for free|gratis|on us)\b`,
    String.raw`\bfree\s+(?:gift|bonus|item|extra|sample|product|pan|knife|apron|kettle|board|oven|skillet|one)s?\b`,
    String.raw`\b(?:second|2nd)\s+(?:one|1|item|unit|pan|piece)?\s*(?:is\s+)?(?:free|at\s+half|for\s+free)\b`,
    String.raw`\b(?:te\s+regalamos|de\s+regalo|llevate\s+otro|lleva\s+otro)\b`,
  ].join("|"),
  "gi",
);
const FREE_SHIPPING_PATTERN = /\bfree\s+(?:shipping|delivery)\b|\b(?:envio|entrega)\s+gratis\b/gi;
const DEADLINE_COUNT = String.raw`(\d+|an?|una?)`;
const DEADLINE_UNIT = "(minutes?|mins?|hours?|hrs?|days?|weeks?|minutos?|horas?|dias?|semanas?)";
const DEADLINE_PATTERNS = [
  new RegExp(
    String.raw`\b(?:expires?|expiring|ends?|ending|closes?|closing|finishes|is over|runs out|termina|vence|acaba|expira|finaliza)\s+(?:only\s+)?(?:in|within|en|dentro de)\s+(?:the\s+|las\s+|los\s+)?(?:next\s+|proxim[oa]s\s+)?${DEADLINE_COUNT}\s+${DEADLINE_UNIT}\b`,
    "gi",
  ),
  new RegExp(
    String.raw`\b(?:valid|available|good|on|lasts?|runs?|solo|valido|valida|disponible)\s+(?:for\s+|por\s+)?(?:only|just|solo)\s+(?:for\s+|por\s+)?(?:the\s+next\s+)?${DEADLINE_COUNT}\s+${DEADLINE_UNIT}\b`,
    "gi",
  ),
  new RegExp(
    String.raw`\b(?:in|within|for|en|durante)\s+(?:the\s+|las\s+|los\s+)?(?:next|only|proxim[oa]s)\s+${DEADLINE_COUNT}\s+${DEADLINE_UNIT}\b`,
    "gi",
  ),
  new RegExp(
    String.raw`(?<!\b(?:only|just|last)\s+)\b${DEADLINE_COUNT}\s+(?:more\s+)?${DEADLINE_UNIT}\s+(?:left|remaining|to go|only)\b`,
    "gi",
  ),
  new RegExp(String.raw`\b(?:quedan?|faltan?)\s+(?:solo\s+)?${DEADLINE_COUNT}\s+${DEADLINE_UNIT}\b`, "gi"),
];
/** A count, as digits: number words were read as numbers by {@link normalizeClaimText}. */
const COUNT = "\\d+";
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

/**
 * Lists the claims in `text` that the catalog does not back at `now` (epoch ms):
 * - a money amount (`$129`, `$129.00`, `129.00 USD`, `USD 129`) must equal, to the cent, a product
 *   price, a running offer's discounted price or saving, or the shipping rate or free-shipping total;
 * - a discount percentage (`10% off`, `save 15%`, `15% discount`) must be a running offer's percent;
 * - a stock number (`only 3 left`, `last 2 in stock`) must be exactly the stock of the product in
 *   context (else of a product mentioned, else of any product) and at most {@link MAX_STOCK_CLAIM};
 * - a deadline in units (`only 2 days left`, `expires in 1 hour`, `quedan 2 dias`) must match a
 *   running offer's remaining time;
 * - a bundle or free-item offer (`BOGO`, `2 for 1`, `buy 1 get 1`, `free with any order`, `free gift`)
 *   is never backed (the catalog holds percentage offers only); free shipping needs a free-shipping
 *   threshold or a zero rate; a fraction off (`half off`, `½ price`) is a percentage like any other;
 * - scarcity words (`selling out`, `almost gone`, `last chance`, `ends tonight`) need a mentioned
 *   product low on stock or an offer ending within 48 hours (24 for "today"/"tonight").
 *
 * The text is read after {@link normalizeClaimText}: full-width and other digits, invisible
 * characters, number words ("forty-nine dollars", "cuarenta y nueve"), fractions, decimal commas
 * (`€49,00`) and currency on either side (`49$`, `USD 49`) cannot hide a claim.
 */
export function checkClaims(
  written: string,
  catalog: Catalog,
  now: number,
  options: ClaimCheckOptions = {},
): ClaimViolation[] {
  const contextProduct =
    typeof options.product === "string" ? (findProduct(catalog, options.product) ?? null) : (options.product ?? null);
  const text = normalizeClaimText(written);
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
    ...checkDeadlines(text, focusOffers, now),
    ...checkBundles(text, catalog),
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

/** Finds every discount percentage a text states, in order (the text is normalised first). */
export function findStatedDiscounts(written: string): StatedDiscount[] {
  const text = normalizeClaimText(written);
  const found = new Map<number, StatedDiscount>();
  for (const pattern of PERCENT_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const group = match.slice(1).find((g) => g !== undefined) ?? "";
      const at = match.index + match[0].toLowerCase().indexOf(group.toLowerCase());
      const percent = FRACTION_PERCENT[group.toLowerCase()] ?? Number(group);
      if (!found.has(at)) found.set(at, { percent, text: match[0].trim(), index: match.index });
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
      const count = Number(match[1] ?? "");
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

function checkDeadlines(text: string, offers: Offer[], now: number): ClaimViolation[] {
  const seen = new Set<number>();
  const violations: ClaimViolation[] = [];
  for (const pattern of DEADLINE_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      if (seen.has(match.index)) continue;
      seen.add(match.index);
      const count = /^(?:an?|una?)$/i.test(match[1] ?? "") ? 1 : Number(match[1]);
      const hours = unitHours(match[2] ?? "");
      const backed = offers.some((o) => Math.ceil((offerEndsAt(o) - now) / (hours * HOUR_MS)) === count);
      if (backed) continue;
      const claim = match[0].trim();
      violations.push({
        kind: "deadline",
        text: claim,
        index: match.index,
        message: `"${claim}" is not backed: no running offer ends in that time`,
      });
    }
  }
  return violations;
}

function unitHours(unit: string): number {
  const u = unit.toLowerCase();
  if (u.startsWith("min")) return 1 / 60;
  if (u.startsWith("h")) return 1;
  if (u.startsWith("d")) return 24;
  return 168;
}

const SHIPPING_WORDS = /\b(?:shipping|delivery|envio|entrega)\b/i;
const NUMBER_FOR_NUMBER = /(\d+)\s*(?:for|x|×|por)\s*(?:the\s+price\s+of\s+)?(\d+)/i;

function checkBundles(text: string, catalog: Catalog): ClaimViolation[] {
  const freeShipping = catalog.shop.shipping.freeOver !== null || catalog.shop.shipping.flatRate === 0;
  const violations: ClaimViolation[] = [];
  const shippingClaim = (claim: string, index: number) => {
    if (!freeShipping) {
      violations.push({
        kind: "bundle",
        text: claim,
        index,
        message: `"${claim}" is not backed: the catalog has no free shipping`,
      });
    }
  };
  for (const match of text.matchAll(FREE_SHIPPING_PATTERN)) shippingClaim(match[0], match.index);
  for (const match of text.matchAll(BUNDLE_PATTERN)) {
    const claim = match[0].trim();
    const pair = NUMBER_FOR_NUMBER.exec(claim);
    // "4 x 6" or "1 for 2" is a size or a count, not a bundle; a bundle gives more than it charges.
    if (pair && !/\b(?:buy|compra)\b/i.test(claim) && Number(pair[1]) <= Number(pair[2])) continue;
    const end = match.index + match[0].length;
    if (
      SHIPPING_WORDS.test(claim) ||
      (/^(?:free with|gratis con)/i.test(claim) && SHIPPING_WORDS.test(sentenceAround(text, match.index, end)))
    ) {
      continue;
    }
    violations.push({
      kind: "bundle",
      text: claim,
      index: match.index,
      message: `"${claim}" is not backed: the catalog runs no bundle or free-item offer`,
    });
  }
  return violations;
}

/** A price, percentage or deadline a text states, for comparing two texts. */
export interface StatedFigure {
  kind: "money" | "percent" | "deadline";
  value: number;
  text: string;
}

const ANY_PERCENT = /(?<![\d.])(\d+(?:\.\d+)?)\s?%/g;

/**
 * Every money amount, percentage (any, not only discounts; fractions off as their percent) and
 * deadline (in hours) a text states, after {@link normalizeClaimText}.
 */
export function statedFigures(written: string): StatedFigure[] {
  const text = normalizeClaimText(written);
  const figures: StatedFigure[] = [];
  const taken: [number, number][] = [];
  for (const pattern of MONEY_PATTERNS) {
    for (const match of text.matchAll(pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (taken.some(([s, e]) => start < e && end > s)) continue;
      taken.push([start, end]);
      figures.push({ kind: "money", value: Number((match[1] ?? "").replace(/,/g, "")), text: match[0].trim() });
    }
  }
  for (const match of text.matchAll(ANY_PERCENT)) {
    figures.push({ kind: "percent", value: Number(match[1]), text: match[0].trim() });
  }
  for (const stated of findStatedDiscounts(text)) {
    if (!figures.some((f) => f.kind === "percent" && f.value === stated.percent)) {
      figures.push({ kind: "percent", value: stated.percent, text: stated.text });
    }
  }
  for (const pattern of [...DEADLINE_PATTERNS, ...STOCK_PATTERNS]) {
    for (const match of text.matchAll(pattern)) {
      const unit = /\b(min|minutes?|hours?|hrs?|days?|weeks?|minutos?|horas?|dias?|semanas?)\b/i.exec(match[0])?.[1];
      if (unit === undefined) continue;
      const raw = match[1] ?? "";
      const count = /^(?:an?|una?)$/i.test(raw) ? 1 : Number(raw);
      figures.push({ kind: "deadline", value: count * unitHours(unit), text: match[0].trim() });
    }
  }
  return figures;
}

/**
 * The figures of `reply` that none of `sources` states (an LLM reply against its template draft and
 * the catalog facts it was given): money to the cent, percentages and deadlines exactly.
 */
export function unbackedFigures(reply: string, sources: readonly string[]): StatedFigure[] {
  const known = sources.flatMap(statedFigures);
  return statedFigures(reply).filter((figure) => {
    if (figure.kind === "money")
      return !known.some((k) => k.kind === "money" && Math.abs(k.value - figure.value) <= MONEY_TOLERANCE);
    if (figure.kind === "percent") return !known.some((k) => k.kind === "percent" && k.value === figure.value);
    // A deadline must be stated by a source too; "valid until 2027-01-31" does not back "ends in 2 hours".
    return !known.some((k) => k.kind === "deadline" && Math.abs(k.value - figure.value) < 1e-9);
  });
}
