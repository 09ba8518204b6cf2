/**
 * WAHA webhooks (`{id?, timestamp?, event, session, me?, payload, …}`; builds up to
 * 2024.10 send no `id`/`timestamp`) normalised to inbound events: `message` and
 * `message.any` in one-to-one chats, `message.ack` receipts for our sends;
 * everything else is a valid webhook with nothing to do. Verify the signature first.
 * @module
 */
import { z } from "zod";
import { type WahaMessageParts, wahaMessageParts } from "./waha-message-kinds.js";
import {
  describeIssues,
  type NormalizeOptions,
  parseJsonBody,
  unixSecondsToMs,
  type WebhookNormalization,
} from "./webhook-normalization.js";
import type { DeliveryStatus, InboundEvent, MessageOrigin } from "./whatsapp-gateway.js";
import { isGroupLike, lidOf, phoneOf, unansweredChatReason } from "./whatsapp-id.js";

/** The envelope WAHA posts for every event. */
export const wahaEnvelopeSchema = z.looseObject({
  /** `evt_<ulid>`; absent before 2025.3. */
  id: z.string().optional(),
  /** Epoch ms when the event was created; absent before 2025.3. */
  timestamp: z.number().optional(),
  event: z.string().min(1),
  session: z.string().min(1),
  payload: z.looseObject({}),
});

/** The fields of a `WAMessage` payload (`message`, `message.any`) that Closer uses. */
export const wahaMessageSchema = z.looseObject({
  /** `{fromMe}_{chatId}_{msgId}[_{participant}]`; also what `reply_to` and acks use. */
  id: z.string().min(1),
  /** Unix seconds. */
  timestamp: z.number(),
  /** The chat, except on our own messages, where it is us and `to` is the chat. */
  from: z.string().min(1),
  fromMe: z.boolean(),
  /** `api` (sent through WAHA) or `app`; documented for `fromMe` messages. */
  source: z.string().optional(),
  to: z.string().nullish(),
  body: z.string().nullish(),
  /** `message.reaction`: the emoji (empty when removed) and the message reacted to. */
  reaction: z.looseObject({ text: z.string().nullish(), messageId: z.string().nullish() }).nullish(),
  /** `message.edited`: the message edited. */
  editedMessageId: z.string().nullish(),
  /** Raw engine data, "may be changed anytime": read for the push name, a lid's phone and the message kind. */
  _data: z
    .looseObject({
      notifyName: z.string().optional(),
      pushName: z.string().optional(),
      key: z.looseObject({ remoteJidAlt: z.string().optional(), senderPn: z.string().optional() }).optional(),
    })
    .nullish(),
});

/** The fields of a `message.revoked` payload that Closer uses. */
export const wahaRevokedSchema = z.looseObject({
  revokedMessageId: z.string().nullish(),
  before: wahaMessageSchema.nullish(),
  after: wahaMessageSchema.nullish(),
});

/** The fields of a `message.ack` payload that Closer uses. */
export const wahaAckSchema = z.looseObject({
  id: z.string().min(1),
  from: z.string().optional(),
  to: z.string().nullish(),
  fromMe: z.boolean(),
  ack: z.number().optional(),
  /** Authoritative over `ack`: ERROR, PENDING, SERVER, DEVICE, READ, PLAYED. */
  ackName: z.string().optional(),
});

/** Options of `normalizeWahaWebhook`. */
export interface WahaWebhookOptions extends NormalizeOptions {
  /** `WAHA_SESSION`: events of other sessions sharing the webhook URL are ignored. */
  session?: string | undefined;
}

const ACK_BY_NAME: Record<string, DeliveryStatus | null> = {
  ERROR: "failed",
  PENDING: null,
  SERVER: "sent",
  DEVICE: "delivered",
  READ: "read",
  PLAYED: "read",
};
const ACK_NAME_BY_NUMBER: Record<string, string> = {
  "-1": "ERROR",
  "0": "PENDING",
  "1": "SERVER",
  "2": "DEVICE",
  "3": "READ",
  "4": "PLAYED",
};

/** Normalises one WAHA webhook body. Pure: no I/O, time from `options.now`. */
export function normalizeWahaWebhook(rawBody: Buffer | string, options: WahaWebhookOptions): WebhookNormalization {
  const json = parseJsonBody(rawBody);
  if (!json.ok) return json;
  const envelope = wahaEnvelopeSchema.safeParse(json.value);
  if (!envelope.success) return { ok: false, reason: `not a WAHA webhook: ${describeIssues(envelope.error, "")}` };
  const { event, session, payload } = envelope.data;
  if (options.session !== undefined && session !== options.session) {
    return { ok: true, events: [], ignored: [`${event}: for session ${session}`] };
  }
  switch (event) {
    case "message":
    case "message.any":
    case "message.reaction":
    case "message.edited":
      return normalizeMessage(event, payload);
    case "message.revoked":
      return normalizeRevoked(payload);
    case "message.ack":
      return normalizeAck(payload, envelope.data.timestamp ?? options.now);
    default:
      return { ok: true, events: [], ignored: [`${event}: event not handled`] };
  }
}

