/**
 * What the load generator says: customers with short scripted conversations
 * that walk the shipped funnel (greeting, questions, price, order), in the
 * words a shop's customers use, and the GOWA `message` webhooks that carry them,
 * serialised as GOWA does (compact JSON, keys sorted) and signed with
 * `X-Hub-Signature-256`.
 * @module
 */
import { createHmac } from "node:crypto";

/** One simulated customer and what they still have to say. */
export interface Conversation {
  /** Digits with country code, e.g. `628120000123`. */
  readonly phone: string;
  readonly name: string;
  readonly messages: readonly string[];
  /** Index of the next message to send. */
  next: number;
}

const PRODUCTS = ["dutch oven", "skillet", "chef's knife", "kettle", "cutting board", "apron"] as const;

const GREETINGS = [
  "Hi! I saw your ad on Instagram",
  "Hello, is anyone there?",
  "Good morning, can you help me with something?",
  "hey, found you on Google",
  "Hi there",
];

const QUESTIONS = [
  "Is the {p} dishwasher safe?",
  "What is the {p} made of? Does it rust?",
  "Does the {p} come with a warranty?",
  "Is it good quality? I read some reviews",
  "What's your returns policy if I don't like the {p}?",
  "Does the {p} work on induction?",
];

const PRICE_TALK = [
  "How much is the {p}?",
  "What's the price of the {p}, any discount right now?",
  "Do you have a deal on the {p}?",
  "Which one would you recommend for a family of four?",
  "Is the {p} on sale? it looks a bit expensive",
];

const CLOSING = [
  "OK, how do I order the {p}?",
  "I'll take it. Can you ship to Jakarta?",
  "Great, send me the link for payment",
  "Can you reserve one for me? I'll pay tomorrow",
  "How to order? my zip code is 10110",
];

const FOLLOW_UPS = ["thanks!", "ok great", "and how long is delivery?", "perfect, thank you", "👍"];

const NAMES = ["Budi", "Siti", "Andi", "Dewi", "Rina", "Agus", "Putri", "Eko", "Maya", "Joko", "Lina", "Rudi"];

/** Makes customers with distinct phone numbers; `rng` returns uniform numbers in [0, 1). */
export function createConversationFactory(rng: () => number, phonePrefix = "62812"): () => Conversation {
  let counter = 0;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rng() * list.length)] as T;
  return function nextConversation(): Conversation {
    counter += 1;
    const product = pick(PRODUCTS);
    const fill = (text: string) => text.replaceAll("{p}", product);
    const messages = [pick(GREETINGS), fill(pick(QUESTIONS))];
    // Most customers ask a second question or two; some leave early, some go all the way to an order.
    if (rng() < 0.6) messages.push(fill(pick(QUESTIONS)));
    if (rng() < 0.8) messages.push(fill(pick(PRICE_TALK)));
    if (rng() < 0.5) messages.push(fill(pick(CLOSING)));
    if (rng() < 0.5) messages.push(pick(FOLLOW_UPS));
    // A few opt out at the end: the confirmation is their reply.
    if (rng() < 0.03) messages.push("STOP");
    return {
      phone: `${phonePrefix}${String(counter).padStart(8, "0")}`,
      name: pick(NAMES),
      messages,
      next: 0,
    };
  };
}

/** One inbound text as GOWA posts it. */
export interface GowaTextMessage {
  /** GOWA message id, unique per message. */
  id: string;
  phone: string;
  name: string;
  text: string;
  /** Epoch ms. */
  at: number;
}

/** The receiving account, as in GOWA's envelopes. */
export const BUSINESS_JID = "6281234567890@s.whatsapp.net";

/** The body of a GOWA `message` webhook: compact JSON with keys sorted at every level, as Go writes it. */
export function gowaMessageBody(message: GowaTextMessage): string {
  const chat = `${message.phone}@s.whatsapp.net`;
  return goJson({
    device_id: BUSINESS_JID,
    event: "message",
    payload: {
      body: message.text,
      chat_id: chat,
      from: chat,
      from_name: message.name,
      id: message.id,
      is_from_me: false,
      sender_display_name: message.name,
      timestamp: new Date(Math.floor(message.at / 1000) * 1000).toISOString().replace(".000Z", "Z"),
    },
    session_id: "org_2",
  });
}

/** GOWA's `X-Hub-Signature-256` header value for `body`. */
export function signGowaBody(body: string, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** JSON as Go's encoding/json writes a map: keys sorted, `<`, `>`, `&` escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}
