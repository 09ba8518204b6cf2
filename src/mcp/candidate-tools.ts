/**
 * MCP tools over the weekly reflection's candidates: `candidates_list` (the
 * proposed and candidate arms, with each one's rationale) and
 * `candidate_review` (approve a proposal or reject one with a reason), over
 * the same `CandidateDeps` as `closer candidates` and `/api/candidates`.
 * @module
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { CloserError } from "../errors.js";
import {
  approveCandidate,
  type CandidateDeps,
  listCandidates,
  rejectCandidate,
  showCandidate,
} from "../experiments/index.js";
import type { McpContext } from "./mcp-context.js";
import { audited } from "./tool-audit.js";

const candidateShape = z.object({
  stage: z.string(),
  arm: z.string(),
  status: z.enum(["proposed", "candidate", "retired"]),
  origin: z.string(),
  file: z.string().nullable(),
  description: z.string().nullable(),
  parents: z.array(z.string()),
  createdAt: z.string().nullable(),
  model: z.string().nullable(),
});

/** Registers the candidate tools. */
export function registerCandidateTools(server: McpServer, ctx: McpContext): void {
  const deps = (): CandidateDeps => {
    if (ctx.candidates === undefined) {
      throw new CloserError("experiment_invalid", "The review of candidates is not available here.");
    }
    return ctx.candidates;
  };

  server.registerTool(
    "candidates_list",
    {
      title: "Candidate arms",
      description:
        "The arms the weekly reflection proposed (waiting for review, no traffic) and the candidates (approved, on " +
        "capped traffic), of one stage or all, each with its description, parents and rationale.",
      inputSchema: z.strictObject({ stage: z.string().min(1).optional().describe("only this funnel stage") }),
      outputSchema: z.object({ candidates: z.array(candidateShape.extend({ rationale: z.string().nullable() })) }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "candidates_list", args, async () => {
        const list = await listCandidates(deps(), args.stage);
        const candidates = await Promise.all(
          list.map(async (c) => ({ ...c, rationale: (await showCandidate(deps(), c.stage, c.arm)).rationale })),
        );
        return { candidates };
      }),
  );

  server.registerTool(
    "candidate_review",
    {
      title: "Review a candidate",
      description:
        "approve: a proposed arm becomes a candidate and gets customers within the stage's candidate cap. " +
        "reject: a proposed or candidate arm is retired for good. Changes what customers receive; give a reason.",
      inputSchema: z.strictObject({
        stage: z.string().min(1).describe("the funnel stage, e.g. intent"),
        arm: z
          .string()
          .regex(/^[^@\s]+@[1-9][0-9]*$/, "an arm like fit-question-first@1 (variant@version)")
          .describe("the arm as variant@version"),
        decision: z.enum(["approve", "reject"]),
        reason: z.string().trim().min(1).max(500).describe("why; kept in the audit log"),
      }),
      outputSchema: candidateShape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "candidate_review", args, async () => {
        const review = { actor: ctx.actor, reason: args.reason };
        const done =
          args.decision === "approve"
            ? await approveCandidate(deps(), args.stage, args.arm, review)
            : await rejectCandidate(deps(), args.stage, args.arm, review);
        return { ...done };
      }),
  );
}
