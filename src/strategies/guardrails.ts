/**
 * A variant's own guardrails on a reply: phrases it must never use and the
 * largest discount it may state. Pure.
 * @module
 */
import { findStatedDiscounts } from "./claim-check.js";
import { compileSignal } from "./signals.js";
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
 * `maxDiscountPercent`. Invalid phrases are skipped (lint reports them).
 */
export function checkGuardrails(text: string, variant: GuardedVariant): GuardrailViolation[] {
  const violations: GuardrailViolation[] = [];
  for (const { phrase, pattern } of forbiddenPatterns(variant.guardrails)) {
    const match = pattern.exec(text);
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

const patternCache = new WeakMap<GuardedVariant["guardrails"], { phrase: string; pattern: RegExp }[]>();

function forbiddenPatterns(guardrails: GuardedVariant["guardrails"]): { phrase: string; pattern: RegExp }[] {
  let patterns = patternCache.get(guardrails);
  if (!patterns) {
    patterns = guardrails.forbiddenPhrases.flatMap((phrase) => {
      const compiled = compileSignal(phrase);
      return compiled.ok ? [{ phrase, pattern: compiled.pattern }] : [];
    });
    patternCache.set(guardrails, patterns);
  }
  return patterns;
}
