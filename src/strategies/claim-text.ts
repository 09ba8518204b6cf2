/**
 * Claim text normalisation: the form every outgoing text is read in before the
 * claim check and the guardrails look at it, so that "$４９", "$\u200b49",
 * "forty-nine dollars", "€49,00", "½ price" or a Cyrillic letter in a forbidden
 * phrase read as what a customer sees. Used only for checking: the text sent is
 * the text written. Pure.
 *
 * Steps, in order: Unicode NFKC; invisible and format characters removed
 * (`\p{Cf}`, zero-width and filler characters, variation selectors); every
 * decimal digit (`\p{Nd}`, any script) mapped to ASCII; dashes to `-`, spaces to
 * one space; diacritics dropped and look-alike letters folded to Latin (the
 * `confusables` package; ASCII is kept as it is); fractions (`½`, `1/2`) to
 * decimals; English and Spanish number words to digits ("forty-nine", "cuarenta
 * y nueve", "one hundred and twenty"); "percent" / "por ciento" to `%`;
 * decimal commas (`49,00`, `1.299,00`) to decimal points.
 * @module
 */
import { remove as foldConfusables } from "confusables";
import { BoundedMemo } from "./bounded-memo.js";

// Format characters (zero-width space and joiners, word joiner, BOM, soft hyphen, bidi controls), the
// grapheme joiner, Hangul and Khmer fillers, Mongolian selectors and variation selectors.
const INVISIBLE =
  /\p{Cf}|\u034F|\u115F|\u1160|\u17B4|\u17B5|[\u180B-\u180F]|\u3164|\uFFA0|[\uFE00-\uFE0F]|[\u{E0100}-\u{E01EF}]/gu;
const DIGIT = /\p{Nd}/u;
const NON_ASCII_DIGIT = /(?![0-9])\p{Nd}/gu;
const DASHES = /[\p{Pd}\u2212\uFE63\uFF0D]/gu;
const SPACES = /[\p{Zs}\t\u00A0]+/gu;
const NON_ASCII_LETTER = /(?![a-zA-Z])\p{L}/gu;
const MARKS = /\p{M}+/gu;
const PRINTABLE_ASCII = /^[\x20-\x7E\n\r]*$/;

/** Digit value of every non-ASCII decimal digit: `\p{Nd}` comes in runs of ten, zero first. */
let digitZeros: number[] | null = null;

function asciiDigit(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  digitZeros ??= findDigitZeros();
  let zero = -1;
  for (const z of digitZeros) {
    if (z <= code && code < z + 10) zero = z;
  }
  return zero < 0 ? char : String(code - zero);
}

function findDigitZeros(): number[] {
  const zeros: number[] = [];
  let run = 0;
  for (let code = 0; code <= 0x1ffff; code++) {
    if (DIGIT.test(String.fromCodePoint(code))) {
      if (run % 10 === 0) zeros.push(code);
      run++;
    } else run = 0;
  }
  return zeros;
}

const EN_UNITS: Record<string, number> = {
  zero: 0,
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
  eleven: 11,
  twelve: 12,
  thirteen: 13,
  fourteen: 14,
  fifteen: 15,
  sixteen: 16,
  seventeen: 17,
  eighteen: 18,
  nineteen: 19,
  twenty: 20,
  thirty: 30,
  forty: 40,
  fourty: 40,
  fifty: 50,
  sixty: 60,
  seventy: 70,
  eighty: 80,
  ninety: 90,
};
const ES_UNITS: Record<string, number> = {
  cero: 0,
  uno: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  once: 11,
  doce: 12,
  trece: 13,
  catorce: 14,
  quince: 15,
  dieciseis: 16,
  diecisiete: 17,
  dieciocho: 18,
  diecinueve: 19,
  veinte: 20,
  veintiuno: 21,
  veintiun: 21,
  veintidos: 22,
  veintitres: 23,
  veinticuatro: 24,
  veinticinco: 25,
  veintiseis: 26,
  veintisiete: 27,
  veintiocho: 28,
  veintinueve: 29,
  treinta: 30,
  cuarenta: 40,
  cincuenta: 50,
  sesenta: 60,
  setenta: 70,
  ochenta: 80,
  noventa: 90,
  cien: 100,
  ciento: 100,
  doscientos: 200,
  trescientos: 300,
  cuatrocientos: 400,
  quinientos: 500,
  seiscientos: 600,
  setecientos: 700,
  ochocientos: 800,
  novecientos: 900,
};
/** Words that multiply what comes before them. */
const MULTIPLIERS: Record<string, number> = { hundred: 100, thousand: 1000, mil: 1000 };
const NUMBER_WORD_VALUES: Record<string, number> = { ...EN_UNITS, ...ES_UNITS };
const WORD_ALTERNATION = [...Object.keys(NUMBER_WORD_VALUES), ...Object.keys(MULTIPLIERS)]
  .sort((a, b) => b.length - a.length)
  .join("|");
