/**
 * Every MCP tool call goes into the audit log with the tool, its arguments
 * (phone numbers masked to their last four digits, a customer named by
 * username as `@…`) and whether it succeeded.
 * @module
 */
import { isUsernameIdentity, normaliseCustomerIdentity } from "../engine/index.js";
import { isCloserError } from "../errors.js";
import { maskPhonesDeep } from "../log.js";
import { appendAudit } from "../store/index.js";
import type { McpContext } from "./mcp-context.js";

/** A structured tool result. */
export interface ToolResult {
  [key: string]: unknown;
  content: { type: "text"; text: string }[];
  structuredContent: Record<string, unknown>;
}

/**
 * Runs a tool body, records the call (`mcp:<tool>`) in the audit log, and turns
 * its value into a structured result. A failure is recorded with its code and
 * rethrown (the SDK answers it as a tool error with the message).
 */
export async function audited<A extends Record<string, unknown>>(
  ctx: McpContext,
  tool: string,
  args: A,
  body: () => Promise<Record<string, unknown>>,
): Promise<ToolResult> {
  const detail = { arguments: maskPhonesDeep(maskUsername(args)) };
  try {
    const value = await body();
    await appendAudit(ctx.db, { at: ctx.clock.now(), actor: ctx.actor, action: `mcp:${tool}`, detail });
    return { content: [{ type: "text", text: JSON.stringify(value, null, 2) }], structuredContent: value };
  } catch (error) {
    const code = isCloserError(error) ? error.code : "unexpected";
    await appendAudit(ctx.db, {
      at: ctx.clock.now(),
      actor: ctx.actor,
      action: `mcp:${tool}`,
      detail: { ...detail, error: code },
    });
    throw error;
  }
}

/** The arguments with a `customer` given as a WhatsApp username replaced by `@…`: a username is an identity too. */
function maskUsername<A extends Record<string, unknown>>(args: A): Record<string, unknown> {
  const customer = args["customer"];
  if (typeof customer !== "string") return args;
  const identity = normaliseCustomerIdentity(customer);
  return identity !== null && isUsernameIdentity(identity) ? { ...args, customer: "@…" } : args;
}
