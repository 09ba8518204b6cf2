/**
 * GOWA webhooks (`{event, device_id, session_id?, timestamp?, payload}`) normalised
 * to inbound events: `message` (every kind, see gowa-message-kinds.ts),
 * `message.reaction`, `message.edited`, `message.revoked` and `message.deleted` in
 * one-to-one chats, and `message.ack` receipts; everything else (presence, calls,
 * groups, labels, newsletters) is a valid webhook with nothing to do. Verify the
 * signature first.
 * @module
 */
import { z } from "zod";
import { gowaMessageParts } from "./gowa-message-kinds.js";
import type { MessageContent } from "./message-content.js";
import {
  describeIssues,
  type NormalizeOptions,
  parseJsonBody,
  rfc3339ToMs,
  type WebhookNormalization,
} from "./webhook-normalization.js";
import type { DeliveryStatus, InboundEvent } from "./whatsapp-gateway.js";
import { lidOf, phoneOf, unansweredChatReason } from "./whatsapp-id.js";

/** The envelope GOWA posts for every event. */
export const gowaEnvelopeSchema = z.looseObject({
  event: z.string().min(1),
  /** The receiving account's JID (`628…@s.whatsapp.net`), not the slot id. */
  device_id: z.string().optional(),
  /** The slot id from `POST /devices` (e.g. `org_2`); absent when the JID maps to no slot. */
  session_id: z.string().optional(),
  /** RFC 3339; only on non-message events such as `message.ack`. */
  timestamp: z.string().optional(),
  payload: z.looseObject({}),
});

/** The fields of a `message` payload that Closer uses. */
export const gowaMessageSchema = z.looseObject({
  id: z.string().min(1),
  /** RFC 3339, UTC. */
  timestamp: z.string(),
  is_from_me: z.boolean(),
  /** The chat: resolved to the phone JID when GOWA knows the `@lid` mapping, else `…@lid`. */
  chat_id: z.string().min(1),
  /** The sender, resolved like `chat_id`. */
  from: z.string().optional(),
  /** The raw `@lid` of the chat, present when the chat is a lid chat. */
  chat_lid: z.string().optional(),
  /** The raw `@lid` of the sender, present when the sender is a lid. */
  from_lid: z.string().optional(),
  /** The sender's push name. */
  from_name: z.string().optional(),
  sender_display_name: z.string().optional(),
  /** Text, or the media caption; absent for media without caption. */
  body: z.string().optional(),
  /** `message.reaction`: the emoji, empty when removed. */
  reaction: z.string().optional(),
  reacted_message_id: z.string().optional(),
  /** `message.edited`: the message edited. */
  original_message_id: z.string().optional(),
  /** `message.revoked`: the message deleted for everyone. */
  revoked_message_id: z.string().optional(),
});

/** The fields of a `message.deleted` payload (deleted for me on the business phone) that Closer uses. */
export const gowaDeletedSchema = z.looseObject({
  deleted_message_id: z.string().min(1),
  /** RFC 3339. */
  timestamp: z.string(),
  /** Present only when GOWA found the original message in its storage. */
  chat_id: z.string().optional(),
  original_sender: z.string().optional(),
});

/** The fields of a `message.ack` payload that Closer uses. */
export const gowaAckSchema = z.looseObject({
  ids: z.array(z.string().min(1)).min(1),
  /** Not lid-normalised: may be `…@lid`. */
  chat_id: z.string().optional(),
  receipt_type: z.string(),
});

/** Options of `normalizeGowaWebhook`. */
export interface GowaWebhookOptions extends NormalizeOptions {
  /** `GOWA_DEVICE_ID`: events for another device slot sharing the webhook URL are ignored. */
  deviceId?: string | undefined;
}

const RECEIPT_STATUS: Record<string, DeliveryStatus> = { delivered: "delivered", read: "read" };

/** Normalises one GOWA webhook body. Pure: no I/O, time from `options.now`. */
export function normalizeGowaWebhook(rawBody: Buffer | string, options: GowaWebhookOptions): WebhookNormalization {
  const json = parseJsonBody(rawBody);
  if (!json.ok) return json;
  const envelope = gowaEnvelopeSchema.safeParse(json.value);
  if (!envelope.success) return { ok: false, reason: `not a GOWA webhook: ${describeIssues(envelope.error, "")}` };
  const { event, payload } = envelope.data;
  if (!isForDevice(envelope.data, options.deviceId)) {
    return { ok: true, events: [], ignored: [`${event}: for another device`] };
  }
  switch (event) {
    case "message":
    case "message.reaction":
    case "message.edited":
    case "message.revoked":
      return normalizeMessage(event, payload);
    case "message.deleted":
      return normalizeDeleted(payload);
    case "message.ack":
      return normalizeAck(payload, rfc3339ToMs(envelope.data.timestamp) ?? options.now);
    default:
      return { ok: true, events: [], ignored: [`${event}: event not handled`] };
  }
}

