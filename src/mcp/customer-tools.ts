/**
 * MCP tools over customers: `customer_find`, `customer_show` (profile and the
 * last messages), `record_outcome`, `handoff_start` and `handoff_end`. Phone
 * numbers leave masked to their last four digits.
 * @module
 */
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { describeCustomer, giveBackToBot, profileAfterOutcomeHook, takeOverChat } from "../engine/index.js";
import { CloserError } from "../errors.js";
import { maskPhone } from "../log.js";
import { findCustomers, resolveCustomer } from "./customer-lookup.js";
import type { McpContext } from "./mcp-context.js";
import { audited } from "./tool-audit.js";

/** Most customers `customer_find` returns. */
export const FIND_LIMIT_MAX = 50;
/** Most messages `customer_show` returns. */
export const SHOW_MESSAGES_MAX = 100;
/** Longest handoff `handoff_start` sets, hours (a week). */
export const HANDOFF_HOURS_MAX = 168;

const customerRef = z.string().min(1).max(80).describe("the customer id, or the phone number like +15551234567");

const summaryShape = z.object({
  id: z.string(),
  phone: z.string().describe("masked: the last four digits"),
  name: z.string().nullable(),
  stage: z.string(),
  optedOut: z.boolean(),
  inHandoff: z.boolean(),
  lastInteractionAt: z.string(),
});

/** Registers the customer tools. */
export function registerCustomerTools(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    "customer_find",
    {
      title: "Find customers",
      description:
        "Customers by part of their name, the last digits of their phone number, or stage (every given criterion " +
        "must match), most recent interaction first. Phone numbers are masked.",
      inputSchema: z.strictObject({
        name: z.string().trim().min(1).max(100).optional(),
        phoneEnding: z
          .string()
          .regex(/^…?\d{2,}$/, "the last digits of the number, like 4567")
          .optional(),
        stage: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(FIND_LIMIT_MAX).default(20),
      }),
      outputSchema: z.object({ customers: z.array(summaryShape) }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) => audited(ctx, "customer_find", args, async () => ({ customers: await findCustomers(ctx, args) })),
  );

  server.registerTool(
    "customer_show",
    {
      title: "Show a customer",
      description:
        "One customer's profile (stage, interests, concerns, trust, purchase probability, recommended approach), " +
        "assignments, handoffs and the last messages, newest last. The phone number is masked.",
      inputSchema: z.strictObject({
        customer: customerRef,
        messages: z.number().int().min(0).max(SHOW_MESSAGES_MAX).default(20),
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "customer_show", args, async () => {
        const id = await resolveCustomer(ctx, args.customer);
        const view = await describeCustomer(ctx.db, ctx.cipher, id, { transcriptLimit: args.messages });
        if (view === null) throw new CloserError("customer_unknown", "No customer with that id or phone number.");
        return { ...view, phone: maskPhone(view.phone) };
      }),
  );

  server.registerTool(
    "record_outcome",
    {
      title: "Record an outcome",
      description:
        "Records that a customer won (bought), was lost, or advanced to a stage, as the shop's order system " +
        "would; resolves their pending assignments (the bandit learns from it). The same eventId twice has one effect.",
      inputSchema: z.strictObject({
        customer: customerRef,
        outcome: z.enum(["won", "lost", "advanced"]),
        stage: z.string().min(1).optional().describe("for advanced: the stage reached"),
        value: z.number().nonnegative().optional().describe("order value in currency units"),
        currency: z
          .string()
          .regex(/^[A-Z]{3}$/, "an ISO 4217 code like USD")
          .optional(),
        reason: z.string().max(500).optional(),
        eventId: z.string().min(1).max(200).optional().describe("idempotency key"),
      }),
      outputSchema: z.object({ duplicate: z.boolean(), stage: z.string(), resolved: z.number() }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "record_outcome", args, async () => {
        const customerId = await resolveCustomer(ctx, args.customer);
        const result = await ctx.experiments.recordOutcome(
          { ...args, customerId, source: "mcp", now: ctx.clock.now() },
          profileAfterOutcomeHook(ctx.cipher),
        );
        return { duplicate: result.duplicate, stage: result.stage, resolved: result.resolved.length };
      }),
  );

  server.registerTool(
    "handoff_start",
    {
      title: "Start a handoff",
      description:
        "A person takes the chat over: the bot stays silent with this customer until the handoff ends or the " +
        "hours pass (default HANDOFF_HOURS).",
      inputSchema: z.strictObject({
        customer: customerRef,
        hours: z.number().positive().max(HANDOFF_HOURS_MAX).optional(),
      }),
      outputSchema: z.object({ customer: z.string(), until: z.string() }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "handoff_start", args, async () => {
        const id = await resolveCustomer(ctx, args.customer);
        const hours = args.hours ?? ctx.config.HANDOFF_HOURS;
        const act = { actor: ctx.actor, now: ctx.clock.now() };
        const { handoffUntil: until } = await ctx.db
          .transaction()
          .execute((trx) => takeOverChat(trx, id, hours * 3_600_000, act));
        return { customer: id, until: new Date(until).toISOString() };
      }),
  );

  server.registerTool(
    "handoff_end",
    {
      title: "End a handoff",
      description: "The bot answers this customer again; replies held during the handoff are reconsidered.",
      inputSchema: z.strictObject({ customer: customerRef }),
      outputSchema: z.object({ customer: z.string(), resumed: z.boolean() }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "handoff_end", args, async () => {
        const id = await resolveCustomer(ctx, args.customer);
        const act = { actor: ctx.actor, now: ctx.clock.now() };
        await ctx.db.transaction().execute((trx) => giveBackToBot(trx, id, act));
        ctx.kickSender?.();
        return { customer: id, resumed: true };
      }),
  );
}
