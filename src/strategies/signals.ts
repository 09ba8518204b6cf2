/**
 * Keyword and regex signals: how the funnel recognises stages, intents and
 * concerns without an LLM, and how guardrails spot forbidden phrases.
 *
 * A signal is either a keyword or phrase, matched case-insensitively on word
 * boundaries (`price` matches "Price?" but not "priceless"; spaces match any run of
 * whitespace; `'` also matches `’`), or a regular expression written `/…/flags`
 * (flags `i`, `m`, `s`, `u`; matching is always case-insensitive).
 *
 * A regex that can backtrack catastrophically (exponential or polynomial time on some input, as
 * `recheck` finds) is refused like a syntax error, so lint and the loader reject it before it runs;
 * and signals only ever read the first {@link SIGNAL_TEXT_MAX_CHARS} characters of a text.
 * @module
 */
import { createRequire } from "node:module";
import { z } from "zod";

/** Signals read at most this many characters of a text (the start of a message says what it is about). */
export const SIGNAL_TEXT_MAX_CHARS = 2000;

/** How long the ReDoS check of one regex may take, ms; a regex it cannot judge in time is refused. */
const REDOS_CHECK_TIMEOUT_MS = 5_000;

/** The ReDoS verdict per `source/flags`: playbooks are reloaded often, each regex is checked once. */
const redosVerdicts = new Map<string, string | null>();

/** Flags a `/…/` signal may carry; `g` and `y` would make matching stateful. */
const ALLOWED_REGEX_FLAGS = new Set(["i", "m", "s", "u"]);

/** Letters, digits and `_`: what counts as "inside a word" for keyword boundaries. */
const WORD_CHAR = "[\\p{L}\\p{N}_]";
const IS_WORD_CHAR = new RegExp(WORD_CHAR, "u");

/** A list of signals compiled once, ready to test texts. */
export interface SignalMatcher {
  /** The signals as written, in order. */
  readonly signals: readonly string[];
  /** True when at least one signal matches `text`. */
  matches(text: string): boolean;
  /** The signals (as written) that match `text`, in list order. */
  matchesWhich(text: string): string[];
}

/** The result of compiling one signal: its pattern, or why it is invalid. */
export type CompiledSignal = { ok: true; pattern: RegExp } | { ok: false; reason: string };

/** One signal as written in YAML; an invalid regex is a schema issue at the signal's line. */
export const signalSchema = z.string().superRefine((signal, ctx) => {
  const result = compileSignal(signal);
  if (!result.ok) ctx.addIssue({ code: "custom", message: `signal ${JSON.stringify(signal)}: ${result.reason}` });
});

/** A list of signals as written in YAML. */
export const signalListSchema = z.array(signalSchema);

/** True when `signal` is written as a regular expression (`/…/flags`). */
export function isRegexSignal(signal: string): boolean {
  return signal.startsWith("/") && signal.lastIndexOf("/") > 0;
}