function normalizeMessage(event: string, payload: unknown): WebhookNormalization {
  const parsed = wahaMessageSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `bad WAHA ${event}: ${describeIssues(parsed.error, "payload")}` };
  const message = parsed.data;
  const chat = message.fromMe ? message.to : message.from;
  if (!chat) return { ok: false, reason: `bad WAHA ${event}: payload.to: required on fromMe messages` };
  const skip = unansweredChatReason(chat);
  if (skip) return { ok: true, events: [], ignored: [`${event} ${message.id}: ${skip}`] };
  const sentAt = unixSecondsToMs(message.timestamp);
  if (sentAt === null) return { ok: false, reason: `bad WAHA ${event}: payload.timestamp: not a number` };
  const parts = partsOf(event, message);
  if (parts === null) return { ok: false, reason: `bad WAHA ${event}: payload: the target message id is missing` };
  const key = message._data?.key;
  const lid = lidOf(chat);
  // WAHA puts no phone next to a lid (issue #993); some engines' raw data carries it, so use it when present.
  const phone = phoneOf(chat) ?? (lid ? (phoneOf(key?.remoteJidAlt) ?? phoneOf(key?.senderPn)) : null);
  const result: InboundEvent = {
    kind: "message",
    gateway: "waha",
    gatewayMessageId: message.id,
    phone,
    lid,
    name: message.fromMe ? null : (message._data?.notifyName ?? message._data?.pushName ?? null),
    text: parts.text,
    content: parts.content,
    referral: parts.referral,
    fromMe: message.fromMe,
    origin: originOf(message.fromMe, message.source),
    sentAt,
  };
  return { ok: true, events: [result], ignored: [] };
}

type WahaMessage = z.infer<typeof wahaMessageSchema>;

/** The content of a message-like event; null when an event lacks the id of the message it is about. */
function partsOf(event: string, message: WahaMessage): WahaMessageParts | null {
  switch (event) {
    case "message.reaction": {
      const targetId = message.reaction?.messageId;
      if (!targetId) return null;
      const emoji = message.reaction?.text || null;
      return { content: { kind: "reaction", targetId, emoji }, text: "", referral: null };
    }
    case "message.edited":
      if (!message.editedMessageId) return null;
      return {
        content: { kind: "edit", targetId: fullWahaId(message.editedMessageId, message) },
        text: message.body ?? "",
        referral: null,
      };
    default:
      return wahaMessageParts(message);
  }
}

/** `message.revoked` carries the message before and after; either names the chat. */
function normalizeRevoked(payload: unknown): WebhookNormalization {
  const parsed = wahaRevokedSchema.safeParse(payload);
  if (!parsed.success)
    return { ok: false, reason: `bad WAHA message.revoked: ${describeIssues(parsed.error, "payload")}` };
  const { revokedMessageId, before, after } = parsed.data;
  const base = after ?? before;
  const rawTarget = before?.id ?? revokedMessageId ?? after?.id;
  if (!base || !rawTarget) return { ok: false, reason: "bad WAHA message.revoked: payload: before/after required" };
  const targetId = fullWahaId(rawTarget, base);
  const revoke = { ...base, id: `revoked:${targetId}`, body: null, _data: null };
  const normalized = normalizeMessage("message.revoked", revoke);
  if (!normalized.ok) return normalized;
  const events = normalized.events.map((event) =>
    event.kind === "message" ? { ...event, text: "", content: { kind: "revoke" as const, targetId } } : event,
  );
  return { ...normalized, events };
}

/**
 * WAHA names messages `{fromMe}_{chat}_{id}`, but `editedMessageId` and `revokedMessageId` may be the
 * bare WhatsApp id: an edit or revoke is by the message's own author, so the rest follows from it.
 */
function fullWahaId(id: string, by: { fromMe: boolean; from: string; to?: string | null | undefined }): string {
  if (id.includes("_")) return id;
  const chat = by.fromMe ? by.to : by.from;
  return chat ? `${by.fromMe}_${chat}_${id}` : id;
}

function normalizeAck(payload: unknown, at: number): WebhookNormalization {
  const parsed = wahaAckSchema.safeParse(payload);
  if (!parsed.success) return { ok: false, reason: `bad WAHA message.ack: ${describeIssues(parsed.error, "payload")}` };
  const ack = parsed.data;
  if (!ack.fromMe) return { ok: true, events: [], ignored: ["message.ack: receipt for a message we did not send"] };
  // The docs' example has the customer in `from` and us in `to`, so check both sides.
  const groupLike = [ack.from, ack.to].find((jid) => jid && isGroupLike(jid));
  if (groupLike) return { ok: true, events: [], ignored: [`message.ack: ${unansweredChatReason(groupLike)}`] };
  const name = ack.ackName ?? (ack.ack === undefined ? undefined : ACK_NAME_BY_NUMBER[String(ack.ack)]);
  if (name === undefined) return { ok: false, reason: "bad WAHA message.ack: payload.ackName: required" };
  const status = ACK_BY_NAME[name];
  if (!status) return { ok: true, events: [], ignored: [`message.ack: ack ${name} not handled`] };
  const reason = status === "failed" ? "WAHA reported ack ERROR" : null;
  const event: InboundEvent = { kind: "receipt", gateway: "waha", gatewayMessageIds: [ack.id], status, reason, at };
  return { ok: true, events: [event], ignored: [] };
}

function originOf(fromMe: boolean, source: string | undefined): MessageOrigin {
  if (source === "api" || source === "app") return source;
  // A customer's message always comes from their app; only our own side can be either.
  return fromMe ? "unknown" : "app";
}
