/**
 * Intake: the first step after a webhook is verified and normalised. A message
 * is persisted in the inbox (deduplicated on the gateway's id) before the
 * webhook is acknowledged; a receipt updates the status of the message it names.
 * @module
 */
import type { Kysely } from "kysely";
import {
  bufferAck,
  type Database,
  type FieldCipher,
  findInboxId,
  findOutboundByGatewayId,
  gatewayIdIndex,
  INBOX_PAYLOAD_AAD,
  insertInboxEntry,
  isForgottenMessage,
  setMessageStatus,
} from "../store/index.js";
import type { DeliveryReceipt, InboundMessage } from "./gateway/index.js";

/** What intake did with a message. */
export interface IntakeResult {
  /** The inbox row; -1 when the message was dropped (or its duplicate is gone). */
  inboxId: number;
  /** True when the message is new and now in the inbox. */
  accepted: boolean;
  /**
   * `accepted`; `duplicate`: the gateway delivered it before; `forgotten`: it belongs to a customer who
   * was forgotten (a replay or late redelivery); `too_old`: older than the webhook age window.
   */
  result: "accepted" | "duplicate" | "forgotten" | "too_old";
}

/** Status order: a receipt never moves a message backwards (read stays read). */
const STATUS_RANK: Record<string, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

/**
 * Persists an inbound message in the inbox (idempotent on the gateway's message id, which is stored
 * only as a keyed hash). A message of a forgotten customer is dropped, never stored.
 */
export async function acceptMessage(
  db: Kysely<Database>,
  cipher: FieldCipher,
  message: InboundMessage,
  now: number,
): Promise<IntakeResult> {
  const index = gatewayIdIndex(cipher, message.gatewayMessageId);
  if (await isForgottenMessage(db, index)) return { inboxId: -1, accepted: false, result: "forgotten" };
  const identity = message.phone ?? message.lid ?? "";
  const inserted = await insertInboxEntry(db, {
    gateway: message.gateway,
    gatewayMessageIndex: index,
    identityIndex: cipher.blindIndex(identity),
    payloadEnc: cipher.encryptJson(message, INBOX_PAYLOAD_AAD),
    receivedAt: now,
  });
  if (inserted !== null) return { inboxId: inserted, accepted: true, result: "accepted" };
  const existing = await findInboxId(db, message.gateway, index);
  return { inboxId: existing ?? -1, accepted: false, result: "duplicate" };
}

/**
 * Applies a delivery receipt; receipts for ids not known yet (the ack beat the
 * send's own answer) are buffered and applied when the send is recorded.
 * @returns how many messages changed.
 */
export async function applyReceipt(
  db: Kysely<Database>,
  cipher: FieldCipher,
  receipt: DeliveryReceipt,
): Promise<number> {
  let changed = 0;
  for (const gatewayMessageId of receipt.gatewayMessageIds) {
    const gatewayMessageIndex = gatewayIdIndex(cipher, gatewayMessageId);
    const message = await findOutboundByGatewayId(db, gatewayMessageIndex);
    if (message === undefined) {
      // A receipt for a forgotten customer's message is not kept either.
      if (await isForgottenMessage(db, gatewayMessageIndex)) continue;
      await bufferAck(db, { gateway: receipt.gateway, gatewayMessageIndex, status: receipt.status, at: receipt.at });
      continue;
    }
    if ((STATUS_RANK[receipt.status] ?? 0) <= (STATUS_RANK[message.status] ?? 0)) continue;
    await setMessageStatus(db, Number(message.id), receipt.status, receipt.at, { reason: receipt.reason });
    changed++;
  }
  return changed;
}
