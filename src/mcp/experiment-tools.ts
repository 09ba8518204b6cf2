/**
 * MCP tools over the experiments: `experiments_status` (the same report as
 * `closer experiments --json`), `promote_arm` and `retire_arm` (with a reason;
 * promoting while the stage's verdict is still collecting is refused unless
 * forced, and a forced promotion carries the evidence as its warning).
 * @module
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { buildExperimentReport, experimentReportSchema } from "../analytics/index.js";
import { armChangeSummary } from "../experiments/index.js";
import type { McpContext } from "./mcp-context.js";
import { audited } from "./tool-audit.js";

const armChangeInput = z.strictObject({
  stage: z.string().min(1).describe("the funnel stage, e.g. closing"),
  arm: z
    .string()
    .regex(/^[^@\s]+@[1-9][0-9]*$/, "an arm like reserve-now@2 (variant@version)")
    .describe("the arm as variant@version"),
  reason: z.string().trim().min(1).max(500).describe("why; kept in the audit log"),
});

const armChangeOutput = z.object({
  stage: z.string(),
  arm: z.string(),
  champion: z.string().nullable(),
  retired: z.array(z.string()),
  demoted: z.array(z.string()),
  /** The stage's weights right after the change, by arm. */
  weights: z.record(z.string(), z.number()),
  /** Set when a forced promotion retired arms while the stage was still collecting: the evidence it had. */
  warning: z.string().nullable(),
  /** What happens to customers already assigned to the retired arms, when any were retired. */
  note: z.string().nullable(),
});

/** Registers the experiment tools. */
export function registerExperimentTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    "experiments_status",
    {
      title: "Experiment status",
      description:
        "Every stage's experiment: verdict (collecting, winner, no_winner_yet), SRM check, and per arm its status, " +
        "decisions, successes, posterior mean and 95% interval, probability of being best, expected loss and weight.",
      inputSchema: z.strictObject({}),
      outputSchema: experimentReportSchema,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "experiments_status", args, () => buildExperimentReport(ctx.db, ctx.playbooks, ctx.clock.now())),
  );

  server.registerTool(
    "promote_arm",
    {
      title: "Promote an arm",
      description:
        "Makes an arm its stage's champion and retires the stage's other arms (keepChallengers keeps them in " +
        "rotation). Changes what customers receive. While the stage's verdict is still collecting, retiring arms " +
        "is refused unless force is true; the answer then carries the evidence as its warning.",
      inputSchema: armChangeInput.extend({
        keepChallengers: z.boolean().optional().describe("keep the other arms in rotation"),
        force: z.boolean().optional().describe("retire the other arms even while the verdict is collecting"),
      }),
      outputSchema: armChangeOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "promote_arm", args, async () => {
        const result = await ctx.experiments.promote(args.stage, args.arm, {
          reason: args.reason,
          keepChallengers: args.keepChallengers,
          force: args.force,
          actor: ctx.actor,
          now: ctx.clock.now(),
        });
        return armChangeSummary(result);
      }),
  );

  server.registerTool(
    "retire_arm",
    {
      title: "Retire an arm",
      description:
        "Takes an arm out of rotation for good (its statistics stay in the report). Changes what customers " +
        "receive; customers already assigned to it keep it until they leave the stage.",
      inputSchema: armChangeInput,
      outputSchema: armChangeOutput,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "retire_arm", args, async () => {
        const result = await ctx.experiments.retire(args.stage, args.arm, {
          reason: args.reason,
          actor: ctx.actor,
          now: ctx.clock.now(),
        });
        return armChangeSummary(result);
      }),
  );
}
