/**
 * What an operator (admin API, dashboard, CLI) sees of one customer: profile,
 * stage, assignments, consent, handoffs, follow-ups and the transcript, decrypted.
 * @module
 */
import type { Kysely } from "kysely";
import {
  assignmentsOf,
  CUSTOMER_AAD,
  type CustomerRow,
  consentHistory,
  customerIdsWithPrefix,
  customerRowToRecord,
  type Database,
  type FieldCipher,
  findCustomerById,
  findCustomerByLidIndex,
  findCustomerByPhoneIndex,
  findCustomerByUsernameIndex,
  followUpsOfCustomer,
  handoffHistory,
  type MessageRecord,
  outcomesOfCustomer,
  transcript,
  usernameIndex,
} from "../store/index.js";
import { type Profile, parseProfile } from "./customer-profile.js";
import { isUsernameIdentity } from "./phone.js";

/** One customer as an operator sees them. */
export interface CustomerView {
  id: string;
  phone: string;
  name: string | null;
  stage: string;
  journey: number;
  optedOut: boolean;
  handoffUntil: string | null;
  firstContactAt: string;
  lastInteractionAt: string;
  conversationCount: number;
  profile: Profile;
  assignments: {
    stage: string;
    journey: number;
    variant: string;
    version: number;
    propensity: number;
    status: string;
    resolution: string | null;
    assignedAt: string;
  }[];
  consent: { kind: string; at: string }[];
  handoffs: { startedAt: string; endsAt: string; endedAt: string | null; reason: string }[];
  /** Follow-ups (scheduled, queued, sent, skipped with the rule's reason, …), newest first. */
  followUps: {
    stage: string;
    /** The arm, `variant@version`. */
    variant: string;
    /** 1-based: the arm's first, second or third follow-up. */
    number: number;
    status: string;
    reason: string | null;
    /** The language of the text, or `template:<name>` for a Cloud template message; null until queued. */
    language: string | null;
    dueAt: string;
    sentAt: string | null;
  }[];
  /** Reported outcomes (API, CLI, dashboard), oldest first. */
  outcomes: {
    outcome: string;
    stage: string | null;
    value: number | null;
    currency: string | null;
    reason: string | null;
    source: string;
    at: string;
  }[];
  transcript: {
    direction: MessageRecord["direction"];
    author: MessageRecord["author"];
    text: string;
    stage: string;
    variant: string | null;
    status: string;
    at: string;
    /** The message kind (`text`, `image`, `voice`, `location`, `order`, `system`, …). */
    kind: string;
    /** The emoji the customer reacted to this message with, or null. */
    reaction: string | null;
    /** When the customer edited it, or null. */
    editedAt: string | null;
    /** When its author deleted it (its text is then empty), or null. */
    revokedAt: string | null;
  }[];
  /** The click-to-WhatsApp ad or post the customer first wrote from, or null. */
  referral: Record<string, unknown> | null;
}

/** Characters of a customer's id that the operator's lists show and the commands accept: `closer customers list`. */
export const SHORT_CUSTOMER_ID_LENGTH = 8;

/** The short form of a customer id (its first {@link SHORT_CUSTOMER_ID_LENGTH} characters). */
export function shortCustomerId(id: string): string {
  return id.slice(0, SHORT_CUSTOMER_ID_LENGTH);
}

/** What {@link findCustomerIdByRef} found. */
export type CustomerRefMatch =
  | { kind: "found"; id: string }
  | { kind: "none" }
  /** A short id that starts more than one customer's id. */
  | { kind: "ambiguous" };

/**
 * Finds a customer by what an operator types: a customer id, whole or short
 * (at least 6 of its characters, as `closer customers list` shows it), or a
 * normalised phone identity (digits, or `<lid>@lid`). All-digit text is tried
 * as a phone number first, then as a short id.
 */
export async function findCustomerIdByRef(
  db: Kysely<Database>,
  cipher: FieldCipher,
  ref: { idPrefix: string | null; identity: string | null },
): Promise<CustomerRefMatch> {
  if (ref.identity !== null) {
    const id = await customerIdByIdentity(db, cipher, ref.identity);
    if (id !== null) return { kind: "found", id };
  }
  if (ref.idPrefix === null) return { kind: "none" };
  const ids = await customerIdsWithPrefix(db, ref.idPrefix);
  if (ids.length > 1) return { kind: "ambiguous" };
  return ids[0] === undefined ? { kind: "none" } : { kind: "found", id: ids[0] };
}

