/**
 * Every check a proposal passes before it is written, each failure recorded as
 * a reason: the schema; its parents being arms of the stage; the playbook lint
 * (the very code hand-written files go through: YAML, schema, template syntax,
 * unknown variables and intents, a stage the funnel lacks, template claims the
 * catalog does not back); the claim check on its LLM instructions; the parents'
 * guardrails (no higher `max_discount_percent`, none of their forbidden
 * phrases); near-duplicates of the stage's arms; and the weekly quota.
 * @module
 */
import {
  checkClaims,
  checkGuardrails,
  formatProblem,
  type LoadedVariant,
  lintVariantFile,
  type PlaybookSet,
  type Variant,
} from "../../strategies/index.js";
import { type Proposal, parseProposal, rawProposalId } from "./proposal-schema.js";
import { NEAR_DUPLICATE_SIMILARITY, textSimilarity } from "./text-similarity.js";
import { uniqueVariantId, type VariantFileMeta, variantFilePath, variantFileText } from "./variant-file.js";

/** The stage and the playbooks a proposal is checked against. */
export interface ProposalContext {
  stage: string;
  set: PlaybookSet;
  /** Variants already in the stage (every version in the folder, retired ones too). */
  stageVariants: readonly LoadedVariant[];
  /** The stage's champion, if any: its forbidden phrases are the stage's. */
  champion: LoadedVariant | null;
  /** Proposals accepted earlier in this run (near-duplicates among themselves are rejected too). */
  acceptedTexts: readonly { key: string; text: string }[];
  /** Ids already taken in the folder and by this run. */
  takenIds: ReadonlySet<string>;
  /** New arms the stage may still get this week. */
  quotaLeft: number;
  /** The weekly quota, for the message. */
  quota: number;
  now: number;
  model: string;
  status: VariantFileMeta["status"];
}

/** A proposal that passed, with the file to write. */
export interface AcceptedProposal {
  ok: true;
  id: string;
  file: string;
  text: string;
  proposal: Proposal;
}

/** A proposal that failed, with every reason. */
export interface RejectedProposal {
  ok: false;
  id: string;
  reasons: string[];
}

/** Checks one item of the model's answer. */
export async function checkProposal(
  raw: unknown,
  index: number,
  ctx: ProposalContext,
): Promise<AcceptedProposal | RejectedProposal> {
  const id = rawProposalId(raw, index);
  const parsed = parseProposal(raw);
  if (!parsed.ok) return { ok: false, id, reasons: [...parsed.reasons, ...quotaReasons(ctx)] };
  const proposal = parsed.proposal;
  const parents = ctx.stageVariants.filter((v) => proposal.parents.includes(`${v.id}@${v.version}`));
  const variantId = uniqueVariantId(proposal.id, ctx.takenIds);
  const file = variantFilePath(ctx.stage, variantId);
  const text = variantFileText(proposal, {
    stage: ctx.stage,
    id: variantId,
    status: ctx.status,
    model: ctx.model,
    createdAt: new Date(ctx.now).toISOString(),
    inheritedForbiddenPhrases: parents.flatMap((p) => p.guardrails.forbiddenPhrases),
  });
  const reasons = [
    ...parentReasons(proposal, ctx),
    ...lintReasons(file, text, ctx),
    ...instructionClaimReasons(proposal, ctx),
    ...guardrailReasons(proposal, parents, ctx),
    ...duplicateReasons(proposal, ctx),
    ...quotaReasons(ctx),
  ];
  if (reasons.length > 0) return { ok: false, id, reasons };
  return { ok: true, id: variantId, file, text, proposal };
}

/** The text the near-duplicate check compares: everything a variant says. */
export function variantText(v: Pick<Variant, "strategy" | "templates" | "llmInstructions">): string {
  return [
    v.strategy.tone,
    ...v.strategy.goals,
    ...v.strategy.avoid,
    ...Object.keys(v.templates)
      .sort()
      .map((key) => v.templates[key] ?? ""),
    v.llmInstructions,
  ].join("\n");
}

