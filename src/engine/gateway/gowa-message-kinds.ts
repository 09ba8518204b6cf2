/**
 * The kind and content of a GOWA (v9) `message` payload: which of its optional
 * keys (`image`, `audio`, `contact`, `location`, `order`, …) is present decides
 * the kind. GOWA writes a contact's summary (name and phone) into `body` and a
 * location's thumbnail into `location.JPEGThumbnail`; neither is kept.
 * @module
 */
import {
  type AdReferral,
  isRecord,
  type MediaKind,
  type MessageContent,
  mediaInfo,
  numberOrNull,
  productLinkId,
  stringOrNull,
} from "./message-content.js";

/** What a GOWA message says, normalised. */
export interface GowaMessageParts {
  content: MessageContent;
  /** The text Closer keeps: body or caption; empty for contacts, locations and media without caption. */
  text: string;
  referral: AdReferral | null;
}

/** The payload keys that carry an attachment, and the kind each one is. */
const MEDIA_KEYS: readonly [string, MediaKind][] = [
  ["image", "image"],
  ["video", "video"],
  ["video_note", "video"],
  ["document", "document"],
  ["audio", "audio"],
  ["sticker", "sticker"],
];

/** Payload keys of message types Closer stores as `system` (business-side formats a customer rarely sends). */
const SYSTEM_KEYS = ["list", "interactive", "interactive_media"] as const;

/** Reads the kind and content of one GOWA `message` payload. */
export function gowaMessageParts(payload: Record<string, unknown>): GowaMessageParts {
  const body = typeof payload["body"] === "string" ? payload["body"] : "";
  const referral = gowaReferral(payload["referral"]);
  const contact = contactNames(payload);
  if (contact !== null) return { content: { kind: "contact", names: contact }, text: "", referral };
  const location = payload["location"] ?? payload["live_location"];
  if (isRecord(location)) {
    const latitude = numberOrNull(location["degreesLatitude"]);
    const longitude = numberOrNull(location["degreesLongitude"]);
    if (latitude !== null && longitude !== null) {
      const content: MessageContent = {
        kind: "location",
        latitude,
        longitude,
        name: stringOrNull(location["name"]),
        address: stringOrNull(location["address"]),
        live: payload["live_location"] !== undefined,
      };
      return { content, text: "", referral };
    }
  }
  const order = payload["order"];
  if (isRecord(order)) return { content: orderContent(order), text: stringOrNull(order["message"]) ?? "", referral };
  for (const [key, kind] of MEDIA_KEYS) {
    const value = payload[key];
    if (value === undefined || value === null) continue;
    const caption = isRecord(value) ? stringOrNull(value["caption"]) : null;
    return {
      content: { kind, media: gowaMedia(value, payload["view_once"] === true) },
      text: body || caption || "",
      referral,
    };
  }
  const systemKey = SYSTEM_KEYS.find((key) => payload[key] !== undefined);
  if (systemKey !== undefined && body === "")
    return { content: { kind: "system", type: systemKey }, text: "", referral };
  if (body === "") return { content: { kind: "system", type: "unsupported" }, text: "", referral };
  const productId = productLinkId(body);
  if (productId !== null) return { content: { kind: "product_inquiry", productId }, text: body, referral };
  return { content: { kind: referral ? "referral" : "text" }, text: body, referral };
}

function contactNames(payload: Record<string, unknown>): string[] | null {
  const single = payload["contact"];
  if (isRecord(single)) return [stringOrNull(single["displayName"])].filter((n): n is string => n !== null);
  const many = payload["contacts_array"];
  if (Array.isArray(many)) {
    return many
      .map((entry) => (isRecord(entry) ? stringOrNull(entry["displayName"]) : null))
      .filter((n): n is string => n !== null);
  }
  return null;
}

/** GOWA forwards whatsmeow's `OrderMessage` as is: totals and a count, no item lines. */
function orderContent(order: Record<string, unknown>): MessageContent {
  const total1000 = numberOrNull(order["totalAmount1000"]);
  return {
    kind: "order",
    items: [],
    itemCount: numberOrNull(order["itemCount"]),
    total: total1000 === null ? null : total1000 / 1000,
    currency: stringOrNull(order["totalCurrencyCode"]),
  };
}

/** A media key's value: a downloaded file's path (string or `{path, caption}`) or `{url, caption?, filename?}`. */
function gowaMedia(value: unknown, viewOnce: boolean) {
  const path = typeof value === "string" ? value : isRecord(value) ? stringOrNull(value["path"]) : null;
  const fileName = isRecord(value) ? stringOrNull(value["filename"]) : null;
  // The downloaded file's name is GOWA's own handle on the media; a CDN url is useless without its key.
  const mediaId = path === null ? null : (path.split("/").at(-1) ?? null);
  return mediaInfo({ mimeType: mimeFromName(path ?? fileName), mediaId, fileName, viewOnce });
}

const MIME_BY_EXTENSION: Record<string, string> = {
  jpeg: "image/jpeg",
  jpg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  mp4: "video/mp4",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  pdf: "application/pdf",
};

function mimeFromName(name: string | null): string | null {
  const extension = name?.split(".").at(-1)?.toLowerCase();
  return extension === undefined ? null : (MIME_BY_EXTENSION[extension] ?? null);
}

/** GOWA's `referral` (from `contextInfo.externalAdReply`). */
function gowaReferral(value: unknown): AdReferral | null {
  if (!isRecord(value)) return null;
  return {
    sourceType: stringOrNull(value["source_type"]),
    sourceId: stringOrNull(value["source_id"]),
    sourceUrl: stringOrNull(value["source_url"]),
    headline: stringOrNull(value["ad_title"]),
    app: stringOrNull(value["source_app"]),
  };
}
