/**
 * The customer's message as the transcript keeps it: its text and kind, its
 * described content encrypted (never media bytes); and the ad or post a
 * customer first wrote from, kept on the customer.
 * @module
 */
import type { Kysely } from "kysely";
import {
  type CustomerRow,
  type Database,
  type FieldCipher,
  gatewayIdIndex,
  insertMessage,
  MESSAGE_CONTENT_AAD,
  MESSAGE_TEXT_AAD,
  updateCustomer,
} from "../../store/index.js";
import { type InboundMessage, TEXT_CONTENT } from "../gateway/index.js";

/** What recording needs. */
export interface InboundRecordDeps {
  db: Kysely<Database>;
  cipher: FieldCipher;
}

/** Keeps the ad or post a customer first wrote from (reports segment by it). */
export async function keepReferral(deps: InboundRecordDeps, customer: CustomerRow, msg: InboundMessage, now: number) {
  if (!msg.referral || customer.referral_json !== null) return;
  const referral_json = JSON.stringify(msg.referral);
  await updateCustomer(deps.db, customer.id, { referral_json, updated_at: now });
  customer.referral_json = referral_json;
}

/** The customer's message in the transcript: its text and kind, its described content encrypted. */
export async function recordInbound(
  deps: InboundRecordDeps,
  customer: CustomerRow,
  msg: InboundMessage,
  stage: string,
  journey: number,
  intent: string | null,
  now: number,
): Promise<number> {
  const content = msg.content ?? TEXT_CONTENT;
  return insertMessage(deps.db, {
    customerId: customer.id,
    direction: "in",
    author: "customer",
    textEnc: deps.cipher.encrypt(msg.text, MESSAGE_TEXT_AAD(customer.id)),
    gatewayMessageIndex: gatewayIdIndex(deps.cipher, msg.gatewayMessageId),
    journey,
    stage,
    assignmentId: null,
    variantId: null,
    variantVersion: null,
    intent,
    status: "received",
    createdAt: now,
    kind: content.kind,
    contentEnc: content.kind === "text" ? null : deps.cipher.encryptJson(content, MESSAGE_CONTENT_AAD(customer.id)),
  });
}
