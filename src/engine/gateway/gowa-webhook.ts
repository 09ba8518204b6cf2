/**
 * GOWA webhooks (`{event, device_id, session_id?, timestamp?, payload}`) normalised
 * to inbound events: `message` in one-to-one chats and `message.ack` receipts;
 * everything else is a valid webhook with nothing to do. Verify the signature first.
 * @module
 */
import { z } from "zod";
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
      return normalizeMessage(payload);
    case "message.ack":
      return normalizeAck(payload, rfc3339ToMs(envelope.data.timestamp) ?? options.now);
    default:
      return { ok: true, events: [], ignored: [`${event}: event not handled`] };
  }
}

function normalizeMessage(payload: unknown): WebhookNormalization {
  const parsed = gowaMessageSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `bad GOWA message: ${describeIssues(parsed.error, "payload")}` };
  const message = parsed.data;
  const skip = unansweredChatReason(message.chat_id);
  if (skip) return { ok: true, events: [], ignored: [`message ${message.id}: ${skip}`] };
  const sentAt = rfc3339ToMs(message.timestamp);
  if (sentAt === null) return { ok: false, reason: "bad GOWA message: payload.timestamp: not an RFC 3339 time" };
  const fromMe = message.is_from_me;
  // On our own messages `from` / `from_lid` are the business account, not the customer.
  const senderIsCustomer = !fromMe;
  const phone = phoneOf(message.chat_id) ?? (senderIsCustomer ? phoneOf(message.from) : null);
  const lid =
    lidOf(message.chat_lid) ??
    lidOf(message.chat_id) ??
    (senderIsCustomer ? (lidOf(message.from_lid) ?? lidOf(message.from)) : null);
  const event: InboundEvent = {
    kind: "message",
    gateway: "gowa",
    gatewayMessageId: message.id,
    phone,
    lid,
    name: fromMe ? null : (message.from_name ?? message.sender_display_name ?? null),
    text: message.body ?? "",
    fromMe,
    // GOWA does not echo API sends as `message` webhooks, so a `fromMe` message was typed in an app.
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
