/**
 * The kind and content of a WAHA `WAMessage` (`message`, `message.any`). WAHA's
 * own fields say little (`body`, `hasMedia`, `media`, `location`, `vCards`), so
 * the engine's raw data decides: WEBJS puts whatsapp-web.js's `type` in `_data`,
 * NOWEB puts the Baileys message (`_data.message.imageMessage`, …). WEBJS writes
 * a location's thumbnail and a contact's raw vCard into `body`: neither is kept.
 * @module
 */
import {
  type AdReferral,
  isRecord,
  type MediaInfo,
  type MediaKind,
  type MessageContent,
  mediaInfo,
  numberOrNull,
  productLinkId,
  stringOrNull,
  vcardNames,
} from "./message-content.js";

/** What a WAHA message says, normalised. */
export interface WahaMessageParts {
  content: MessageContent;
  /** Text, caption or chosen button title; empty for locations, contacts and media without caption. */
  text: string;
  referral: AdReferral | null;
}

type Raw = Record<string, unknown>;

/** Reads the kind and content of one WAHA message payload. */
export function wahaMessageParts(payload: Raw): WahaMessageParts {
  const data = isRecord(payload["_data"]) ? payload["_data"] : {};
  const body = typeof payload["body"] === "string" ? payload["body"] : "";
  const noweb = isRecord(data["message"]) ? unwrap(data["message"]) : null;
  if (noweb !== null) return nowebParts(noweb, body);
  if (typeof data["type"] === "string") return webjsParts(data["type"], data, payload, body);
  return genericParts(payload, body);
}

// ── NOWEB: the Baileys `proto.IMessage` ─────────────────────────────────────

const NOWEB_MEDIA: readonly [string, MediaKind][] = [
  ["imageMessage", "image"],
  ["videoMessage", "video"],
  ["ptvMessage", "video"],
  ["documentMessage", "document"],
  ["stickerMessage", "sticker"],
];

function nowebParts(message: Raw, body: string): WahaMessageParts {
  const referral = nowebReferral(message);
  const parts = (content: MessageContent, text = "") => ({ content, text, referral });
  const reaction = record(message["reactionMessage"]);
  if (reaction) {
    const key = record(reaction["key"]);
    const targetId = key ? wahaIdOf(key) : null;
    if (targetId !== null) return parts({ kind: "reaction", targetId, emoji: stringOrNull(reaction["text"]) });
  }
  const audio = record(message["audioMessage"]);
  if (audio) return parts({ kind: audio["ptt"] === true ? "voice" : "audio", media: nowebMedia(audio, false) });
  for (const [key, kind] of NOWEB_MEDIA) {
    const media = record(message[key]);
    if (media) return parts({ kind, media: nowebMedia(media, media["viewOnce"] === true) }, body);
  }
  const location = record(message["locationMessage"]) ?? record(message["liveLocationMessage"]);
  if (location) {
    const place = locationOf(
      location["degreesLatitude"],
      location["degreesLongitude"],
      location["name"],
      location["address"],
    );
    if (place) return parts({ ...place, live: message["liveLocationMessage"] !== undefined });
  }
  const contact = record(message["contactMessage"]);
  if (contact) return parts({ kind: "contact", names: present([contact["displayName"]]) });
  const contacts = record(message["contactsArrayMessage"]);
  if (contacts) {
    const list = Array.isArray(contacts["contacts"]) ? contacts["contacts"] : [];
    return parts({ kind: "contact", names: present(list.map((c) => (isRecord(c) ? c["displayName"] : null))) });
  }
  const order = record(message["orderMessage"]);
  if (order)
    return parts(
      orderOf(order["itemCount"], order["totalAmount1000"], order["totalCurrencyCode"]),
      stringOrNull(order["message"]) ?? "",
    );
  const product = record(record(message["productMessage"])?.["product"]);
  if (product) {
    const productId = stringOrNull(product["retailerId"]) ?? stringOrNull(product["productId"]);
    if (productId !== null) return parts({ kind: "product_inquiry", productId }, body);
  }
  const buttons = record(message["buttonsResponseMessage"]) ?? record(message["templateButtonReplyMessage"]);
  if (buttons) {
    const replyId = stringOrNull(buttons["selectedButtonId"]) ?? stringOrNull(buttons["selectedId"]);
    return parts({ kind: "interactive_reply", replyId }, stringOrNull(buttons["selectedDisplayText"]) ?? body);
  }
  const list = record(message["listResponseMessage"]);
  if (list) {
    const replyId = stringOrNull(record(list["singleSelectReply"])?.["selectedRowId"]);
    return parts({ kind: "interactive_reply", replyId }, stringOrNull(list["title"]) ?? body);
  }
  const text =
    body || stringOrNull(message["conversation"]) || stringOrNull(record(message["extendedTextMessage"])?.["text"]);
  if (text) return textParts(text, referral);
  const type = Object.keys(message).find((key) => key !== "messageContextInfo") ?? "unknown";
  return parts({ kind: "system", type });
}

