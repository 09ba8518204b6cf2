import { expect } from "vitest";
import { FakeWaha } from "../support/fake-waha.js";
import { startServer } from "../support/start-server.js";
import { alertLines, botLines } from "./gateways-helpers.js";
import { customerLines, type KindCase, loadKindFixture, runMessageKindContract } from "./message-kinds.contract.js";

const HMAC_KEY = "waha-kinds-hmac-key-5c0f";
const API_KEY = "waha-kinds-api-key-19be";
const ME = "5511999990000@c.us";
const MEDIA_ACK = /Thanks for sending that/;
const VOICE_ACK = /can't listen to voice notes/;

const phone = (n: number) => `+55119000100${String(n).padStart(2, "0")}`;

const CASES: KindCase[] = [
  { name: "text (WEBJS): a normal reply", fixture: "text", customer: phone(1), expect: "reply", kind: "text" },
  {
    name: "image with a caption (WEBJS): the caption is the message, no thumbnail kept",
    fixture: "image-caption",
    customer: phone(2),
    expect: "reply",
    kind: "image",
    check: (view) => expect(customerLines(view)[0]).toMatchObject({ text: "How much is this skillet?", kind: "image" }),
  },
  {
    name: "image without caption (WEBJS): the media acknowledgement, not the base64 body",
    fixture: "image",
    customer: phone(3),
    expect: "reply",
    kind: "image",
    reply: MEDIA_ACK,
    check: (view) => expect(customerLines(view)[0]?.text).toBe(""),
  },
  {
    name: "view-once image (NOWEB): the media acknowledgement",
    fixture: "image-view-once",
    customer: phone(4),
    expect: "reply",
    kind: "image",
    reply: MEDIA_ACK,
  },
  {
    name: "video (NOWEB): the media acknowledgement",
    fixture: "video",
    customer: phone(5),
    expect: "reply",
    kind: "video",
    reply: MEDIA_ACK,
  },
  {
    name: "document (WEBJS): the media acknowledgement",
    fixture: "document",
    customer: phone(6),
    expect: "reply",
    kind: "document",
    reply: MEDIA_ACK,
  },
  {
    name: "sticker (NOWEB): the media acknowledgement",
    fixture: "sticker",
    customer: phone(7),
    expect: "reply",
    kind: "sticker",
    reply: MEDIA_ACK,
  },
  {
    name: "voice note (WEBJS ptt): asks to type it",
    fixture: "voice",
    customer: phone(8),
    expect: "reply",
    kind: "voice",
    reply: VOICE_ACK,
  },
  {
    name: "voice note (NOWEB ptt): asks to type it",
    fixture: "voice-noweb",
    customer: phone(9),
    expect: "reply",
    kind: "voice",
    reply: VOICE_ACK,
  },
  {
    name: "location (WEBJS): acknowledged, the base64 thumbnail in body not kept",
    fixture: "location",
    customer: phone(10),
    expect: "reply",
    kind: "location",
    reply: /location \(Avenida Paulista\)/,
    check: (view) => expect(customerLines(view)[0]?.text).toBe(""),
  },
  {
    name: "live location (NOWEB): acknowledged",
    fixture: "live-location",
    customer: phone(11),
    expect: "reply",
    kind: "location",
    reply: /location/,
  },
  {
    name: "contact card (WEBJS): by name, the raw vCard not kept",
    fixture: "contact",
    customer: phone(12),
    expect: "reply",
    kind: "contact",
    reply: /Marcos Souza/,
    check: (view) => expect(customerLines(view)[0]?.text).not.toMatch(/VCARD/),
  },
  {
    name: "several contacts (NOWEB): by name",
    fixture: "contacts-noweb",
    customer: phone(13),
    expect: "reply",
    kind: "contact",
    reply: /Marcos Souza, Julia Lima/,
  },
  {
    name: "catalog order (WEBJS): closing, the total confirmed, the shop alerted",
    fixture: "order",
    customer: phone(14),
    expect: "reply",
    kind: "order",
    reply: /Thank you for your order[\s\S]*Total: \$178\.00/,
    check: (view, server) => {
      expect(view.stage).toBe("closing");
      expect(alertLines(server, "order_received").length).toBeGreaterThan(0);
    },
  },
  {
    name: "shared catalog product (NOWEB): the reply is about it",
    fixture: "product",
    customer: phone(15),
    expect: "reply",
    kind: "product_inquiry",
    reply: /Dutch Oven/,
  },
  {
    name: '"Stop promotions" button (NOWEB): an opt-out',
    fixture: "button-stop",
    customer: phone(16),
    expect: "reply",
    kind: "interactive_reply",
    reply: /unsubscribed/i,
  },
  {
    name: "list reply (WEBJS): the title is the message",
    fixture: "list-reply",
    customer: phone(17),
    expect: "reply",
    kind: "interactive_reply",
  },
  {
    name: "ad referral (WEBJS ctwaContext): kept on the customer",
    fixture: "referral",
    customer: phone(18),
    expect: "reply",
    kind: "referral",
    check: (view) => expect(view.referral).toMatchObject({ headline: "Winter cooking sale" }),
  },
  {
    name: "reaction: no reply, recorded on the reacted message",
    fixture: "reaction",
    customer: phone(1),
    expect: "silent",
    kind: "reaction",
    needsBotReply: true,
    check: (view) => expect(botLines(view).at(-1)?.reaction).toBe("👍"),
  },
  {
    name: "reaction removed: no reply, the reaction goes",
    fixture: "reaction-removed",
    customer: phone(1),
    expect: "silent",
    kind: "reaction",
    needsBotReply: true,
    check: (view) => expect(botLines(view).at(-1)?.reaction).toBeNull(),
  },
  {
    name: "edit: the edited text replaces the original, no second reply",
    fixture: "edit",
    customer: phone(1),
    expect: "silent",
    kind: "edit",
    check: (view) => expect(customerLines(view)[0]?.text).toBe("Hello, do you sell enameled Dutch ovens?"),
  },
  {
    name: "revoke: no reply, the original's text erased",
    fixture: "revoke",
    customer: phone(1),
    expect: "silent",
    kind: "revoke",
    check: (view) => expect(customerLines(view)[0]?.text).toBe(""),
  },
  {
    name: "a first message before the NOWEB reaction",
    fixture: "text-21",
    customer: phone(21),
    expect: "reply",
    kind: "text",
  },
  {
    name: "reaction sent as a message event by older NOWEB builds: a reaction, no reply",
    fixture: "reaction-as-message",
    customer: phone(21),
    expect: "silent",
    kind: "reaction",
    needsBotReply: true,
    check: (view) => expect(botLines(view).at(-1)?.reaction).toBe("❤️"),
  },
  {
    name: "fromMe typed on the business phone (source app): a human takeover",
    fixture: "from-me",
    customer: phone(24),
    expect: "silent",
    kind: "text",
    check: (view) => expect(view.handoffUntil).not.toBeNull(),
  },
  {
    name: "unknown kind (a poll): stored as system, no reply",
    fixture: "unknown",
    customer: phone(25),
    expect: "silent",
    kind: "system",
    check: (view) => expect(customerLines(view)[0]).toMatchObject({ kind: "system", text: "" }),
  },
  { name: "group message: ignored", fixture: "group", customer: null, expect: "ignored" },
  { name: "status@broadcast: ignored", fixture: "status", customer: null, expect: "ignored" },
  { name: "call: ignored", fixture: "call", customer: null, expect: "ignored" },
  { name: "presence: ignored", fixture: "presence", customer: null, expect: "ignored" },
  { name: "session status: ignored", fixture: "session", customer: null, expect: "ignored" },
];

