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

/** What ends a text cut at intake, so the shop and the model see that it was cut. */
export const TRUNCATION_MARK = " […truncated]";

/** Longest display name kept, characters. */
export const MAX_NAME_CHARS = 256;

/**
 * Caps an inbound message before it is stored, whatever the gateway: text (a caption too) longer than `maxChars` is cut to end with
 * {@link TRUNCATION_MARK} within `maxChars` (and `truncatedFrom` says how long it was), and a display
 * name to {@link MAX_NAME_CHARS}. Returns the message itself when nothing is too long.
 */
export function capInboundMessage(message: InboundMessage, maxChars: number): InboundMessage {
  const longText = message.text.length > maxChars;
  const longName = message.name !== null && message.name.length > MAX_NAME_CHARS;
  if (!longText && !longName) return message;
  const capped: InboundMessage = { ...message };
  if (longText) {
    capped.text = `${cutAt(message.text, maxChars - TRUNCATION_MARK.length)}${TRUNCATION_MARK}`;
    capped.truncatedFrom = message.text.length;
  }
  if (longName) capped.name = cutAt(message.name ?? "", MAX_NAME_CHARS);
  return capped;
}

/** The first `n` UTF-16 units of `text`, never splitting a surrogate pair. */
function cutAt(text: string, n: number): string {
  const code = text.charCodeAt(n - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? n - 1 : n);
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
    payloadEnc: cipher.encryptJson(message, INBOX_PAYLOAD_AAD(index)),
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
