/**
 * Checks of a variant file against the rest of the set: its stage is in the
 * funnel, its template keys are funnel intents or message kinds (with `media` and
 * `voice` present), its templates parse, use only
 * known variables and helpers, and state only what the catalog backs.
 * Works from the raw YAML data, so a file with a schema error still gets every
 * other problem reported.
 * @module
 */
import type { Catalog } from "./catalog-schema.js";
import { errorAt, type Position, type Problem, warningAt } from "./problem.js";
import { closestMatch } from "./suggest.js";
import { checkTemplateClaims, type LintSituation } from "./template-claims.js";
import { lintTemplate, literalText } from "./template-lint.js";
import { type CompiledTemplate, compileTemplate } from "./template-renderer.js";
import { KIND_TEMPLATES, LANGUAGE_KEY, REQUIRED_KIND_TEMPLATES, type Variant } from "./variant-schema.js";
import { locate, positionInString, valueAt, type YamlSource } from "./yaml-source.js";

/** What a variant is checked against; null parts are unknown (their file failed) and skipped. */
export interface VariantLintEnvironment {
  /** The funnel's active stage ids. */
  stageIds: readonly string[] | null;
  /** The funnel's intent names. */
  intents: readonly string[] | null;
  catalog: Catalog | null;
  /** The lint situations for a stage (memoised by the caller). */
  situations(stage: string): readonly LintSituation[];
}

/** The outcome of linting one variant file. */
export interface VariantLintResult {
  /** Compiled templates by key, or null when any template failed. */
  compiled: Record<string, CompiledTemplate> | null;
  problems: Problem[];
}

const NO_GUARDRAILS: Variant["guardrails"] = { forbiddenPhrases: [], maxDiscountPercent: null };

/** Lints one variant file (its raw data and, when valid, its parsed value) against the set. */
export function lintVariant(
  source: YamlSource,
  data: unknown,
  variant: Variant | null,
  env: VariantLintEnvironment,
): VariantLintResult {
  const problems: Problem[] = [];
  const stage = valueAt(data, ["stage"]);
  if (typeof stage === "string") problems.push(...checkStage(source, stage, env.stageIds));
  problems.push(...checkFileName(source, data));
  const templates = valueAt(data, ["templates"]);
  if (templates === null || typeof templates !== "object" || Array.isArray(templates)) {
    return { compiled: null, problems };
  }
  problems.push(...checkKindTemplates(source, templates));
  const compiled: Record<string, CompiledTemplate> = {};
  let allCompiled = true;
  const topKeys = Object.entries(templates)
    .filter(([, value]) => !isBlock(value))
    .map(([key]) => key);
  const lintOne = (path: (string | number)[], key: string, text: string, compiledKey: string) => {
    const template = checkTemplate(source, path, key, text, problems);
    if (!template) {
      allCompiled = false;
      return;
    }
    compiled[compiledKey] = template.compiled;
    if (env.catalog && typeof stage === "string") {
      const guarded = { guardrails: variant?.guardrails ?? NO_GUARDRAILS };
      const issues = checkTemplateClaims(
        template.compiled,
        template.literal,
        env.catalog,
        guarded,
        env.situations(stage),
      );
      // One report per kind and place: "only {{product.stock}} left" would otherwise repeat for every product.
      const reported = new Set<string>();
      for (const issue of issues) {
        const at = claimPosition(source, path, text, issue.text);
        const place = `${issue.kind}:${at.line}:${at.column}`;
        if (reported.has(place)) continue;
        reported.add(place);
        problems.push(errorAt(source.file, at, `template \`${key}\`: ${issue.message}`));
      }
    }
  };
  const lintKey = (base: string[], prefix: string, key: string, value: unknown) => {
    const kindKey = (KIND_TEMPLATES as readonly string[]).includes(key);
    if (key !== "default" && !kindKey && env.intents && !env.intents.includes(key)) {
      const guess = closestMatch(key, ["default", ...KIND_TEMPLATES, ...env.intents]);
      problems.push(
        errorAt(
          source.file,
          locate(source, [...base, key], "key"),
          `template \`${key}\` is not an intent of the funnel${guess ? ` (did you mean \`${guess}\`?)` : ""}`,
        ),
      );
    }
    if (typeof value === "string") lintOne([...base, key], key, value, `${prefix}${key}`);
    else if (Array.isArray(value)) {
      value.forEach((text, i) => {
        if (typeof text === "string") lintOne([...base, key, i], key, text, `${prefix}${key}${i === 0 ? "" : `#${i}`}`);
      });
    }
  };
  for (const [key, value] of Object.entries(templates)) {
    if (!isBlock(value)) {
      lintKey(["templates"], "", key, value);
      continue;
    }
    if (!LANGUAGE_KEY.test(key)) continue; // the schema reports it
    for (const [inner, text] of Object.entries(value)) lintKey(["templates", key], `${key}.`, inner, text);
    problems.push(...checkLanguageCoverage(source, key, topKeys, Object.keys(value)));
  }
  return { compiled: allCompiled && variant ? compiled : null, problems };
}

function isBlock(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** A language block covers exactly the keys of the top level (the shop's language). */
function checkLanguageCoverage(
  source: YamlSource,
  language: string,
  topKeys: readonly string[],
  keys: readonly string[],
): Problem[] {
  const problems: Problem[] = [];
  const missing = topKeys.filter((key) => !keys.includes(key));
  if (missing.length > 0) {
    problems.push(
      errorAt(
        source.file,
        locate(source, ["templates", language], "key"),
        `language \`${language}\` has no template for ${missing.map((k) => `\`${k}\``).join(", ")}; every language covers the same keys`,
      ),
    );
  }
  for (const extra of keys.filter((key) => !topKeys.includes(key))) {
    problems.push(
      errorAt(
        source.file,
        locate(source, ["templates", language, extra], "key"),
        `template \`${language}.${extra}\` has no counterpart in the shop's language; add \`${extra}\` at the top level too`,
      ),
    );
  }
  return problems;
}

