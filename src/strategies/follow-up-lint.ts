/**
 * Checks of a variant's `follow_ups`: the same template checks as replies (syntax, known
 * variables and helpers, claims the catalog must back, guardrails) for every language's text
 * and every Cloud template parameter, and due times that grow from one follow-up to the next.
 * @module
 */
import type { Catalog } from "./catalog-schema.js";
import { errorAt, type Problem } from "./problem.js";
import { checkTemplateClaims, type LintSituation } from "./template-claims.js";
import { lintTemplate, literalText } from "./template-lint.js";
import { type CompiledTemplate, compileTemplate } from "./template-renderer.js";
import { ANY_LANGUAGE, type Variant } from "./variant-schema.js";
import { type DataPath, locate, positionInString, valueAt, type YamlSource } from "./yaml-source.js";

/** The key of follow-up `index`'s compiled text in `language` ({@link ANY_LANGUAGE} for a plain template). */
export function followUpTextKey(index: number, language: string): string {
  return `follow_ups.${index}.${language}`;
}

/** The key of follow-up `index`'s compiled Cloud template parameter `param`. */
export function followUpParameterKey(index: number, param: number): string {
  return `follow_ups.${index}.parameter.${param}`;
}

/** What {@link lintFollowUps} found. */
export interface FollowUpLintResult {
  /** Compiled templates by {@link followUpTextKey} / {@link followUpParameterKey}. */
  compiled: Record<string, CompiledTemplate>;
  /** False when a template failed (the variant then does not load). */
  ok: boolean;
  problems: Problem[];
}

const NO_GUARDRAILS: Variant["guardrails"] = { forbiddenPhrases: [], maxDiscountPercent: null };

/** Lints the raw `follow_ups` of a variant file. */
export function lintFollowUps(
  source: YamlSource,
  data: unknown,
  variant: Variant | null,
  env: { catalog: Catalog | null; situations(stage: string): readonly LintSituation[] },
): FollowUpLintResult {
  const result: FollowUpLintResult = { compiled: {}, ok: true, problems: [] };
  const list = valueAt(data, ["follow_ups"]);
  if (!Array.isArray(list)) return result;
  const stage = valueAt(data, ["stage"]);
  let previousHours = 0;
  list.forEach((item, index) => {
    const hours = valueAt(item, ["after_hours"]);
    if (typeof hours === "number") {
      if (hours <= previousHours && index > 0) {
        result.problems.push(
          errorAt(
            source.file,
            locate(source, ["follow_ups", index, "after_hours"]),
            `follow-up ${index + 1}: \`after_hours\` must be later than the follow-up before it (${previousHours})`,
          ),
        );
      }
      previousHours = hours;
    }
    const texts: [string, string, DataPath][] = [];
    const template = valueAt(item, ["template"]);
    if (typeof template === "string") texts.push([followUpTextKey(index, ANY_LANGUAGE), template, ["template"]]);
    else if (template !== null && typeof template === "object") {
      for (const [language, text] of Object.entries(template)) {
        if (typeof text === "string") texts.push([followUpTextKey(index, language), text, ["template", language]]);
      }
    }
    const parameters = valueAt(item, ["cloud_template", "parameters"]);
    if (Array.isArray(parameters)) {
      parameters.forEach((text, param) => {
        if (typeof text === "string") {
          texts.push([followUpParameterKey(index, param), text, ["cloud_template", "parameters", param]]);
        }
      });
    }
    for (const [key, text, inner] of texts) {
      const path: DataPath = ["follow_ups", index, ...inner];
      const label = `follow-up ${index + 1}${inner.length > 1 ? ` (${inner.slice(1).join(".")})` : ""}`;
      const lint = lintTemplate(text);
      for (const issue of lint.issues) {
        result.problems.push(errorAt(source.file, positionInString(source, path, issue), `${label}: ${issue.message}`));
      }
      if (lint.issues.length > 0 || !lint.ast) {
        result.ok = false;
        continue;
      }
      let compiled: CompiledTemplate;
      try {
        compiled = compileTemplate(text);
      } catch (error) {
        const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
        result.problems.push(errorAt(source.file, locate(source, path), `${label}: ${message}`));
        result.ok = false;
        continue;
      }
      result.compiled[key] = compiled;
      if (!env.catalog || typeof stage !== "string") continue;
      const guarded = { guardrails: variant?.guardrails ?? NO_GUARDRAILS };
      const issues = checkTemplateClaims(
        compiled,
        literalText(lint.ast).join("\n"),
        env.catalog,
        guarded,
        env.situations(stage),
      );
      const reported = new Set<string>();
      for (const issue of issues) {
        if (reported.has(issue.message)) continue;
        reported.add(issue.message);
        result.problems.push(errorAt(source.file, locate(source, path), `${label}: ${issue.message}`));
      }
    }
  });
  return result;
}
