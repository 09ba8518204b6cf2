/**
 * What a customer sent, whatever the gateway: one message kind and its content.
 * Every webhook normaliser maps its payloads to a {@link MessageContent}; the
 * engine decides per kind what to do. Media are described, never carried: no
 * bytes, no base64, no thumbnails, no download URLs — only what a transcript
 * needs (mime type, size, the gateway's media id).
 * @module
 */
import { z } from "zod";

/** The message kinds Closer tells apart (DESIGN.md "message kind"). */
export const MESSAGE_KINDS = [
  "text",
  "image",
  "video",
  "audio",
  "voice",
  "document",
  "sticker",
  "location",
  "contact",
  "reaction",
  "edit",
  "revoke",
  "order",
  "product_inquiry",
  "interactive_reply",
  "referral",
  "system",
] as const;

/** One message kind. */
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** The kinds that carry an attachment described by {@link mediaSchema}. */
export const MEDIA_KINDS = ["image", "video", "audio", "voice", "document", "sticker"] as const;

/** A kind that carries an attachment. */
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** An attachment as Closer keeps it: a description, never the bytes. */
export const mediaSchema = z.object({
  /** `image/jpeg`, `audio/ogg; codecs=opus`, …; null when the gateway did not say. */
  mimeType: z.string().nullable(),
  /** Size in bytes; null when the gateway did not say. */
  size: z.number().int().min(0).nullable(),
  /** The gateway's id of the media (Cloud media id, WhatsApp file hash); null when it has none. */
  mediaId: z.string().nullable(),
  /** The document's file name; null for other kinds or when absent. */
  fileName: z.string().nullable(),
  /** True for view-once photos and videos. */
  viewOnce: z.boolean(),
});

/** One line of a catalog order as the gateway sent it. */
export const orderItemSchema = z.object({
  /** The product's id in the WhatsApp catalog (Cloud `product_retailer_id`). */
  productId: z.string(),
  quantity: z.number().int().min(1),
  /** The price the customer saw, when the gateway says; the catalog's price is what the reply states. */
  unitPrice: z.number().min(0).nullable(),
  currency: z.string().nullable(),
});

/** A click-to-WhatsApp ad (or post) the conversation started from. */
export const adReferralSchema = z.object({
  /** `ad`, `post`, … as the gateway says. */
  sourceType: z.string().nullable(),
  /** The ad's or post's id. */
  sourceId: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  /** The ad's headline (title). */
  headline: z.string().nullable(),
  /** `facebook`, `instagram`, … when the gateway says. */
  app: z.string().nullable(),
});

const media = <K extends MediaKind>(kind: K) => z.object({ kind: z.literal(kind), media: mediaSchema });

/** The content of one inbound message, by kind. The text (or caption) is `InboundMessage.text`. */
export const messageContentSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text") }),
  media("image"),
  media("video"),
  media("audio"),
  media("voice"),
  media("document"),
  media("sticker"),
  z.object({
    kind: z.literal("location"),
    latitude: z.number(),
    longitude: z.number(),
    /** The place's name or description, when the customer picked a place. */
    name: z.string().nullable(),
    address: z.string().nullable(),
    /** True for a live location share. */
    live: z.boolean(),
  }),
  z.object({
    kind: z.literal("contact"),
    /** The shared contacts' display names (their vCards are not kept). */
    names: z.array(z.string()),
  }),
  z.object({
    kind: z.literal("reaction"),
    /** The gateway id of the message reacted to. */
    targetId: z.string(),
    /** The emoji, or null when the customer removed their reaction. */
    emoji: z.string().nullable(),
  }),
  z.object({
    kind: z.literal("edit"),
    /** The gateway id of the message edited; its new text is `InboundMessage.text`. */
    targetId: z.string(),
  }),
  z.object({
    kind: z.literal("revoke"),
    /** The gateway id of the message deleted. */
    targetId: z.string(),
  }),
  z.object({
    kind: z.literal("order"),
    /** Lines with catalog product ids (Cloud); empty when the gateway gives only totals (GOWA, WAHA). */
    items: z.array(orderItemSchema),
    /** How many items the order holds, as the gateway says (GOWA/WAHA); null when `items` say it. */
    itemCount: z.number().int().min(0).nullable(),
    /** The order total as the gateway says (GOWA/WAHA); null when `items` say it. */
    total: z.number().min(0).nullable(),
    currency: z.string().nullable(),
  }),
  z.object({
    kind: z.literal("product_inquiry"),
    /** The product's id in the WhatsApp catalog (retailer id), or its catalog id from a link. */
    productId: z.string(),
  }),
  z.object({
    kind: z.literal("interactive_reply"),
    /** The button's or row's id / payload, when it has one. */
    replyId: z.string().nullable(),
  }),
  z.object({ kind: z.literal("referral") }),
  z.object({
    kind: z.literal("system"),
    /** The gateway's own name for what arrived (`request_welcome`, `poll`, `unsupported`, …). */
    type: z.string(),
  }),
]);

/** The content of one inbound message. */
export type MessageContent = z.infer<typeof messageContentSchema>;
/** An attachment's description. */
export type MediaInfo = z.infer<typeof mediaSchema>;
/** One order line. */
export type OrderItem = z.infer<typeof orderItemSchema>;
/** The ad a conversation started from. */
export type AdReferral = z.infer<typeof adReferralSchema>;

/** Plain text: the content of every message that is nothing else. */
export const TEXT_CONTENT: MessageContent = Object.freeze({ kind: "text" });

/** A media description with every unknown field null. */
export function mediaInfo(fields: Partial<MediaInfo> = {}): MediaInfo {
  return {
    mimeType: fields.mimeType ?? null,
    size: fields.size ?? null,
    mediaId: fields.mediaId ?? null,
    fileName: fields.fileName ?? null,
    viewOnce: fields.viewOnce ?? false,
  };
}

/** True when the kind carries an attachment. */
export function isMediaKind(kind: MessageKind): kind is MediaKind {
  return (MEDIA_KINDS as readonly string[]).includes(kind);
}

/** The display names of a vCard's `FN` lines (the rest of the card is not kept). */
export function vcardNames(vcard: string): string[] {
  return [...vcard.matchAll(/^FN(?:;[^:\r\n]*)?:(.*)$/gim)]
    .map((match) => (match[1] ?? "").trim())
    .filter((name) => name !== "");
}

/** A number from a number or a decimal string; null otherwise. */
export function numberOrNull(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) return Number(value);
  return null;
}

/** A non-empty string, or null. */
export function stringOrNull(value: unknown): string | null {
  return typeof value === "string" && value.trim() !== "" ? value : null;
}

/** Matches a WhatsApp catalog product link (`https://wa.me/p/<product id>/<phone>`). */
const PRODUCT_LINK = /\bhttps?:\/\/(?:wa\.me|api\.whatsapp\.com)\/p\/([A-Za-z0-9_-]+)(?:\/\d+)?/i;

/** The product id of the first WhatsApp catalog product link in a text, or null. */
export function productLinkId(text: string): string | null {
  return PRODUCT_LINK.exec(text)?.[1] ?? null;
}

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