/** Every variant answers a photo without caption and a voice note: warns when `media` or `voice` is missing. */
function checkKindTemplates(source: YamlSource, templates: object): Problem[] {
  return REQUIRED_KIND_TEMPLATES.filter((kind) => !(kind in templates)).map((kind) =>
    warningAt(
      source.file,
      locate(source, ["templates"], "key"),
      `no \`${kind}\` template: ${KIND_HINTS[kind]} gets a neutral line instead`,
    ),
  );
}

const KIND_HINTS: Record<(typeof REQUIRED_KIND_TEMPLATES)[number], string> = {
  media: "a photo, video, document or sticker without caption",
  voice: "a voice note",
};

function checkStage(source: YamlSource, stage: string, stageIds: readonly string[] | null): Problem[] {
  if (!stageIds || stageIds.includes(stage)) return [];
  const guess = closestMatch(stage, stageIds);
  return [
    errorAt(
      source.file,
      locate(source, ["stage"]),
      `stage \`${stage}\` is not in the funnel (stages: ${stageIds.join(", ")})${guess ? `; did you mean \`${guess}\`?` : ""}`,
    ),
  ];
}

function checkFileName(source: YamlSource, data: unknown): Problem[] {
  const parts = source.file.split("/");
  const name = parts[parts.length - 1]?.replace(/\.ya?ml$/, "");
  const folder = parts.length >= 3 ? parts[parts.length - 2] : undefined;
  const id = valueAt(data, ["id"]);
  const stage = valueAt(data, ["stage"]);
  const problems: Problem[] = [];
  if (typeof id === "string" && name !== id) {
    problems.push(
      warningAt(source.file, locate(source, ["id"]), `id \`${id}\` differs from the file name \`${name}\``),
    );
  }
  if (typeof stage === "string" && folder !== undefined && folder !== stage) {
    problems.push(
      warningAt(source.file, locate(source, ["stage"]), `stage \`${stage}\` differs from the folder \`${folder}\``),
    );
  }
  return problems;
}

function checkTemplate(
  source: YamlSource,
  path: (string | number)[],
  key: string,
  text: string,
  problems: Problem[],
): { compiled: CompiledTemplate; literal: string } | null {
  const lint = lintTemplate(text);
  for (const issue of lint.issues) {
    problems.push(errorAt(source.file, positionInString(source, path, issue), `template \`${key}\`: ${issue.message}`));
  }
  if (lint.issues.length > 0 || !lint.ast) return null;
  try {
    return { compiled: compileTemplate(text), literal: literalText(lint.ast).join("\n") };
  } catch (error) {
    const message = error instanceof Error ? (error.message.split("\n")[0] ?? "") : String(error);
    problems.push(errorAt(source.file, locate(source, path), `template \`${key}\`: ${message}`));
    return null;
  }
}

/**
 * Where the claim's words are in the template: as written, or with its numbers coming from
 * `{{…}}` ("only 4 left" from "only {{product.stock}} left"); else the template's key.
 */
function claimPosition(source: YamlSource, path: (string | number)[], text: string, claim: string): Position {
  const index = findClaim(text, claim);
  if (index < 0) return locate(source, path, "key");
  const before = text.slice(0, index);
  const line = before.split("\n").length;
  return positionInString(source, path, { line, column: index - before.lastIndexOf("\n") });
}

/** Index of `claim` in a template, letting each number in it be a `{{…}}`; -1 when not found. */
function findClaim(template: string, claim: string): number {
  const exact = template.toLowerCase().indexOf(claim.toLowerCase());
  if (exact >= 0) return exact;
  const parts = claim.trim().split(/([$€£]?\d[\d.,]*)/);
  if (!parts.some((part, i) => i % 2 === 0 && /[a-z]/i.test(part))) return -1;
  const pattern = parts
    .map((part, i) =>
      i % 2 === 1 ? `(?:\\{\\{[^}]+\\}\\}|${escapeRegex(part)})` : escapeRegex(part).replace(/\s+/g, "\\s+"),
    )
    .join("");
  return new RegExp(pattern, "i").exec(template)?.index ?? -1;
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|/]/g, "\\$&");
}
