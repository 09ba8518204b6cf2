/**
 * A variant's own guardrails on a reply: phrases it must never use and the
 * largest discount it may state. Pure.
 * @module
 */
import { findStatedDiscounts } from "./claim-check.js";
import { phraseForms } from "./claim-text.js";
import { compileSignal, isRegexSignal } from "./signals.js";
import type { Variant } from "./variant-schema.js";

/** What a guardrail violation is about. */
export type GuardrailKind = "forbidden_phrase" | "max_discount";

/** A reply breaking one of the variant's guardrails. */
export interface GuardrailViolation {
  kind: GuardrailKind;
  /** The offending words as written in the reply. */
  text: string;
  /** Where they start in the reply (UTF-16 index). */
  index: number;
  message: string;
}

/** The part of a variant the guardrail check reads. */
export type GuardedVariant = Pick<Variant, "guardrails">;

/**
 * Lists where `text` breaks the variant's guardrails: each forbidden phrase it contains (signal
 * syntax: keyword on word boundaries or `/regex/`), and each stated discount above
 * `maxDiscountPercent`. Phrases are looked for in every form {@link phraseForms} gives (look-alike
 * letters folded, invisible characters dropped, hyphens read as spaces or removed, numbers in
 * digits), and a keyword phrase is normalised the same way. Invalid phrases are skipped (lint
 * reports them).
 */
export function checkGuardrails(text: string, variant: GuardedVariant): GuardrailViolation[] {
  const violations: GuardrailViolation[] = [];
  const forms = phraseForms(text);
  for (const { phrase, patterns } of forbiddenPatterns(variant.guardrails)) {
    const match = firstMatch(forms, patterns);
    if (match) {
      violations.push({
        kind: "forbidden_phrase",
        text: match[0],
        index: match.index,
        message: `"${match[0]}" is a forbidden phrase of this variant (${phrase})`,
      });
    }
  }
  const max = variant.guardrails.maxDiscountPercent;
  if (max !== null) {
    for (const stated of findStatedDiscounts(text).filter((discount) => discount.percent > max)) {
      violations.push({
        kind: "max_discount",
        text: stated.text,
        index: stated.index,
        message: `"${stated.text}" is more than this variant's maximum discount of ${max}%`,
      });
    }
  }
  return violations.sort((a, b) => a.index - b.index);
}

function firstMatch(forms: readonly string[], patterns: readonly RegExp[]): RegExpExecArray | null {
  for (const form of forms) {
    for (const pattern of patterns) {
      const match = pattern.exec(form);
      if (match) return match;
    }
  }
  return null;
}

type ForbiddenPattern = { phrase: string; patterns: RegExp[] };

const patternCache = new WeakMap<GuardedVariant["guardrails"], ForbiddenPattern[]>();

function forbiddenPatterns(guardrails: GuardedVariant["guardrails"]): ForbiddenPattern[] {
  let patterns = patternCache.get(guardrails);
  if (!patterns) {
    patterns = guardrails.forbiddenPhrases.flatMap((phrase) => {
      const variants = isRegexSignal(phrase) ? [phrase] : [phrase, ...phraseForms(phrase)];
      const compiled = [...new Set(variants)].flatMap((variant) => {
        const result = compileSignal(variant);
        return result.ok ? [result.pattern] : [];
      });
      return compiled.length > 0 ? [{ phrase, patterns: compiled }] : [];
    });
    patternCache.set(guardrails, patterns);
  }
  return patterns;
}
