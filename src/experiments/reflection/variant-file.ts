/**
 * An accepted proposal as a variant file: `variants/<stage>/<id>.yaml` with
 * `version: 1`, `origin: reflection`, `parents`, `rationale`, `created_at` and
 * the model's name; its id made unique in the playbooks folder. Pure.
 * @module
 */
import { stringify } from "yaml";
import type { VariantStatus } from "../../strategies/index.js";
import type { Proposal } from "./proposal-schema.js";

/** What a written variant file says besides the proposal. */
export interface VariantFileMeta {
  stage: string;
  id: string;
  status: Extract<VariantStatus, "proposed" | "candidate">;
  model: string;
  /** ISO 8601. */
  createdAt: string;
  /** Forbidden phrases the file must keep (the parents'), merged with the proposal's own. */
  inheritedForbiddenPhrases: readonly string[];
}

/** The file's path relative to the playbooks folder. */
export function variantFilePath(stage: string, id: string): string {
  return `variants/${stage}/${id}.yaml`;
}

/** The YAML text of the variant file for `proposal`. */
export function variantFileText(proposal: Proposal, meta: VariantFileMeta): string {
  const forbidden = [...new Set([...proposal.guardrails.forbidden_phrases, ...meta.inheritedForbiddenPhrases])];
  const file = {
    id: meta.id,
    stage: meta.stage,
    version: 1,
    status: meta.status,
    origin: "reflection",
    parents: proposal.parents,
    rationale: proposal.rationale,
    created_at: meta.createdAt,
    model: meta.model,
    description: proposal.description,
    strategy: proposal.strategy,
    templates: proposal.templates,
    llm_instructions: proposal.llm_instructions,
    guardrails: {
      forbidden_phrases: forbidden,
      ...(proposal.guardrails.max_discount_percent === null
        ? {}
        : { max_discount_percent: proposal.guardrails.max_discount_percent }),
    },
  };
  const header = `# Proposed by the weekly reflection (${meta.model}, ${meta.createdAt}). Review: closer candidates show ${meta.stage} ${meta.id}@1\n`;
  return header + stringify(file, { lineWidth: 0, blockQuote: "literal" });
}

/**
 * A variant id from the model's id: lowercase letters, digits and dashes, made unique against `taken`
 * by a `-2`, `-3`… suffix. Falls back to `reflection` when nothing usable is left.
 */
export function uniqueVariantId(wanted: string, taken: ReadonlySet<string>): string {
  const base =
    wanted
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 48)
      .replace(/-+$/, "") || "reflection";
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** Sets the `status:` line of a variant file's text, keeping everything else byte for byte. */
export function withStatus(text: string, status: VariantStatus): string {
  if (/^status:.*$/m.test(text)) return text.replace(/^status:.*$/m, `status: ${status}`);
  return text.replace(/^(version:.*)$/m, `$1\nstatus: ${status}`);
}