/** Baileys wraps some messages (`ephemeralMessage`, `viewOnceMessage[V2]`, `documentWithCaptionMessage`). */
function unwrap(message: Raw): Raw {
  for (const wrapper of ["ephemeralMessage", "viewOnceMessage", "viewOnceMessageV2", "documentWithCaptionMessage"]) {
    const inner = record(record(message[wrapper])?.["message"]);
    if (inner) return markViewOnce(unwrap(inner), wrapper.startsWith("viewOnce"));
  }
  return message;
}

function markViewOnce(message: Raw, viewOnce: boolean): Raw {
  if (!viewOnce) return message;
  return Object.fromEntries(
    Object.entries(message).map(([key, value]) => [key, isRecord(value) ? { ...value, viewOnce: true } : value]),
  );
}

function nowebMedia(media: Raw, viewOnce: boolean): MediaInfo {
  return mediaInfo({
    mimeType: stringOrNull(media["mimetype"]),
    size: numberOrNull(media["fileLength"]),
    mediaId: stringOrNull(media["fileSha256"]) ?? stringOrNull(media["directPath"]),
    fileName: stringOrNull(media["fileName"]),
    viewOnce,
  });
}

function nowebReferral(message: Raw): AdReferral | null {
  for (const value of Object.values(message)) {
    const ad = record(record(record(value)?.["contextInfo"])?.["externalAdReply"]);
    if (ad) {
      return {
        sourceType: stringOrNull(ad["sourceType"]),
        sourceId: stringOrNull(ad["sourceId"]),
        sourceUrl: stringOrNull(ad["sourceUrl"]),
        headline: stringOrNull(ad["title"]),
        app: stringOrNull(ad["sourceApp"]),
      };
    }
  }
  return null;
}

/** WAHA's message id of a Baileys key: `{fromMe}_{chat as @c.us}_{id}`, as WAHA builds it. */
function wahaIdOf(key: Raw): string | null {
  const id = stringOrNull(key["id"]);
  const chat = stringOrNull(key["remoteJid"]);
  if (id === null || chat === null) return id;
  return `${key["fromMe"] === true}_${chat.replace(/@s\.whatsapp\.net$/, "@c.us")}_${id}`;
}

// ── WEBJS: whatsapp-web.js's raw message ────────────────────────────────────

const WEBJS_MEDIA: Record<string, MediaKind> = {
  image: "image",
  video: "video",
  ptv: "video",
  audio: "audio",
  ptt: "voice",
  document: "document",
  sticker: "sticker",
};

function webjsParts(type: string, data: Raw, payload: Raw, body: string): WahaMessageParts {
  const referral = webjsReferral(data["ctwaContext"]);
  const parts = (content: MessageContent, text = "") => ({ content, text, referral });
  const mediaKind = WEBJS_MEDIA[type];
  if (mediaKind !== undefined) {
    // whatsapp-web.js puts a media message's caption in `body`.
    return parts({ kind: mediaKind, media: webjsMedia(data, payload) }, body);
  }
  switch (type) {
    case "chat":
      return textParts(body, referral);
    case "location": {
      const place = wahaLocation(payload["location"]);
      return place ? parts(place) : parts({ kind: "system", type });
    }
    case "vcard":
    case "multi_vcard":
      return parts({ kind: "contact", names: namesOfVcards(payload["vCards"]) });
    case "order":
      return parts(
        orderOf(data["itemCount"], data["totalAmount1000"], data["totalCurrencyCode"]),
        stringOrNull(data["message"]) ?? "",
      );
    case "product": {
      const productId = stringOrNull(data["productId"]);
      return productId
        ? parts({ kind: "product_inquiry", productId }, stringOrNull(data["caption"]) ?? "")
        : parts({ kind: "system", type });
    }
    case "buttons_response":
    case "template_button_reply":
      return parts(
        {
          kind: "interactive_reply",
          replyId: stringOrNull(data["selectedButtonId"]) ?? stringOrNull(data["selectedId"]),
        },
        body,
      );
    case "list_response": {
      const replyId = stringOrNull(record(record(data["listResponse"])?.["singleSelectReply"])?.["selectedRowId"]);
      return parts({ kind: "interactive_reply", replyId }, body);
    }
    default:
      return parts({ kind: "system", type });
  }
}