/** Compiles one signal, or says why it is invalid (empty, bad regex, unsupported flag). Never throws. */
export function compileSignal(signal: string): CompiledSignal {
  if (isRegexSignal(signal)) return compileRegexSignal(signal);
  const words = signal.trim();
  if (words === "") return { ok: false, reason: "a signal must not be empty" };
  const body = words
    .split(/\s+/)
    .map((word) => escapeForUnicodeRegex(word).replace(/['’]/g, "['’]"))
    .join("\\s+");
  // Like \b: a boundary is needed only where the keyword itself starts or ends with a word character.
  const before = IS_WORD_CHAR.test(words[0] ?? "") ? `(?<!${WORD_CHAR})` : "";
  const after = IS_WORD_CHAR.test(words[words.length - 1] ?? "") ? `(?!${WORD_CHAR})` : "";
  return { ok: true, pattern: new RegExp(`${before}${body}${after}`, "iu") };
}

/**
 * Compiles a list of signals once.
 * @throws Error naming the first invalid signal; the loader validates signals before, so a
 *   loaded playbook never throws here.
 */
export function compileSignals(signals: readonly string[]): SignalMatcher {
  const compiled = signals.map((signal) => {
    const result = compileSignal(signal);
    if (!result.ok) throw new Error(`invalid signal ${JSON.stringify(signal)}: ${result.reason}`);
    return { signal, pattern: result.pattern };
  });
  const frozen = Object.freeze([...signals]);
  // Keywords share their flags: one alternation scans the text once where a pattern per keyword
  // scanned it once each (the classifier's keyword tests were a tenth of the pipeline's CPU).
  const keywords = compiled.filter(({ signal }) => !isRegexSignal(signal));
  const anyKeyword =
    keywords.length === 0 ? null : new RegExp(keywords.map(({ pattern }) => `(?:${pattern.source})`).join("|"), "iu");
  const regexes = compiled.filter(({ signal }) => isRegexSignal(signal));
  return {
    signals: frozen,
    matches: function matches(text: string): boolean {
      const head = text.slice(0, SIGNAL_TEXT_MAX_CHARS);
      return (anyKeyword?.test(head) ?? false) || regexes.some(({ pattern }) => pattern.test(head));
    },
    matchesWhich: function matchesWhich(text: string): string[] {
      const head = text.slice(0, SIGNAL_TEXT_MAX_CHARS);
      return compiled.filter(({ pattern }) => pattern.test(head)).map(({ signal }) => signal);
    },
  };
}

function compileRegexSignal(signal: string): CompiledSignal {
  const lastSlash = signal.lastIndexOf("/");
  const source = signal.slice(1, lastSlash);
  const flags = signal.slice(lastSlash + 1);
  if (source === "") return { ok: false, reason: "the regular expression is empty" };
  const unsupported = [...flags].filter((flag) => !ALLOWED_REGEX_FLAGS.has(flag));
  if (unsupported.length > 0) {
    return { ok: false, reason: `unsupported regex flag ${unsupported.join("")} (allowed: i, m, s, u)` };
  }
  const uniqueFlags = [...new Set(`${flags}i`)].join("");
  let pattern: RegExp;
  try {
    pattern = new RegExp(source, uniqueFlags);
  } catch (error) {
    const reason = error instanceof Error ? error.message.replace(/^Invalid regular expression: /, "") : "";
    return { ok: false, reason: `invalid regular expression: ${reason}` };
  }
  const redos = redosProblem(source, uniqueFlags);
  return redos === null ? { ok: true, pattern } : { ok: false, reason: redos };
}

/**
 * Why `source` can stop the service (catastrophic backtracking), or null when `recheck` finds it safe
 * (or runs out of time on a busy machine: the 2000-character cap then bounds it).
 */
export function redosProblem(source: string, flags: string): string | null {
  if (plainlyLinear(source)) return null;
  const key = `${source}/${flags}`;
  const known = redosVerdicts.get(key);
  if (known !== undefined) return known;
  // Loaded on first need: a large module, and most signals never need it (see plainlyLinear).
  const { checkSync } = createRequire(import.meta.url)("recheck") as typeof import("recheck");
  const diagnostics = checkSync(source, flags, { timeout: REDOS_CHECK_TIMEOUT_MS });
  let verdict: string | null = null;
  if (diagnostics.status === "vulnerable") {
    const attack = diagnostics.attack.pattern;
    verdict =
      `the regular expression can backtrack catastrophically (${diagnostics.complexity.type} time, ` +
      `e.g. on ${JSON.stringify(attack)}); rewrite it without nested or overlapping repeats`;
  } else if (diagnostics.status === "unknown" && diagnostics.error.kind !== "timeout") {
    // Syntax recheck does not support: refused. A timeout (a busy machine) is not a verdict, and the
    // 2000-character cap on what signals read bounds the harm of a regex it could not finish.
    verdict = `the regular expression could not be checked for catastrophic backtracking (${diagnostics.error.kind}); simplify it`;
  }
  if (diagnostics.status === "unknown" && diagnostics.error.kind === "timeout") return null; // not cached: judge again next time
  redosVerdicts.set(key, verdict);
  return verdict;
}

/**
 * True when `source` has at most one quantifier and it does not repeat a group: such a regex cannot
 * backtrack exponentially (that needs a repeat inside a repeat, or a repeated alternation), and its
 * worst case, quadratic through the search for a start, is bounded by the 2000-character cap. These
 * (nearly every signal) skip recheck, which costs a second or more per regex at start.
 */
export function plainlyLinear(source: string): boolean {
  let quantifiers = 0;
  let repeatsGroup = false;
  let previous = "";
  for (let i = 0; i < source.length; i++) {
    const c = source[i] as string;
    if (c === "\\") {
      i++;
      previous = "atom";
      continue;
    }
    if (c === "[") {
      for (i++; i < source.length && source[i] !== "]"; i++) if (source[i] === "\\") i++;
      previous = "atom";
      continue;
    }
    const brace = c === "{" ? /^\{\d+(,\d*)?\}/.exec(source.slice(i)) : null;
    const isQuantifier = c === "*" || c === "+" || (c === "?" && previous !== "(") || brace !== null;
    if (isQuantifier && previous !== "quantifier") {
      quantifiers++;
      if (previous === ")") repeatsGroup = true;
      previous = "quantifier";
      if (brace !== null) i += brace[0].length - 1;
      continue;
    }
    previous = c === "(" || c === ")" ? c : isQuantifier ? "quantifier" : "atom";
  }
  return quantifiers <= 1 && !repeatsGroup;
}

/** Escapes the characters that are syntax in a unicode-mode regular expression. */
function escapeForUnicodeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}
