/**
 * WhatsApp Cloud API webhooks: the GET verification handshake, and POST
 * notifications (`entry[].changes[].value.messages|statuses`, and the shop's own
 * `smb_message_echoes`) normalised to inbound events of every message kind. Every array is walked: one body may carry several messages.
 * Verify the signature first.
 * @module
 */
import { z } from "zod";
import { cloudMessageParts } from "./cloud-message-kinds.js";
import {
  describeIssues,
  type NormalizeOptions,
  parseJsonBody,
  unixSecondsToMs,
  type WebhookNormalization,
} from "./webhook-normalization.js";
import { secretsEqual } from "./webhook-signature.js";
import type { DeliveryStatus, InboundEvent } from "./whatsapp-gateway.js";

const cloudContactSchema = z.looseObject({
  /** Digits, no `+`; may be withheld for users with a username. */
  wa_id: z.string().optional(),
  /** Business-scoped user id (`US.1349…`), since 2026. */
  user_id: z.string().optional(),
  /** `username` (e.g. `@kai.cooks`): set by users who adopted one; their phone may then be withheld. */
  profile: z.looseObject({ name: z.string().optional(), username: z.string().optional() }).optional(),
});

const cloudMessageSchema = z.looseObject({
  id: z.string().min(1),
  from: z.string().optional(),
  from_user_id: z.string().optional(),
  /** Unix seconds, as a string. */
  timestamp: z.string(),
  /** `text`, `image`, `audio`, `order`, `reaction`, … — decides the kind (cloud-message-kinds.ts). */
  type: z.string(),
  /** Present on group messages (Groups API); we never answer those. */
  group_id: z.string().optional(),
});

/** A message the shop typed in the WhatsApp Business app (`smb_message_echoes`). */
const cloudEchoSchema = z.looseObject({
  id: z.string().min(1),
  /** The customer (digits), when their phone is known. */
  to: z.string().optional(),
  to_user_id: z.string().optional(),
  /** Unix seconds, as a string. */
  timestamp: z.string(),
  type: z.string(),
});

const cloudStatusSchema = z.looseObject({
  /** The wamid our send returned. */
  id: z.string().min(1),
  status: z.string(),
  /** Unix seconds, as a string. */
  timestamp: z.string(),
  errors: z
    .array(z.looseObject({ code: z.number().optional(), title: z.string().optional(), message: z.string().optional() }))
    .optional(),
});

/** The notification shape (`object: whatsapp_business_account`), with only the fields Closer uses. */
export const cloudNotificationSchema = z.looseObject({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(
    z.looseObject({
      changes: z.array(
        z.looseObject({
          field: z.string(),
          value: z.looseObject({
            metadata: z.looseObject({ phone_number_id: z.string() }).optional(),
            contacts: z.array(cloudContactSchema).optional(),
            messages: z.array(cloudMessageSchema).optional(),
            message_echoes: z.array(cloudEchoSchema).optional(),
            statuses: z.array(cloudStatusSchema).optional(),
            errors: z.array(z.looseObject({ code: z.number().optional() })).optional(),
          }),
        }),
      ),
    }),
  ),
});

type CloudValue = z.infer<typeof cloudNotificationSchema>["entry"][number]["changes"][number]["value"];
type CloudMessage = z.infer<typeof cloudMessageSchema>;

/** Options of `normalizeCloudWebhook`. */
export interface CloudWebhookOptions extends NormalizeOptions {
  /** `CLOUD_PHONE_NUMBER_ID`: changes for other numbers of the same app are ignored. */
  phoneNumberId?: string | undefined;
}

/** The result of the GET verification handshake: answer 200 with `challenge`, or 403. */
export type CloudChallengeResult = { ok: true; challenge: string } | { ok: false; reason: string };

const STATUS: Record<string, DeliveryStatus> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
  played: "read",
};
/** The change fields that carry messages: the customer's, and the shop's own typed in the Business app. */
const MESSAGE_FIELDS = new Set(["messages", "smb_message_echoes"]);

/**
 * Checks Meta's GET handshake (`hub.mode=subscribe`, `hub.verify_token`, `hub.challenge`)
 * against `verifyToken` (`CLOUD_VERIFY_TOKEN`), comparing in constant time.
 */
export function verifyCloudChallenge(query: Record<string, unknown>, verifyToken: string): CloudChallengeResult {
  const mode = query["hub.mode"];
  const token = query["hub.verify_token"];
  const challenge = query["hub.challenge"];
  if (mode !== "subscribe") return { ok: false, reason: "hub.mode is not subscribe" };
  if (typeof token !== "string" || !secretsEqual(token, verifyToken)) {
    return { ok: false, reason: "hub.verify_token does not match" };
  }
  if (typeof challenge !== "string" || challenge === "") return { ok: false, reason: "hub.challenge is missing" };
  return { ok: true, challenge };
}

