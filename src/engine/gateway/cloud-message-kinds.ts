/**
 * The kind and content of a WhatsApp Cloud API message (`messages[]` and
 * `message_echoes[]` entries): its `type` names the kind and the object of the
 * same name holds the content. Media arrive as ids (`image.id`), never bytes.
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

/** What a Cloud API message says, normalised. */
export interface CloudMessageParts {
  content: MessageContent;
  /** Text, caption, chosen button title, order note or edited text; empty when none. */
  text: string;
  referral: AdReferral | null;
}

type Raw = Record<string, unknown>;

const MEDIA_TYPES: Record<string, MediaKind> = {
  image: "image",
  video: "video",
  document: "document",
  sticker: "sticker",
  audio: "audio",
};

/** Reads the kind and content of one Cloud API message. */
export function cloudMessageParts(message: Raw): CloudMessageParts {
  const type = typeof message["type"] === "string" ? message["type"] : "unknown";
  const referral = cloudReferral(message["referral"]);
  const parts = (content: MessageContent, text = ""): CloudMessageParts => ({ content, text, referral });
  const body = record(message[type]);
  const mediaKind = MEDIA_TYPES[type];
  if (mediaKind !== undefined && body) {
    // A voice note is an `audio` with `voice: true`.
    const kind = mediaKind === "audio" && body["voice"] === true ? "voice" : mediaKind;
    const media = mediaInfo({
      mimeType: stringOrNull(body["mime_type"]),
      size: numberOrNull(body["file_size"]),
      mediaId: stringOrNull(body["id"]),
      fileName: stringOrNull(body["filename"]),
    });
    return parts({ kind, media }, stringOrNull(body["caption"]) ?? "");
  }
  switch (type) {
    case "text":
      return textParts(message, stringOrNull(body?.["body"]) ?? "", referral);
    case "location": {
      const latitude = numberOrNull(body?.["latitude"]);
      const longitude = numberOrNull(body?.["longitude"]);
      if (latitude === null || longitude === null) break;
      const name = stringOrNull(body?.["name"]);
      return parts({
        kind: "location",
        latitude,
        longitude,
        name,
        address: stringOrNull(body?.["address"]),
        live: false,
      });
    }
    case "contacts": {
      const contacts = Array.isArray(message["contacts"]) ? message["contacts"] : [];
      const names = contacts
        .map((contact) => stringOrNull(record(record(contact)?.["name"])?.["formatted_name"]))
        .filter((name): name is string => name !== null);
      return parts({ kind: "contact", names });
    }
    case "reaction": {
      const targetId = stringOrNull(body?.["message_id"]);
      if (targetId === null) break;
      return parts({ kind: "reaction", targetId, emoji: stringOrNull(body?.["emoji"]) });
    }
    case "edit": {
      const targetId = stringOrNull(body?.["original_message_id"]);
      if (targetId === null) break;
      const edited = record(body?.["message"]) ?? {};
      const editedType = typeof edited["type"] === "string" ? edited["type"] : "text";
      const inner = record(edited[editedType]);
      return parts({ kind: "edit", targetId }, stringOrNull(inner?.["body"]) ?? stringOrNull(inner?.["caption"]) ?? "");
    }
    case "revoke": {
      const targetId = stringOrNull(body?.["original_message_id"]);
      if (targetId === null) break;
      return parts({ kind: "revoke", targetId });
    }
    case "order":
      return parts(orderContent(body ?? {}), stringOrNull(body?.["text"]) ?? "");
    case "interactive": {
      const reply = record(body?.["button_reply"]) ?? record(body?.["list_reply"]);
      if (!reply) break;
      return parts(
        { kind: "interactive_reply", replyId: stringOrNull(reply["id"]) },
        stringOrNull(reply["title"]) ?? "",
      );
    }
    case "button":
      // A quick-reply button of a template: `payload` is what the shop set, `text` what the customer saw.
      return parts(
        { kind: "interactive_reply", replyId: stringOrNull(body?.["payload"]) },
        stringOrNull(body?.["text"]) ?? "",
      );
  }
  return parts({ kind: "system", type });
}

function textParts(message: Raw, text: string, referral: AdReferral | null): CloudMessageParts {
  const referred = record(record(message["context"])?.["referred_product"]);
  const productId = stringOrNull(referred?.["product_retailer_id"]) ?? productLinkId(text);
  if (productId !== null) return { content: { kind: "product_inquiry", productId }, text, referral };
  return { content: { kind: referral ? "referral" : "text" }, text, referral };
}

function orderContent(order: Raw): MessageContent {
  const lines = Array.isArray(order["product_items"]) ? order["product_items"] : [];
  const items = lines.flatMap((line) => {
    const item = record(line);
    const productId = stringOrNull(item?.["product_retailer_id"]);
    const quantity = numberOrNull(item?.["quantity"]);
    if (item === null || productId === null || quantity === null || quantity < 1) return [];
    return [
      {
        productId,
        quantity: Math.floor(quantity),
        unitPrice: numberOrNull(item["item_price"]),
        currency: stringOrNull(item["currency"]),
      },
    ];
  });
  return { kind: "order", items, itemCount: null, total: null, currency: items[0]?.currency ?? null };
}

function cloudReferral(value: unknown): AdReferral | null {
  const ad = record(value);
  if (!ad) return null;
  return {
    sourceType: stringOrNull(ad["source_type"]),
    sourceId: stringOrNull(ad["source_id"]),
    sourceUrl: stringOrNull(ad["source_url"]),
    headline: stringOrNull(ad["headline"]),
    app: null,
  };
}

function record(value: unknown): Raw | null {
  return isRecord(value) ? value : null;
}
