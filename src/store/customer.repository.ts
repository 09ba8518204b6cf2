/**
 * Customers: lookup by blind index, insert, update, and the row → record mapping
 * that decrypts the encrypted columns.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { CustomerRow, CustomerUpdate, Database, NewCustomerRow } from "./database.js";
import { type FieldCipher, type RowBinding, rowBound } from "./field-cipher.js";
import { addForgottenMessages } from "./forgotten-message.repository.js";
import { PreparedPatch, PreparedQuery } from "./prepared-query.js";

/** A customer as the rest of the system sees it, decrypted. */
export interface CustomerRecord {
  id: string;
  /** Phone digits without `+`, or a `…@lid` identity when no phone is known. */
  identity: string;
  name: string | null;
  stage: string;
  journey: number;
  stageEnteredAt: number;
  /** The profile JSON; the engine validates it with its own schema. */
  profile: unknown;
  optedOut: boolean;
  handoffUntil: number | null;
  firstContactAt: number;
  lastInboundAt: number | null;
  lastInteractionAt: number;
  conversationCount: number;
  createdAt: number;
  updatedAt: number;
}

/** Associated data binding each ciphertext to its column and to its row (the customer id). */
export const CUSTOMER_AAD = {
  phone: (customerId: string): RowBinding => rowBound("customers.phone", customerId),
  name: (customerId: string): RowBinding => rowBound("customers.name", customerId),
  profile: (customerId: string): RowBinding => rowBound("customers.profile", customerId),
  details: (customerId: string): RowBinding => rowBound("customers.details", customerId),
} as const;

const FORGOTTEN_PREFIX = "forgotten:";

/** Domain label, so a username's hash never equals the hash of a phone number or id with the same text. */
const USERNAME_LABEL = "whatsapp-username\u0000";

/**
 * A WhatsApp username as compared: Unicode NFKC, trimmed, without a leading `@`, lower case
 * (`@Kai.Cooks` → `kai.cooks`). Null when nothing is left.
 */
export function normaliseUsername(username: string): string | null {
  const name = username.normalize("NFKC").trim().replace(/^@/, "").toLowerCase();
  return name === "" ? null : name;
}

/** The keyed hash a customer's username is stored and looked up by (`customers.username_index`); null for none. */
export function usernameIndex(cipher: FieldCipher, username: string): string | null {
  const name = normaliseUsername(username);
  return name === null ? null : cipher.blindIndex(USERNAME_LABEL + name);
}

/** Finds the customer whose phone (or primary identity) has this blind index. */
export async function findCustomerByPhoneIndex(
  db: Kysely<Database>,
  phoneIndex: string,
): Promise<CustomerRow | undefined> {
  return customerByPhoneQuery.first(db, { phoneIndex });
}

const customerByPhoneQuery = new PreparedQuery((db, p: { phoneIndex: string }) =>
  db.selectFrom("customers").selectAll().where("phone_index", "=", p.phoneIndex),
);

/** Finds the customer with this `@lid` alias blind index. */
export async function findCustomerByLidIndex(db: Kysely<Database>, lidIndex: string): Promise<CustomerRow | undefined> {
  return db.selectFrom("customers").selectAll().where("lid_index", "=", lidIndex).executeTakeFirst();
}

/** Finds the customer whose latest username has this keyed hash (`usernameIndex`). */
export async function findCustomerByUsernameIndex(
  db: Kysely<Database>,
  index: string,
): Promise<CustomerRow | undefined> {
  return db
    .selectFrom("customers")
    .selectAll()
    .where("username_index", "=", index)
    .orderBy("last_interaction_at", "desc")
    .limit(1)
    .executeTakeFirst();
}

/**
 * Records that this customer now has the username with this keyed hash; another customer who had it
 * before (a username can be given up and taken by someone else) no longer does.
 */
export async function setCustomerUsernameIndex(db: Kysely<Database>, id: string, index: string): Promise<void> {
  await db
    .updateTable("customers")
    .set({ username_index: null })
    .where("username_index", "=", index)
    .where("id", "!=", id)
    .execute();
  await db.updateTable("customers").set({ username_index: index }).where("id", "=", id).execute();
}

/** Finds a customer by id. */
export async function findCustomerById(db: Kysely<Database>, id: string): Promise<CustomerRow | undefined> {
  return customerByIdQuery.first(db, { id });
}

const customerByIdQuery = new PreparedQuery((db, p: { id: string }) =>
  db.selectFrom("customers").selectAll().where("id", "=", p.id),
);

/**
 * The ids of customers whose id starts with `prefix` (at most `limit`, to tell
 * a unique match from an ambiguous one). `prefix` holds only `[0-9a-f-]`.
 */