/** Normalises one Cloud API notification body. Pure: no I/O. */
export function normalizeCloudWebhook(rawBody: Buffer | string, options: CloudWebhookOptions): WebhookNormalization {
  const json = parseJsonBody(rawBody);
  if (!json.ok) return json;
  const parsed = cloudNotificationSchema.safeParse(json.value);
  if (!parsed.success)
    return { ok: false, reason: `not a Cloud API notification: ${describeIssues(parsed.error, "")}` };
  const events: InboundEvent[] = [];
  const ignored: string[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      if (!MESSAGE_FIELDS.has(change.field)) {
        ignored.push(`field ${change.field} not handled`);
        continue;
      }
      const numberId = change.value.metadata?.phone_number_id;
      if (options.phoneNumberId !== undefined && numberId !== undefined && numberId !== options.phoneNumberId) {
        ignored.push(`change for phone number id ${numberId}`);
        continue;
      }
      const failure = readValue(change.value, events, ignored);
      if (failure) return { ok: false, reason: failure };
    }
  }
  return { ok: true, events, ignored };
}

/** Appends the value's messages and statuses; returns a reason when a timestamp is unreadable. */
function readValue(value: CloudValue, events: InboundEvent[], ignored: string[]): string | null {
  for (const message of value.messages ?? []) {
    if (message.group_id !== undefined) {
      ignored.push(`message ${message.id}: group chat`);
      continue;
    }
    const sentAt = unixSecondsToMs(message.timestamp);
    if (sentAt === null) return "bad Cloud API message: timestamp: not Unix seconds";
    const contact = findContact(value.contacts ?? [], message);
    const phone = digitsOrNull(message.from) ?? digitsOrNull(contact?.wa_id);
    // The business-scoped user id plays the part of WhatsApp's `@lid`: the identity when the phone is withheld.
    const lid = message.from_user_id ?? contact?.user_id ?? null;
    if (phone === null && lid === null) {
      ignored.push(`message ${message.id}: no sender id`);
      continue;
    }
    events.push({
      kind: "message",
      gateway: "cloud",
      gatewayMessageId: message.id,
      phone,
      lid,
      name: contact?.profile?.name ?? null,
      ...(contact?.profile?.username ? { username: contact.profile.username } : {}),
      ...cloudMessageParts(message),
      fromMe: false,
      origin: "app",
      sentAt,
    });
  }
  for (const echo of value.message_echoes ?? []) {
    const sentAt = unixSecondsToMs(echo.timestamp);
    if (sentAt === null) return "bad Cloud API message echo: timestamp: not Unix seconds";
    const phone = digitsOrNull(echo.to);
    const lid = echo.to_user_id ?? null;
    if (phone === null && lid === null) {
      ignored.push(`message echo ${echo.id}: no customer id`);
      continue;
    }
    // Typed by a person in the WhatsApp Business app: Cloud API sends never come back as echoes.
    const parts = cloudMessageParts(echo);
    events.push({
      kind: "message",
      gateway: "cloud",
      gatewayMessageId: echo.id,
      phone,
      lid,
      name: null,
      ...parts,
      fromMe: true,
      origin: "app",
      sentAt,
    });
  }
  for (const status of value.statuses ?? []) {
    const mapped = STATUS[status.status];
    if (!mapped) {
      ignored.push(`status ${status.status} not handled`);
      continue;
    }
    const at = unixSecondsToMs(status.timestamp);
    if (at === null) return "bad Cloud API status: timestamp: not Unix seconds";
    const error = status.errors?.[0];
    const reason = error ? `${error.code ?? "error"} ${error.title ?? error.message ?? ""}`.trim() : null;
    events.push({ kind: "receipt", gateway: "cloud", gatewayMessageIds: [status.id], status: mapped, reason, at });
  }
  for (const error of value.errors ?? []) ignored.push(`error notification ${error.code ?? "without code"}`);
  return null;
}

function findContact(contacts: z.infer<typeof cloudContactSchema>[], message: CloudMessage) {
  if (message.from !== undefined) {
    const byPhone = contacts.find((contact) => contact.wa_id === message.from);
    if (byPhone) return byPhone;
  }
  if (message.from_user_id !== undefined) {
    const byUser = contacts.find((contact) => contact.user_id === message.from_user_id);
    if (byUser) return byUser;
  }
  return contacts.length === 1 ? contacts[0] : undefined;
}

function digitsOrNull(value: string | undefined): string | null {
  if (value === undefined) return null;
  const digits = value.replace(/^\+/, "");
  return /^\d{5,20}$/.test(digits) ? digits : null;
}