function webjsMedia(data: Raw, payload: Raw): MediaInfo {
  const media = record(payload["media"]);
  return mediaInfo({
    mimeType: stringOrNull(data["mimetype"]) ?? stringOrNull(media?.["mimetype"]),
    size: numberOrNull(data["size"]),
    mediaId: stringOrNull(data["filehash"]),
    fileName: stringOrNull(data["filename"]) ?? stringOrNull(media?.["filename"]),
    viewOnce: data["isViewOnce"] === true,
  });
}

function webjsReferral(value: unknown): AdReferral | null {
  const ad = record(value);
  if (!ad) return null;
  return {
    sourceType: stringOrNull(ad["sourceType"]),
    sourceId: stringOrNull(ad["sourceId"]),
    sourceUrl: stringOrNull(ad["sourceUrl"]),
    headline: stringOrNull(ad["title"]),
    app: stringOrNull(ad["sourceApp"]),
  };
}

// ── Any engine: WAHA's documented fields only ───────────────────────────────

function genericParts(payload: Raw, body: string): WahaMessageParts {
  const place = wahaLocation(payload["location"]);
  if (place) return { content: place, text: "", referral: null };
  if (Array.isArray(payload["vCards"]) && payload["vCards"].length > 0) {
    return { content: { kind: "contact", names: namesOfVcards(payload["vCards"]) }, text: "", referral: null };
  }
  if (payload["hasMedia"] === true) {
    const media = record(payload["media"]);
    const mimeType = stringOrNull(media?.["mimetype"]);
    const kind: MediaKind = mimeType?.startsWith("image/")
      ? "image"
      : mimeType?.startsWith("video/")
        ? "video"
        : mimeType?.startsWith("audio/")
          ? "audio"
          : "document";
    const info = mediaInfo({ mimeType, fileName: stringOrNull(media?.["filename"]) });
    return { content: { kind, media: info }, text: body, referral: null };
  }
  if (body === "") return { content: { kind: "system", type: "unsupported" }, text: "", referral: null };
  return textParts(body, null);
}

function wahaLocation(value: unknown): Extract<MessageContent, { kind: "location" }> | null {
  const location = record(value);
  if (!location) return null;
  const place = locationOf(
    location["latitude"],
    location["longitude"],
    location["name"] ?? location["description"],
    location["address"],
  );
  return place ? { ...place, live: location["live"] === true } : null;
}

// ── shared ──────────────────────────────────────────────────────────────────

function textParts(text: string, referral: AdReferral | null): WahaMessageParts {
  const productId = productLinkId(text);
  if (productId !== null) return { content: { kind: "product_inquiry", productId }, text, referral };
  return { content: { kind: referral ? "referral" : "text" }, text, referral };
}

function locationOf(lat: unknown, lng: unknown, name: unknown, address: unknown) {
  const latitude = numberOrNull(lat);
  const longitude = numberOrNull(lng);
  if (latitude === null || longitude === null) return null;
  // A description may carry the place's name and address on two lines.
  const [first, ...rest] = (stringOrNull(name) ?? "").split("\n");
  return {
    kind: "location" as const,
    latitude,
    longitude,
    name: stringOrNull(first),
    address: stringOrNull(address) ?? stringOrNull(rest.join(", ")),
    live: false,
  };
}

function orderOf(itemCount: unknown, total1000: unknown, currency: unknown): MessageContent {
  const total = numberOrNull(total1000);
  return {
    kind: "order",
    items: [],
    itemCount: numberOrNull(itemCount),
    total: total === null ? null : total / 1000,
    currency: stringOrNull(currency),
  };
}

function namesOfVcards(value: unknown): string[] {
  return Array.isArray(value) ? value.flatMap((card) => (typeof card === "string" ? vcardNames(card) : [])) : [];
}

function present(values: unknown[]): string[] {
  return values.map(stringOrNull).filter((value): value is string => value !== null);
}

function record(value: unknown): Raw | null {
  return isRecord(value) ? value : null;
}