runMessageKindContract(
  "WAHA 2026.7 (WEBJS and NOWEB)",
  async () => {
    const fake = await FakeWaha.start({ apiKey: API_KEY, hmacKey: HMAC_KEY, me: ME });
    const server = await startServer({
      env: {
        GATEWAY: "waha",
        // The contract fixtures are dated 2025: replayed now, they must not fall outside the age window.
        WEBHOOK_MAX_AGE_HOURS: "1000000",
        WAHA_URL: fake.url,
        WAHA_API_KEY: API_KEY,
        WAHA_WEBHOOK_SECRET: HMAC_KEY,
        CLOSER_PACING: "off",
        CLOSER_QUIET_HOURS: "off",
        CLOSER_RANDOM_SEED: "22",
      },
    });
    fake.webhookUrl = `${server.url}/webhooks/waha`;
    return {
      server,
      post(fixture, substitutions) {
        // `text-21` is the text fixture from another customer (the one the NOWEB reaction is for).
        const body =
          fixture === "text-21"
            ? loadKindFixture("waha", "text", { "5511900010001": "5511900010021", "3EB0WKIND0001": "3EB0WKIND0021" })
            : loadKindFixture("waha", fixture, substitutions);
        const now = Date.now();
        body["timestamp"] = now;
        const payload = body["payload"] as Record<string, unknown>;
        if (typeof payload["timestamp"] === "number") payload["timestamp"] = Math.floor(now / 1000);
        for (const side of ["before", "after"]) {
          const message = payload[side] as Record<string, unknown> | undefined;
          if (message) message["timestamp"] = Math.floor(now / 1000);
        }
        return fake.postRaw(JSON.stringify(body));
      },
      replies(customer) {
        const chat = `${customer.replace(/^\+/, "")}@c.us`;
        return fake.sent.filter((s) => s.chatId === chat).map((s) => ({ id: s.id, text: s.text }));
      },
      close: () => fake.close(),
    };
  },
  CASES,
);
