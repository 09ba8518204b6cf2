/**
 * WhatsApp ids as the gateways write them (`628…@s.whatsapp.net`, `111…@c.us`,
 * `…@lid`, `…@g.us`, `status@broadcast`, `…@newsletter`, bare digits) and what
 * kind of chat each one names.
 * @module
 */

/** What a WhatsApp id names: a person by phone, a person by hidden `@lid`, or a chat we never answer. */
export type JidKind = "phone" | "lid" | "group" | "broadcast" | "newsletter" | "unknown";

/** A WhatsApp id taken apart. */
export interface ParsedJid {
  kind: JidKind;
  /** Phone digits for `phone` ids (device suffix dropped); the whole id for `lid`; otherwise the part before `@`. */
  user: string;
}

/**
 * Classifies a WhatsApp id. `…@s.whatsapp.net` (whatsmeow, maybe with a `:device`
 * suffix), `…@c.us` (WAHA) and bare digits (Cloud API `wa_id`) are phones.
 */
export function parseJid(jid: string): ParsedJid {
  const at = jid.lastIndexOf("@");
  if (at < 0) {
    const digits = jid.replace(/^\+/, "");
    return /^\d{5,20}$/.test(digits) ? { kind: "phone", user: digits } : { kind: "unknown", user: jid };
  }
  const user = jid.slice(0, at);
  switch (jid.slice(at + 1)) {
    case "s.whatsapp.net":
    case "c.us": {
      // whatsmeow writes a linked device as `628…:12@s.whatsapp.net` (agent as `628….1:12`).
      const digits = user.split(":")[0]?.split(".")[0] ?? "";
      return /^\d{5,20}$/.test(digits) ? { kind: "phone", user: digits } : { kind: "unknown", user };
    }
    case "lid":
      return { kind: "lid", user: jid };
    case "g.us":
      return { kind: "group", user };
    case "broadcast":
      return { kind: "broadcast", user };
    case "newsletter":
      return { kind: "newsletter", user };
    default:
      return { kind: "unknown", user };
  }
}

/** The phone digits of `jid` when it names a person by phone; otherwise null. */
export function phoneOf(jid: string | null | undefined): string | null {
  if (!jid) return null;
  const parsed = parseJid(jid);
  return parsed.kind === "phone" ? parsed.user : null;
}

/** `jid` itself when it is an `@lid` identity; otherwise null. */
export function lidOf(jid: string | null | undefined): string | null {
  if (!jid) return null;
  return parseJid(jid).kind === "lid" ? jid : null;
}

/** True for groups, broadcasts (including `status@broadcast`) and newsletters. */
export function isGroupLike(jid: string): boolean {
  const kind = parseJid(jid).kind;
  return kind === "group" || kind === "broadcast" || kind === "newsletter";
}

/**
 * Why a chat is not one we answer (`group chat`, …), or null for a one-to-one chat
 * with a person (phone or lid).
 */
export function unansweredChatReason(jid: string): string | null {
  switch (parseJid(jid).kind) {
    case "phone":
    case "lid":
      return null;
    case "group":
      return "group chat";
    case "broadcast":
      return "broadcast or status update";
    case "newsletter":
      return "newsletter";
    default:
      return "unrecognised chat id";
  }
}