const NUMBER_WORD_RUN = new RegExp(
  String.raw`\b(?:${WORD_ALTERNATION})(?:(?:[\s-]+|\s+(?:and|y)\s+)(?:${WORD_ALTERNATION}))*\b`,
  "gi",
);

/** The value of a run of number words ("forty-nine", "one hundred and five", "ciento veinte"). */
function numberWordsValue(run: string): number | null {
  const words = run
    .toLowerCase()
    .split(/[\s-]+/)
    .filter((w) => w !== "and" && w !== "y");
  let total = 0;
  let current = 0;
  let last: number | null = null;
  for (const word of words) {
    const multiplier = MULTIPLIERS[word];
    if (multiplier !== undefined) {
      if (multiplier === 100) current = (current || 1) * 100;
      else {
        total += (current || 1) * multiplier;
        current = 0;
      }
      last = multiplier;
      continue;
    }
    const value = NUMBER_WORD_VALUES[word];
    if (value === undefined) return null;
    // "twenty five" adds; "five five" or "twenty thirty" is not one number.
    if (last !== null && last < 100 && !(last % 10 === 0 && last >= 20 && value < 10)) return null;
    current += value;
    last = value;
  }
  return total + current;
}

function numberWordsToDigits(text: string): string {
  return text.replace(NUMBER_WORD_RUN, (run) => {
    const value = numberWordsValue(run);
    if (value !== null) return String(value);
    // Not one number: convert word by word ("two one" → "2 1").
    return run.replace(new RegExp(`\\b(?:${WORD_ALTERNATION})\\b`, "gi"), (word) => {
      const v = NUMBER_WORD_VALUES[word.toLowerCase()];
      return v === undefined ? word : String(v);
    });
  });
}

const FRACTIONS: Record<string, string> = {
  "1/2": "0.5",
  "1/3": "0.33",
  "2/3": "0.67",
  "1/4": "0.25",
  "3/4": "0.75",
};

/**
 * The text as a claim check reads it (see the module comment). Keeps letters' case; the result is
 * for checking only and its indexes do not map back to the original.
 */
export function normalizeClaimText(text: string): string {
  return normalized.get(text);
}

/** Lint checks the same renderings many times: the last few hundred results are kept. */
const CACHE_MAX = 500;
const normalized = new BoundedMemo(CACHE_MAX, (text: string) => normalizeUncached(text));
const forms = new BoundedMemo(CACHE_MAX, (text: string) => phraseFormsUncached(text));

function normalizeUncached(text: string): string {
  let out = foldText(text);
  out = out.replace(/(?<![\d/])([1-3])\s*\/\s*([2-4])(?![\d/])/g, (whole, a: string, b: string) => {
    return FRACTIONS[`${a}/${b}`] ?? whole;
  });
  out = out.replace(/\b(?:one|a)[\s-]+half\b/gi, "half").replace(/\bmedio\b/gi, "half");
  out = out.replace(/\s*(?:\bper\s?cent\b|\bpct\b|\bpor\s?ciento\b)/gi, "%");
  out = numberWordsToDigits(out);
  // European decimals: 1.299,00 → 1299.00; 49,00 → 49.00 (a comma with exactly two digits after it).
  out = out.replace(/\b(\d{1,3}(?:\.\d{3})+),(\d{2})(?!\d)/g, (_, int: string, dec: string) => {
    return `${int.replace(/\./g, "")}.${dec}`;
  });
  out = out.replace(/(\d),(\d{2})(?![\d,])/g, "$1.$2");
  return out;
}

/**
 * The light form forbidden phrases are matched in: NFKC, invisible characters removed, digits to
 * ASCII, dashes and spaces unified, diacritics dropped and look-alike letters folded to Latin.
 */
export function foldText(text: string): string {
  // Printable ASCII has nothing to fold but runs of spaces.
  if (PRINTABLE_ASCII.test(text)) return text.replace(SPACES, " ");
  let out = text.normalize("NFKC").replace(INVISIBLE, "");
  out = out.replace(NON_ASCII_DIGIT, asciiDigit);
  out = out
    .replace(DASHES, "-")
    .replace(SPACES, " ")
    .replace(/\u2044/g, "/");
  out = out.normalize("NFKD").replace(MARKS, "").normalize("NFC");
  out = out.replace(NON_ASCII_LETTER, (letter) => foldConfusables(letter));
  return out;
}

/**
 * The forms of `text` a forbidden phrase is looked for in: as written, folded, with hyphens and other
 * in-word punctuation read as spaces, with them removed, and the full claim normalisation.
 */
export function phraseForms(text: string): string[] {
  return forms.get(text);
}

function phraseFormsUncached(text: string): string[] {
  const folded = foldText(text);
  const spaced = folded.replace(/(?<=\w)[-_.·•*'’]+(?=\w)/g, " ").replace(/ {2,}/g, " ");
  const joined = folded.replace(/(?<=\w)[-_.·•*]+(?=\w)/g, "");
  // The text as written first, so a match in it is quoted as written.
  return [...new Set([text, folded, spaced, joined, normalizeClaimText(text)])];
}
