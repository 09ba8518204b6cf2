/**
 * Who wrote: the customer found by phone, then by `@lid` alias (or Cloud
 * business-scoped user id), merging the two when a payload maps one to the
 * other, or created on first contact. The latest username the Cloud API gives
 * is kept as a keyed hash, for an operator's lookup only (a username can change
 * hands, so it never decides who wrote).
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import {
  CUSTOMER_AAD,
  type CustomerRow,
  type Database,
  type FieldCipher,
  findCustomerByLidIndex,
  findCustomerByPhoneIndex,
  insertCustomer,
  setCustomerUsernameIndex,
  updateCustomer,
  usernameIndex,
} from "../../store/index.js";
import { type Profile, profileSchema } from "../customer-profile.js";
import type { InboundMessage } from "../gateway/index.js";
import type { PlaybookRuntime } from "../playbook-runtime.js";
import { timeZoneForPhone } from "../profile-rules.js";

/** What finding or creating a customer needs. */
export interface CustomerIdentityDeps {
  db: Kysely<Database>;
  cipher: FieldCipher;
  playbooks: Pick<PlaybookRuntime, "stageIds">;
}

/**
 * Finds the customer by phone, then by `@lid` alias; merges the two identities
 * when a payload maps a lid to a phone; creates the customer on first contact.
 */
export async function findOrCreateCustomer(
  deps: CustomerIdentityDeps,
  msg: InboundMessage,
  now: number,
): Promise<CustomerRow> {
  return (await findCustomer(deps, msg, now)) ?? createCustomer(deps, msg, now);
}

/** Finds the customer by phone, then by `@lid` alias (merging the two when a payload maps them). */
export async function findCustomer(
  deps: CustomerIdentityDeps,
  msg: InboundMessage,
  now: number,
): Promise<CustomerRow | undefined> {
  const { db, cipher } = deps;
  const identity = msg.phone ?? msg.lid;
  if (identity === null) throw new Error("inbound message without phone or lid");
  const phoneIndex = cipher.blindIndex(identity);
  const lidIndex = msg.lid === null ? null : cipher.blindIndex(msg.lid);
  let row = await findCustomerByPhoneIndex(db, phoneIndex);
  if (row === undefined && lidIndex !== null) {
    row = await findCustomerByLidIndex(db, lidIndex);
    if (row !== undefined && msg.phone !== null) {
      // The gateway now maps this lid to a phone: the phone becomes the identity.
      await updateCustomer(db, row.id, {
        phone_index: phoneIndex,
        phone_enc: cipher.encrypt(msg.phone, CUSTOMER_AAD.phone(row.id)),
        updated_at: now,
      });
      row = { ...row, phone_index: phoneIndex };
    }
  }
  if (row !== undefined) {
    if (lidIndex !== null && row.lid_index === null) {
      await updateCustomer(db, row.id, { lid_index: lidIndex });
      row = { ...row, lid_index: lidIndex };
    }
    const username = msg.username ? usernameIndex(cipher, msg.username) : null;
    if (username !== null && row.username_index !== username) {
      await setCustomerUsernameIndex(db, row.id, username);
      row = { ...row, username_index: username };
    }
    return row;
  }
  return undefined;
}

async function createCustomer(deps: CustomerIdentityDeps, msg: InboundMessage, now: number): Promise<CustomerRow> {
  const { db, cipher } = deps;
  const identity = msg.phone ?? msg.lid;
  if (identity === null) throw new Error("inbound message without phone or lid");
  const phoneIndex = cipher.blindIndex(identity);
  const lidIndex = msg.lid === null ? null : cipher.blindIndex(msg.lid);
  const profile: Profile = { ...profileSchema.parse({}), timeZone: timeZoneForPhone(msg.phone) };
  const id = randomUUID();
  const created: CustomerRow = {
    id,
    phone_index: phoneIndex,
    phone_enc: cipher.encrypt(identity, CUSTOMER_AAD.phone(id)),
    lid_index: lidIndex,
    username_index: null,
    name_enc: msg.name ? cipher.encrypt(msg.name, CUSTOMER_AAD.name(id)) : null,
    stage: deps.playbooks.stageIds[0] ?? "first_contact",
    journey: 1,
    stage_entered_at: now,
    profile_enc: cipher.encryptJson(profile, CUSTOMER_AAD.profile(id)),
    opted_out: 0,
    handoff_until: null,
    first_contact_at: now,
    last_inbound_at: null,
    last_interaction_at: now,
    conversation_count: 0,
    referral_json: null,
    details_enc: null,
    created_at: now,
    updated_at: now,
  };
  await insertCustomer(db, created);
  const username = msg.username ? usernameIndex(cipher, msg.username) : null;
  if (username === null) return created;
  await setCustomerUsernameIndex(db, id, username);
  return { ...created, username_index: username };
}
