/**
 * The conversation list: every customer, most recently active first,
 * searchable by name, phone or stage. Names and phones are encrypted at rest,
 * so the search decrypts the most recent customers in memory (a small shop's
 * whole list) and matches there.
 * @module
 */
import type { Kysely } from "kysely";
import { maskPhone } from "../../log.js";
import { customerRowToRecord, type Database, type FieldCipher, listCustomers } from "../../store/index.js";

/** Customers shown per page. */
export const CONVERSATIONS_PER_PAGE = 50;
/** How many of the most recent customers a search looks through. */
export const SEARCH_SCAN_LIMIT = 5_000;

/** One row of the list; the phone only masked. */
export interface ConversationRow {
  id: string;
  name: string;
  maskedPhone: string;
  stage: string;
  optedOut: boolean;
  withHuman: boolean;
  lastInteractionAt: string;
}

/** A page of the list. */
export interface ConversationPage {
  rows: ConversationRow[];
  /** Customers matching the search (all customers looked at when there is none). */
  total: number;
  page: number;
  pages: number;
}

/**
 * Lists customers matching `query` (a name or phone fragment, or a stage such
 * as `closing` or `building trust`), newest first.
 */
export async function searchConversations(
  db: Kysely<Database>,
  cipher: FieldCipher,
  { query = "", page = 1, now }: { query?: string; page?: number; now: number },
): Promise<ConversationPage> {
  const rows = await listCustomers(db, { limit: SEARCH_SCAN_LIMIT });
  const needle = query.trim().toLowerCase();
  const digits = needle.replace(/[\s+()-]/g, "");
  const matches: ConversationRow[] = [];
  for (const row of rows) {
    const record = customerRowToRecord(row, cipher);
    const name = record.name ?? "";
    const stage = record.stage;
    const hit =
      needle === "" ||
      name.toLowerCase().includes(needle) ||
      stage.includes(needle.replace(/\s+/g, "_")) ||
      (/^\d+$/.test(digits) && record.identity.includes(digits));
    if (!hit) continue;
    matches.push({
      id: record.id,
      name: name === "" ? "(no name)" : name,
      maskedPhone: maskPhone(record.identity),
      stage,
      optedOut: record.optedOut,
      withHuman: record.handoffUntil !== null && record.handoffUntil > now,
      lastInteractionAt: new Date(record.lastInteractionAt).toISOString(),
    });
  }
  const pages = Math.max(1, Math.ceil(matches.length / CONVERSATIONS_PER_PAGE));
  const current = Math.min(Math.max(1, Math.floor(page)), pages);
  const start = (current - 1) * CONVERSATIONS_PER_PAGE;
  return { rows: matches.slice(start, start + CONVERSATIONS_PER_PAGE), total: matches.length, page: current, pages };
}
