/**
 * Redaction of transcripts before they reach the model: e-mail addresses,
 * phone numbers, street addresses and postcodes, and names (the customer's
 * known name, and names people give: "I'm Ana", "my name is Ana Lopez",
 * "Hi Ana,") are replaced by labels such as `[email]`. Pure.
 * @module
 */

/** What a redaction label replaces. */
export type RedactionKind = "name" | "phone" | "email" | "address";

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const URL_LIKE = /\bhttps?:\/\/\S+/gi;
// 7+ digits with optional +, spaces, dots, dashes and brackets between them.
const PHONE = /(?<![\p{L}\p{N}])(?:\+|\()?\d(?:[\s().-]{0,2}\d){6,}(?![\p{L}\p{N}])/gu;
const STREET_TYPES =
  "street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|court|ct|way|place|pl|square|sq|terrace|highway|hwy|calle|rua|strasse|straße|weg|platz";
const STREET = new RegExp(
  String.raw`\b\d{1,5}[a-z]?\s+(?:[\p{L}'’.-]+\s+){0,3}(?:${STREET_TYPES})\b\.?(?:,?\s*(?:apt|apartment|unit|suite|flat|#)\s*[\p{L}\p{N}-]+)?`,
  "giu",
);
const STREET_FIRST = /\b(?:calle|rua|avenida|via)\s+(?:[\p{L}'’.-]+\s+){0,3}\d{1,5}\b/giu;
const PO_BOX = /\bp\.?\s?o\.?\s+box\s+\d+\b/gi;
// UK postcodes and US ZIP+4 (plain 5-digit numbers are too often quantities or prices to remove).
const POSTCODE = /\b(?:[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|\d{5}-\d{4})\b/g;
const NAME_WORD = String.raw`\p{Lu}[\p{L}'’-]+`;
const GIVEN_NAME = new RegExp(
  String.raw`\b((?:my name is|my name's|name is|this is|i am|i'm|im|call me|it's|me llamo|soy|sou|je suis|ich bin)\s+)(${NAME_WORD}(?:\s+${NAME_WORD})?)`,
  "giu",
);
const GREETINGS = ["hi", "hello", "hey", "dear", "thanks", "thank you", "hola", "olá", "ola"];
// The greeting in any case, the name capitalised (so "thanks again" is not taken for a name).
const GREETED_NAME = new RegExp(
  String.raw`\b((?:${GREETINGS.map(anyCase).join("|")})\s+)(${NAME_WORD})(?=[,!.]|\s*$)`,
  "gu",
);
// Words after "I'm" that are not names ("I'm Interested", "I'm Not sure").
const NOT_NAMES = new Set([
  "not",
  "interested",
  "looking",
  "just",
  "sure",
  "fine",
  "good",
  "ok",
  "okay",
  "here",
  "ready",
  "back",
  "still",
  "so",
  "very",
  "also",
  "in",
  "on",
  "from",
  "a",
  "the",
]);

/**
 * Replaces personal data in `text`. `knownNames` (the customer's name as stored, the shop's staff)
 * are removed wherever they appear, each word of them on its own too.
 */
export function redact(text: string, knownNames: readonly string[] = []): string {
  let out = text
    .replace(EMAIL, "[email]")
    .replace(URL_LIKE, "[link]")
    .replace(PO_BOX, "[address]")
    .replace(STREET, "[address]")
    .replace(STREET_FIRST, "[address]")
    .replace(POSTCODE, "[address]")
    .replace(PHONE, "[phone]");
  for (const word of nameWords(knownNames)) {
    out = out.replace(new RegExp(String.raw`(?<![\p{L}])${escapeRegex(word)}(?![\p{L}])`, "giu"), "[name]");
  }
  out = out.replace(GIVEN_NAME, (whole, lead: string, name: string) =>
    NOT_NAMES.has(name.split(/\s+/)[0]?.toLowerCase() ?? "") ? whole : `${lead}[name]`,
  );
  return out.replace(GREETED_NAME, (whole, lead: string, name: string) =>
    NOT_NAMES.has(name.toLowerCase()) ? whole : `${lead}[name]`,
  );
}

function nameWords(names: readonly string[]): string[] {
  const words = names.flatMap((name) => name.split(/\s+/)).filter((word) => word.replace(/\W/g, "").length >= 2);
  // Longest first, so "Anabel" is not half-replaced by "Ana".
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

function anyCase(word: string): string {
  return [...word]
    .map((c) => (c.toLowerCase() === c.toUpperCase() ? c : `[${c.toLowerCase()}${c.toUpperCase()}]`))
    .join("");
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}
