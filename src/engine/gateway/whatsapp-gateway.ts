/**
 * The WhatsApp gateway port: what the engine needs from GOWA, WAHA, the Cloud
 * API or the playground, in our own types. Vendor JSON stops at the adapters.
 * @module
 */
import type { AdReferral, MessageContent } from "./message-content.js";

/** Which transport a message came through or goes out on. */
export type GatewayName = "playground" | "gowa" | "waha" | "cloud";

/** One inbound event, normalised from a gateway webhook. */
export type InboundEvent = InboundMessage | DeliveryReceipt;

/** A message in a one-to-one chat: text, media, a reaction, an order, … (see `content`). */
export interface InboundMessage {
  kind: "message";
  gateway: GatewayName;
  /** The gateway's id of the message; deduplication key. */
  gatewayMessageId: string;
  /** Customer phone in E.164 digits without `+` (e.g. `15551234567`), when known. */
  phone: string | null;
  /** The customer's `@lid` identity (e.g. `123456789@lid`), when the gateway gave one. */
  lid: string | null;
  /**
   * The customer's WhatsApp username as the gateway gave it (Cloud API `contacts[].profile.username`,
   * e.g. `@kai.cooks`); absent or null when none. Never stored in clear: only its keyed hash.
   */
  username?: string | null;
  /** Push name / profile name, if any. */
  name: string | null;
  /**
   * Message text, media caption, edited text, chosen button title or order note; empty string
   * when the message has none. Never a vCard, a thumbnail or any other raw payload.
   */
  text: string;
  /** Set when intake cut `text` to MAX_MESSAGE_CHARS: the length the customer sent. */
  truncatedFrom?: number;
  /** The message kind and its content; absent (inbox rows from before kinds) means plain text. */
  content?: MessageContent;
  /** The click-to-WhatsApp ad or post the message came from, when it says. */
  referral?: AdReferral | null;
  /** True when the message was sent from the business phone (a person, or an echo of our own send). */
  fromMe: boolean;
  /**
   * Which device produced the message, as far as the payload says: `api` = sent through the
   * gateway's API (Closer's own sends echoed back), `app` = typed in a WhatsApp app (a customer,
   * or a person on the business phone), `unknown` = the payload does not say. The webhook
   * normalisers always set it; absent means `unknown`.
   */
  origin?: MessageOrigin;
  /** When the gateway says the message was sent (epoch ms). */
  sentAt: number;
}

/** Which device produced a message: the gateway's API, a WhatsApp app, or not said. */
export type MessageOrigin = "api" | "app" | "unknown";

/** A delivery receipt for a message we sent. */
export interface DeliveryReceipt {
  kind: "receipt";
  gateway: GatewayName;
  /** Gateway ids of the messages this receipt covers. */
  gatewayMessageIds: string[];
  status: DeliveryStatus;
  /** Failure reason from the gateway, if any. */
  reason: string | null;
  at: number;
}

/** Status of a sent message as the gateway reports it. */
export type DeliveryStatus = "sent" | "delivered" | "read" | "failed";

/** A reply to send. */
export interface OutboundText {
  /** Phone digits without `+`, or a `…@lid` identity. */
  to: string;
  text: string;
  /** The gateway id of the inbound message being answered, if any (to quote or mark read). */
  inReplyTo?: string | null;
}

/** What the gateway said about a send. */
export interface SendResult {
  /** The gateway's id of the sent message (later seen in receipts). */
  gatewayMessageId: string;
}

/** One message we sent, as the gateway's chat history shows it. */
export interface SentHistoryEntry {
  gatewayMessageId: string;
  /** The message's text as the gateway stored it. */
  text: string;
  /** When the gateway says it was sent (epoch ms; WhatsApp keeps whole seconds). */
  at: number;
}

/** The gateway's health as the sender and `/healthz` see it. */
export interface GatewayHealth {
  /** True when the gateway is reachable and logged in to WhatsApp. */
  connected: boolean;
  /** Short human-readable detail (`logged out`, `unreachable: ECONNREFUSED`, …). */
  detail: string;
}

/**
 * The port. `send` throws `GatewayError` (see gateway-error.ts): `gateway_unreachable`
 * for network errors and 5xx (retry), `gateway_rate_limited` for 429 (pause),
 * `gateway_rejected` for permanent refusals (do not retry).
 */
/** An approved template message (Cloud API), the only kind it sends outside the 24-hour window. */
export interface OutboundTemplate {
  to: string;
  /** The approved template's name. */
  name: string;
  /** Its language code (`en_US`). */
  language: string;
  /** Body parameters, in order. */
  parameters: string[];
}

export interface WhatsAppGateway {
  readonly name: GatewayName;
  send(message: OutboundText): Promise<SendResult>;
  /** Sends an approved template message; only gateways that have them (the Cloud API) define it. */
  sendTemplate?(message: OutboundTemplate): Promise<SendResult>;
  /** Marks the inbound message read ("seen"); best effort. */
  markRead(chat: string, gatewayMessageId: string): Promise<void>;
  /** Shows or stops the typing indicator; best effort. */
  setTyping(chat: string, typing: boolean): Promise<void>;
  health(): Promise<GatewayHealth>;
  /**
   * Our own messages in `chat` sent at or after `since` (epoch ms, rounded down to the second),
   * from the gateway's chat history: how the sender learns, after a crash during a send, whether
   * that send went out. Absent on gateways that keep no history (the Cloud API, the playground).
   * @throws GatewayError like `send`.
   */
  sentSince?(chat: string, since: number): Promise<SentHistoryEntry[]>;
}
