/**
 * The funnel's shared replies, compiled once: answers per intent (shipping,
 * payment methods, returns, …) from the catalog's facts, post-purchase replies,
 * and the stages' follow-up lines, each per language with alternatives.
 * Templates use the same variables as a variant's and are linted the same way.
 * @module
 */
import type { Funnel, LanguageTexts } from "./funnel-schema.js";
import { errorAt, type Problem } from "./problem.js";
import { lintTemplate } from "./template-lint.js";
import { type CompiledTemplate, compileTemplate } from "./template-renderer.js";
import { locate, positionInString, type YamlSource } from "./yaml-source.js";

/** Compiled texts per language, each a list of alternatives. */
export type CompiledTexts = Record<string, CompiledTemplate[]>;

/** The funnel's shared replies, compiled. */
export interface SharedReplies {
  /** Intent → language → alternatives. */
  answers: Record<string, CompiledTexts>;
  /** Intent (or `default`) → language → alternatives, for customers who bought. */
  postPurchase: Record<string, CompiledTexts>;
  /** Stage → language → alternatives. */
  followUp: Record<string, CompiledTexts>;
}

/** Compiles the funnel's shared replies; problems name the funnel file's lines. */
export function compileSharedReplies(
  funnel: Funnel,
  source: YamlSource | null,
): { shared: SharedReplies; problems: Problem[] } {
  const problems: Problem[] = [];
  const compileAll = (texts: LanguageTexts, path: (string | number)[]): CompiledTexts =>
    Object.fromEntries(
      Object.entries(texts).map(([language, list]) => [
        language,
        list.flatMap((text, i) => {
          const at = list.length === 1 ? [...path, language] : [...path, language, i];
          const lint = lintTemplate(text);
          for (const issue of lint.issues) {
            if (source) problems.push(errorAt(source.file, positionInString(source, at, issue), issue.message));
          }
          if (lint.issues.length > 0) return [];
          try {
            return [compileTemplate(text)];
          } catch (error) {
            const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
            if (source) problems.push(errorAt(source.file, locate(source, at), message));
            return [];
          }
        }),
      ]),
    );
  const mapTexts = (record: Record<string, LanguageTexts>, base: string) =>
    Object.fromEntries(Object.entries(record).map(([key, texts]) => [key, compileAll(texts, [base, key])]));
  const shared: SharedReplies = {
    answers: mapTexts(funnel.answers, "answers"),
    postPurchase: mapTexts(funnel.postPurchase, "post_purchase"),
    followUp: Object.fromEntries(
      funnel.stages.map((stage, index) => [stage.id, compileAll(stage.followUp, ["stages", index, "follow_up"])]),
    ),
  };
  return { shared, problems };
}