/**
 * Finds a customer id by any identity they are known by (as `normaliseCustomerIdentity` gives it):
 * phone digits, a `…@lid` identity, or a Cloud API business-scoped user id (a customer without a
 * phone), as their identity or as the alias of a customer whose phone is known; or `@username`, the
 * latest WhatsApp username the Cloud API gave for them. Bare digits that are no customer's phone are
 * tried as `…@lid`. Every lookup goes through keyed hashes: nothing is decrypted.
 */
export async function customerIdByIdentity(
  db: Kysely<Database>,
  cipher: FieldCipher,
  identity: string,
): Promise<string | null> {
  if (isUsernameIdentity(identity)) {
    const index = usernameIndex(cipher, identity);
    const row = index === null ? undefined : await findCustomerByUsernameIndex(db, index);
    return row?.id ?? null;
  }
  const candidates = /^\d+$/.test(identity) ? [identity, `${identity}@lid`] : [identity];
  for (const candidate of candidates) {
    const index = cipher.blindIndex(candidate);
    const row = (await findCustomerByPhoneIndex(db, index)) ?? (await findCustomerByLidIndex(db, index));
    if (row !== undefined) return row.id;
  }
  return null;
}

/** Builds the operator's view of a customer, or null when there is none. */
export async function describeCustomer(
  db: Kysely<Database>,
  cipher: FieldCipher,
  customerId: string,
  { transcriptLimit = 200 } = {},
): Promise<CustomerView | null> {
  const row = await findCustomerById(db, customerId);
  if (row === undefined) return null;
  const record = customerRowToRecord(row, cipher);
  const iso = (t: number) => new Date(t).toISOString();
  const [assignments, consent, handoffs, followUps, outcomes, messages] = await Promise.all([
    assignmentsOf(db, customerId),
    consentHistory(db, customerId),
    handoffHistory(db, customerId),
    followUpsOfCustomer(db, customerId),
    outcomesOfCustomer(db, customerId),
    transcript(db, cipher, customerId, transcriptLimit),
  ]);
  return {
    id: record.id,
    phone: record.identity,
    name: record.name,
    stage: record.stage,
    journey: record.journey,
    optedOut: record.optedOut,
    handoffUntil: record.handoffUntil === null ? null : iso(record.handoffUntil),
    firstContactAt: iso(record.firstContactAt),
    lastInteractionAt: iso(record.lastInteractionAt),
    conversationCount: record.conversationCount,
    profile: parseProfile(record.profile),
    assignments: assignments.map((a) => ({
      stage: a.stage,
      journey: a.journey,
      variant: a.variant_id,
      version: a.variant_version,
      propensity: a.propensity,
      status: a.status,
      resolution: a.resolution,
      assignedAt: iso(a.assigned_at),
    })),
    consent: consent.map((c) => ({ kind: c.kind, at: iso(c.at) })),
    handoffs: handoffs.map((h) => ({
      startedAt: iso(h.started_at),
      endsAt: iso(h.ends_at),
      endedAt: h.ended_at === null ? null : iso(h.ended_at),
      reason: h.reason,
    })),
    followUps: followUps.map((f) => ({
      stage: f.stage,
      variant: `${f.variant_id}@${f.variant_version}`,
      number: f.step + 1,
      status: f.status,
      reason: f.reason,
      language: f.language,
      dueAt: iso(f.due_at),
      sentAt: f.sent_at === null ? null : iso(f.sent_at),
    })),
    outcomes: outcomes.map((o) => ({
      outcome: o.outcome,
      stage: o.stage,
      value: o.value,
      currency: o.currency,
      reason: o.reason,
      source: o.source,
      at: iso(o.created_at),
    })),
    transcript: messages.map((m) => ({
      direction: m.direction,
      author: m.author,
      text: m.text,
      stage: m.stage,
      variant: m.variantId === null ? null : `${m.variantId}@${m.variantVersion}`,
      status: m.status,
      at: iso(m.createdAt),
      kind: m.kind,
      reaction: m.reaction,
      editedAt: m.editedAt === null ? null : iso(m.editedAt),
      revokedAt: m.revokedAt === null ? null : iso(m.revokedAt),
    })),
    referral: row.referral_json === null ? null : (JSON.parse(row.referral_json) as Record<string, unknown>),
  };
}

/** Decrypts only the profile of a customer row (cheap path for the playground). */
export function profileOf(row: Pick<CustomerRow, "id" | "profile_enc">, cipher: FieldCipher): Profile {
  return parseProfile(cipher.decryptJson(row.profile_enc, CUSTOMER_AAD.profile(row.id)));
}
