/**
 * Opt-out and opt-in recognition. Only a message that is nothing but an opt-out
 * word or phrase counts: "STOP", "Unsubscribe!", "don't message me" opt out;
 * "we have to stop the bill" does not.
 * @module
 */

/** Opt-out words and phrases, after normalisation (lower case, no punctuation, single spaces). */
export const OPT_OUT_PHRASES: ReadonlySet<string> = new Set([
  "stop",
  "stop all",
  "stopall",
  "quit",
  "end",
  "revoke",
  "opt out",
  "optout",
  "opt-out",
  "cancel",
  "unsubscribe",
  "unsub",
  // The quick-reply button of Meta's marketing templates, also sent as plain text by GOWA and WAHA.
  "stop promotions",
  "stop promotion",
  "stop messaging me",
  "stop texting me",
  "dont message me",
  "don't message me",
  "do not message me",
  "dont text me",
  "don't text me",
  "do not text me",
  "dont contact me",
  "don't contact me",
  "do not contact me",
  "leave me alone",
  "remove me",
]);

/** Opt-in words, after normalisation. */
export const OPT_IN_PHRASES: ReadonlySet<string> = new Set([
  "start",
  "unstop",
  "opt in",
  "optin",
  "subscribe",
  "resume",
]);

/** What a message means for consent. */
export type ConsentSignal = "opt_out" | "opt_in" | null;

/** Polite words around an opt-out word that do not change its meaning ("stop please", "unsubscribe me"). */
const FILLER = /\b(please|pls|plz|thanks|thank you|thx|now|anymore|any more|ok|okay|just|me|sorry)\b/g;

/**
 * Phrases that ask to opt out wherever they stand in a message: they only ever mean one thing
 * ("please stop messaging me, thanks", "no more messages"). Single words like "stop" or "cancel"
 * only count alone, since "we have to stop the bill" and "can I cancel my order?" are not opt-outs.
 */
const OPT_OUT_ANYWHERE: readonly RegExp[] = [
  /\bunsubscribe\b/,
  /\bstop (messaging|texting|sending|contacting|writing to|spamming) (me|us)\b/,
  /\b(dont|don't|do not) (message|text|contact|write to|spam) (me|us)\b/,
  /\bleave me alone\b/,
  /\bremove me from\b/,
  /\bno more (messages|texts)\b/,
  /\bopt me out\b/,
];

/** Classifies a message as an opt-out, an opt-in, or neither. */
export function consentSignal(text: string): ConsentSignal {
  const normalised = normaliseForConsent(text);
  const bare = normalised.replace(FILLER, " ").replace(/\s+/g, " ").trim();
  if (OPT_OUT_PHRASES.has(normalised) || OPT_OUT_PHRASES.has(bare)) return "opt_out";
  if (OPT_OUT_ANYWHERE.some((pattern) => pattern.test(normalised))) return "opt_out";
  if (OPT_IN_PHRASES.has(normalised) || OPT_IN_PHRASES.has(bare)) return "opt_in";
  return null;
}

/** Lower case, curly apostrophes straightened, punctuation and emoji removed, spaces collapsed. */
export function normaliseForConsent(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[^\p{L}\p{N}' -]+/gu, " ")
    .replace(/(^|\s)'+|'+(\s|$)/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The confirmation sent once when a customer opts out. */
export const OPT_OUT_CONFIRMATION =
  "You're unsubscribed and won't get any more messages from us. If you change your mind, reply START.";

/** The confirmation sent when a customer opts back in. */
export const OPT_IN_CONFIRMATION = "Welcome back! You're subscribed again. How can I help?";