function normalizeMessage(event: string, payload: unknown): WebhookNormalization {
  const parsed = gowaMessageSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `bad GOWA ${event}: ${describeIssues(parsed.error, "payload")}` };
  const message = parsed.data;
  const skip = unansweredChatReason(message.chat_id);
  if (skip) return { ok: true, events: [], ignored: [`message ${message.id}: ${skip}`] };
  const sentAt = rfc3339ToMs(message.timestamp);
  if (sentAt === null) return { ok: false, reason: `bad GOWA ${event}: payload.timestamp: not an RFC 3339 time` };
  const parts = partsOf(event, message);
  if (parts === null) return { ok: false, reason: `bad GOWA ${event}: payload: the target message id is missing` };
  const fromMe = message.is_from_me;
  // On our own messages `from` / `from_lid` are the business account, not the customer.
  const senderIsCustomer = !fromMe;
  const phone = phoneOf(message.chat_id) ?? (senderIsCustomer ? phoneOf(message.from) : null);
  const lid =
    lidOf(message.chat_lid) ??
    lidOf(message.chat_id) ??
    (senderIsCustomer ? (lidOf(message.from_lid) ?? lidOf(message.from)) : null);
  const inbound: InboundEvent = {
    kind: "message",
    gateway: "gowa",
    gatewayMessageId: message.id,
    phone,
    lid,
    name: fromMe ? null : (message.from_name ?? message.sender_display_name ?? null),
    text: parts.text,
    content: parts.content,
    referral: parts.referral,
    fromMe,
    // GOWA does not echo API sends as `message` webhooks, so a `fromMe` message was typed in an app.
    origin: "app",
    sentAt,
  };
  return { ok: true, events: [inbound], ignored: [] };
}

type GowaMessage = z.infer<typeof gowaMessageSchema>;

/** The content of a message-like event; null when an event lacks the id of the message it is about. */
function partsOf(event: string, message: GowaMessage): ReturnType<typeof gowaMessageParts> | null {
  const about = (content: MessageContent, text = "") => ({ content, text, referral: null });
  switch (event) {
    case "message.reaction":
      if (message.reacted_message_id === undefined) return null;
      return about({ kind: "reaction", targetId: message.reacted_message_id, emoji: message.reaction || null });
    case "message.edited":
      if (message.original_message_id === undefined) return null;
      return about({ kind: "edit", targetId: message.original_message_id }, message.body ?? "");
    case "message.revoked":
      if (message.revoked_message_id === undefined) return null;
      return about({ kind: "revoke", targetId: message.revoked_message_id });
    default:
      return gowaMessageParts(message);
  }
}

/** "Deleted for me" on the business phone: erases the message from the transcript like a revoke. */
function normalizeDeleted(payload: unknown): WebhookNormalization {
  const parsed = gowaDeletedSchema.safeParse(payload);
  if (!parsed.success)
    return { ok: false, reason: `bad GOWA message.deleted: ${describeIssues(parsed.error, "payload")}` };
  const deleted = parsed.data;
  const chat = deleted.chat_id ?? deleted.original_sender;
  if (chat === undefined) return { ok: true, events: [], ignored: ["message.deleted: chat unknown to GOWA"] };
  const skip = unansweredChatReason(chat);
  if (skip) return { ok: true, events: [], ignored: [`message.deleted: ${skip}`] };
  const sentAt = rfc3339ToMs(deleted.timestamp);
  if (sentAt === null)
    return { ok: false, reason: "bad GOWA message.deleted: payload.timestamp: not an RFC 3339 time" };
  const event: InboundEvent = {
    kind: "message",
    gateway: "gowa",
    // The event has no id of its own; one deletion per message.
    gatewayMessageId: `deleted:${deleted.deleted_message_id}`,
    phone: phoneOf(chat),
    lid: lidOf(chat),
    name: null,
    text: "",
    content: { kind: "revoke", targetId: deleted.deleted_message_id },
    fromMe: false,
    origin: "app",
    sentAt,
  };
  return { ok: true, events: [event], ignored: [] };
}

function normalizeAck(payload: unknown, at: number): WebhookNormalization {
  const parsed = gowaAckSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `bad GOWA message.ack: ${describeIssues(parsed.error, "payload")}` };
  const ack = parsed.data;
  const skip = ack.chat_id === undefined ? null : unansweredChatReason(ack.chat_id);
  if (skip) return { ok: true, events: [], ignored: [`message.ack: ${skip}`] };
  const status = RECEIPT_STATUS[ack.receipt_type];
  if (!status) return { ok: true, events: [], ignored: [`message.ack: receipt type ${ack.receipt_type} not handled`] };
  const event: InboundEvent = {
    kind: "receipt",
    gateway: "gowa",
    gatewayMessageIds: ack.ids,
    status,
    reason: null,
    at,
  };
  return { ok: true, events: [event], ignored: [] };
}

function isForDevice(envelope: { session_id?: string; device_id?: string }, deviceId: string | undefined): boolean {
  if (deviceId === undefined || envelope.session_id === undefined) return true;
  // X-Device-Id may be the slot id or the account JID.
  return envelope.session_id === deviceId || envelope.device_id === deviceId;
}
