/**
 * What the model answers in a reflection: `{"proposals": [...]}`, each proposal
 * in the variant file's own fields (snake_case). The answer as a whole must be
 * that object; a single proposal that does not fit is kept (as loose JSON) so
 * it can be rejected with its reasons instead of spoiling the whole answer.
 * @module
 */
import { z } from "zod";

/** Most proposals read from one answer; more are ignored (the weekly quota is 2 per stage anyway). */
export const MAX_PROPOSALS_PER_ANSWER = 8;

/** One proposed variant, as the model must write it. */
export const proposalSchema = z.strictObject({
  /** A lowercase-with-dashes id; made unique when written. */
  id: z.string().min(1),
  description: z.string().min(1),
  strategy: z.strictObject({
    tone: z.string().min(1),
    goals: z.array(z.string().min(1)).min(1),
    avoid: z.array(z.string().min(1)),
  }),
  /** Handlebars reply templates by intent; `default` is required. */
  templates: z.object({ default: z.string().min(1) }).catchall(z.string().min(1)),
  llm_instructions: z.string().min(1),
  guardrails: z.strictObject({
    forbidden_phrases: z.array(z.string().min(1)),
    /** Largest discount a reply may state, percent; null = what the catalog's offers say. */
    max_discount_percent: z.number().min(0).max(100).nullable(),
  }),
  /** The arms it was bred from, `variant@version`, at least one. */
  parents: z.array(z.string().min(1)).min(1),
  rationale: z.string().min(1),
});

/** A proposal that fits {@link proposalSchema}. */
export type Proposal = z.infer<typeof proposalSchema>;

/** The model's answer; each item is a proposal or, when it does not fit, the raw object to reject. */
export const proposalsAnswerSchema = z.strictObject({
  proposals: z.array(z.union([proposalSchema, z.looseObject({})])),
});

/** The parsed answer. */
export type ProposalsAnswer = z.infer<typeof proposalsAnswerSchema>;

/**
 * Checks one item of the answer against {@link proposalSchema}.
 * @returns the proposal, or the schema's complaints as `path: message` lines.
 */
export function parseProposal(raw: unknown): { ok: true; proposal: Proposal } | { ok: false; reasons: string[] } {
  const result = proposalSchema.safeParse(raw);
  if (result.success) return { ok: true, proposal: result.data };
  return {
    ok: false,
    reasons: result.error.issues.map((issue) => `schema: ${issue.path.join(".") || "(proposal)"}: ${issue.message}`),
  };
}

/** The id the model gave a proposal, even a malformed one (for the rejection list). */
export function rawProposalId(raw: unknown, index: number): string {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === "string" && id.trim() !== "" ? id.trim() : `proposal-${index + 1}`;
}