/** {@link variantText} of a proposal. */
export function proposalText(p: Proposal): string {
  return variantText({ strategy: p.strategy, templates: p.templates, llmInstructions: p.llm_instructions });
}

function parentReasons(proposal: Proposal, ctx: ProposalContext): string[] {
  const known = ctx.stageVariants.map((v) => `${v.id}@${v.version}`);
  return proposal.parents
    .filter((parent) => !known.includes(parent))
    .map((parent) => `parents: ${parent} is not a variant of stage ${ctx.stage} (its variants: ${known.join(", ")})`);
}

function lintReasons(file: string, text: string, ctx: ProposalContext): string[] {
  return lintVariantFile(ctx.set, file, text)
    .filter((p) => p.severity === "error")
    .map((p) => `lint: ${formatProblem(p)}`);
}

function instructionClaimReasons(proposal: Proposal, ctx: ProposalContext): string[] {
  return checkClaims(proposal.llm_instructions, ctx.set.catalog, ctx.now).map(
    (v) => `claim: llm_instructions: ${v.message}`,
  );
}

function guardrailReasons(proposal: Proposal, parents: readonly LoadedVariant[], ctx: ProposalContext): string[] {
  const reasons: string[] = [];
  const limits = parents.map((p) => p.guardrails.maxDiscountPercent).filter((max): max is number => max !== null);
  const parentMax = limits.length > 0 ? Math.min(...limits) : null;
  const own = proposal.guardrails.max_discount_percent;
  if (parentMax !== null && (own === null || own > parentMax)) {
    reasons.push(
      `guardrails: max_discount_percent ${own ?? "unset"} is above its parents' ${parentMax} (${parents.map((p) => `${p.id}@${p.version}`).join(", ")})`,
    );
  }
  const guarded = {
    guardrails: {
      forbiddenPhrases: [
        ...new Set([...parents, ...(ctx.champion ? [ctx.champion] : [])].flatMap((p) => p.guardrails.forbiddenPhrases)),
      ],
      maxDiscountPercent: parentMax,
    },
  };
  const texts: [string, string][] = [
    ...Object.entries(proposal.templates).map(([key, t]): [string, string] => [`template \`${key}\``, t]),
    ["llm_instructions", proposal.llm_instructions],
  ];
  for (const [where, t] of texts) {
    for (const v of checkGuardrails(t, guarded)) {
      if (v.kind === "forbidden_phrase" || where === "llm_instructions") {
        const message = v.message
          .replace("this variant's maximum", "the parents' maximum")
          .replace("of this variant", "of its parents or the stage's champion");
        reasons.push(`guardrails: ${where}: ${message}`);
      }
    }
  }
  return reasons;
}

function duplicateReasons(proposal: Proposal, ctx: ProposalContext): string[] {
  const text = proposalText(proposal);
  const others = [
    ...ctx.stageVariants.map((v) => ({ key: `${v.id}@${v.version}`, text: variantText(v) })),
    ...ctx.acceptedTexts,
  ];
  let closest: { key: string; similarity: number } | null = null;
  for (const other of others) {
    const similarity = textSimilarity(text, other.text);
    if (closest === null || similarity > closest.similarity) closest = { key: other.key, similarity };
  }
  if (closest === null || closest.similarity <= NEAR_DUPLICATE_SIMILARITY) return [];
  return [
    `near-duplicate: of ${closest.key} (text similarity ${closest.similarity.toFixed(2)} > ${NEAR_DUPLICATE_SIMILARITY})`,
  ];
}

function quotaReasons(ctx: ProposalContext): string[] {
  if (ctx.quotaLeft > 0) return [];
  return [`quota: stage ${ctx.stage} already got its ${ctx.quota} new arms in the last 7 days`];
}