export async function customerIdsWithPrefix(db: Kysely<Database>, prefix: string, limit = 2): Promise<string[]> {
  if (!/^[0-9a-f-]+$/.test(prefix)) return [];
  const rows = await db
    .selectFrom("customers")
    .select("id")
    .where("id", ">=", prefix)
    .where("id", "<", `${prefix}\uffff`)
    .orderBy("id")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Inserts a new customer row. */
export async function insertCustomer(db: Kysely<Database>, row: NewCustomerRow): Promise<void> {
  await db.insertInto("customers").values(row).execute();
}

/** Updates some columns of one customer. */
export async function updateCustomer(db: Kysely<Database>, id: string, patch: CustomerUpdate): Promise<void> {
  await customerPatch.execute(db, id, patch);
}

const customerPatch = new PreparedPatch((db, patch: CustomerUpdate, id) =>
  db
    .updateTable("customers")
    .set(patch)
    .where("id", "=", id as string),
);

/**
 * Deletes a customer and everything that names them (forget / right to erasure):
 * profile, transcript, inbox and outbox rows, consent, handoffs, buffered
 * receipts, the audit entries and alert details that name them. Their
 * assignments and outcomes stay for the statistics under a fresh
 * `forgotten:<random uuid>` id that links to nothing, without an outcome's event
 * id or reason. The keyed hashes of their gateway message ids are kept as
 * tombstones (`forgotten_messages`), so a replayed webhook of theirs is
 * dropped. Run it in a transaction; see `eraseFreedSpace` for the raw file.
 * @returns how many message-id tombstones were written.
 */
export async function deleteCustomerCascade(db: Kysely<Database>, id: string, now = Date.now()): Promise<number> {
  const identity = await db
    .selectFrom("customers")
    .select(["phone_index", "lid_index"])
    .where("id", "=", id)
    .executeTakeFirst();
  // Inbound payloads hold the phone and the text too; a pending one would bring the customer back.
  const indexes = [identity?.phone_index, identity?.lid_index].filter((x): x is string => typeof x === "string");
  const inboxIds =
    indexes.length === 0
      ? []
      : await db.selectFrom("inbox").select("gateway_message_index").where("identity_index", "in", indexes).execute();
  const messageIds = await db
    .selectFrom("messages")
    .select("gateway_message_index")
    .where("customer_id", "=", id)
    .where("gateway_message_index", "is not", null)
    .execute();
  const tombstones = [
    ...inboxIds.map((r) => r.gateway_message_index),
    ...messageIds.map((r) => r.gateway_message_index as string),
  ];
  await addForgottenMessages(db, tombstones, now);
  for (let i = 0; i < tombstones.length; i += 200) {
    await db
      .deleteFrom("pending_acks")
      .where("gateway_message_index", "in", tombstones.slice(i, i + 200))
      .execute();
  }
  if (indexes.length > 0) await db.deleteFrom("inbox").where("identity_index", "in", indexes).execute();
  await db.deleteFrom("outbox").where("customer_id", "=", id).execute();
  await db.deleteFrom("messages").where("customer_id", "=", id).execute();
  await db.deleteFrom("consent_events").where("customer_id", "=", id).execute();
  await db.deleteFrom("handoffs").where("customer_id", "=", id).execute();
  await db
    .deleteFrom("chat_leases")
    .where("chat", "in", [id, ...indexes])
    .execute();
  await db
    .deleteFrom("audit_log")
    .where((eb) => eb.or([eb("subject", "=", id), eb("detail_json", "like", `%${id}%`)]))
    .execute();
  await db.updateTable("alerts").set({ detail_json: null }).where("detail_json", "like", `%${id}%`).execute();
  // One fresh id per forgotten customer: (customer, journey, stage) is unique on assignments, so a shared
  // placeholder would make the second forget fail, and per-customer counts stay right.
  const detached = `${FORGOTTEN_PREFIX}${randomUUID()}`;
  await db.updateTable("assignments").set({ customer_id: detached }).where("customer_id", "=", id).execute();
  await db
    .updateTable("outcomes")
    .set({ customer_id: detached, event_id: null, reason: null })
    .where("customer_id", "=", id)
    .execute();
  // Follow-ups hold no text; kept detached, so the arms' follow-up figures stay right.
  await db.updateTable("follow_ups").set({ customer_id: detached }).where("customer_id", "=", id).execute();
  await db.deleteFrom("customers").where("id", "=", id).execute();
  return new Set(tombstones).size;
}

/** Lists customers, most recently active first. */
export async function listCustomers(db: Kysely<Database>, { limit = 100, offset = 0 } = {}): Promise<CustomerRow[]> {
  return db
    .selectFrom("customers")
    .selectAll()
    .orderBy("last_interaction_at", "desc")
    .limit(limit)
    .offset(offset)
    .execute();
}

/** Decrypts a customer row into a record. @throws CloserError `decryption_failed` on a tampered value. */
export function customerRowToRecord(row: CustomerRow, cipher: FieldCipher): CustomerRecord {
  return {
    id: row.id,
    identity: cipher.decrypt(row.phone_enc, CUSTOMER_AAD.phone(row.id)),
    name: row.name_enc === null ? null : cipher.decrypt(row.name_enc, CUSTOMER_AAD.name(row.id)),
    stage: row.stage,
    journey: row.journey,
    stageEnteredAt: row.stage_entered_at,
    profile: cipher.decryptJson(row.profile_enc, CUSTOMER_AAD.profile(row.id)),
    optedOut: row.opted_out === 1,
    handoffUntil: row.handoff_until,
    firstContactAt: row.first_contact_at,
    lastInboundAt: row.last_inbound_at,
    lastInteractionAt: row.last_interaction_at,
    conversationCount: row.conversation_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
