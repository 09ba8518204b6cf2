/**
 * The customer's language, detected per message with tinyld among the languages
 * the playbooks are written in. A short or ambiguous message ("ok", "¿PayPal?")
 * keeps the language already on the profile; only a confident detection changes it.
 * @module
 */
import { detectAll } from "tinyld";

/** The least accuracy tinyld must give the top language for it to count. */
export const LANGUAGE_MIN_CONFIDENCE = 0.1;
/** How far ahead of the runner-up the top language must be. */
export const LANGUAGE_MIN_MARGIN = 0.05;

/** A language and how sure the detection was (0–1; 0 = assumed, never detected). */
export interface DetectedLanguage {
  language: string;
  confidence: number;
}

/**
 * The language after this message: the detected one when confident, else `previous`.
 * @param candidates the languages replies can be written in (at least one).
 */
export function languageAfter(
  text: string,
  candidates: readonly string[],
  previous: DetectedLanguage,
): DetectedLanguage {
  if (candidates.length < 2 || text.trim() === "") return previous;
  const base = candidates.map((code) => code.split("-")[0] ?? code);
  const ranked = detectAll(text, { only: base });
  const [top, second] = ranked;
  if (top === undefined || top.accuracy < LANGUAGE_MIN_CONFIDENCE) return previous;
  if (second !== undefined && top.accuracy - second.accuracy < LANGUAGE_MIN_MARGIN) return previous;
  const language = candidates[base.indexOf(top.lang)] ?? top.lang;
  return { language, confidence: Math.round(Math.min(top.accuracy, 1) * 100) / 100 };
}
