/**
 * Finding customers for the MCP tools: by id, phone number, `…@lid` or
 * business-scoped user id, or WhatsApp username, and a search by
 * name, the last four digits of the phone, or stage. What it returns carries
 * masked phone numbers only.
 * @module
 */
import { customerIdByIdentity, normaliseCustomerIdentity } from "../engine/index.js";
import { CloserError } from "../errors.js";
import { maskPhone } from "../log.js";
import { customerRowToRecord, findCustomerById, listCustomers } from "../store/index.js";
import type { McpContext } from "./mcp-context.js";

/** Customers scanned per page of a search (names are encrypted, so a search decrypts). */
const SEARCH_PAGE = 500;
/** Most customers a search reads before it stops (the newest interactions first). */
export const SEARCH_SCAN_MAX = 20_000;

/** A customer in a search result. */
export interface CustomerSummary {
  id: string;
  /** The last four digits: `…4567`. */
  phone: string;
  name: string | null;
  stage: string;
  optedOut: boolean;
  inHandoff: boolean;
  lastInteractionAt: string;
}

/** What to search by; every given criterion must match. */
export interface CustomerQuery {
  /** Part of the name, any case. */
  name?: string | undefined;
  /** The last digits of the phone number (`4567`, `…4567`). */
  phoneEnding?: string | undefined;
  stage?: string | undefined;
  limit: number;
}

/**
 * The customer id for a customer id, a phone number (`+15551234567`), an `…@lid` identity, a Cloud API
 * business-scoped user id (`US.1349…`) or a WhatsApp username (`@kai.cooks`).
 * @throws CloserError `bad_request` (none of these), `customer_unknown` (no such customer).
 */
export async function resolveCustomer(ctx: McpContext, ref: string): Promise<string> {
  if (/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(ref)) {
    if ((await findCustomerById(ctx.db, ref)) === undefined) throw unknown();
    return ref;
  }
  const identity = normaliseCustomerIdentity(ref);
  if (identity === null) {
    throw new CloserError(
      "bad_request",
      "customer: give the customer id, a phone number like +15551234567, a business-scoped user id like US.1349… or a @username",
    );
  }
  const id = await customerIdByIdentity(ctx.db, ctx.cipher, identity);
  if (id === null) throw unknown();
  return id;
}

/** Customers matching `query`, the most recent interactions first. */
export async function findCustomers(ctx: McpContext, query: CustomerQuery): Promise<CustomerSummary[]> {
  const found: CustomerSummary[] = [];
  const name = query.name?.toLowerCase();
  const ending = query.phoneEnding?.replace(/\D/g, "");
  const now = ctx.clock.now();
  for (let offset = 0; offset < SEARCH_SCAN_MAX && found.length < query.limit; offset += SEARCH_PAGE) {
    const rows = await listCustomers(ctx.db, { limit: SEARCH_PAGE, offset });
    for (const row of rows) {
      if (query.stage !== undefined && row.stage !== query.stage) continue;
      const record = customerRowToRecord(row, ctx.cipher);
      if (name !== undefined && !(record.name ?? "").toLowerCase().includes(name)) continue;
      if (ending !== undefined && !record.identity.replace(/\D/g, "").endsWith(ending)) continue;
      found.push({
        id: record.id,
        phone: maskPhone(record.identity),
        name: record.name,
        stage: record.stage,
        optedOut: record.optedOut,
        inHandoff: record.handoffUntil !== null && record.handoffUntil > now,
        lastInteractionAt: new Date(record.lastInteractionAt).toISOString(),
      });
      if (found.length >= query.limit) break;
    }
    if (rows.length < SEARCH_PAGE) break;
  }
  return found;
}

function unknown(): CloserError {
  return new CloserError("customer_unknown", "No customer with that id, phone number, user id or username.");
}
