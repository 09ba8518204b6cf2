import { expect } from "vitest";
import { FakeGowa } from "../support/fake-gowa.js";
import { startServer } from "../support/start-server.js";
import { alertLines, botLines } from "./gateways-helpers.js";
import { customerLines, type KindCase, loadKindFixture, runMessageKindContract } from "./message-kinds.contract.js";

const SECRET = "gowa-kinds-webhook-secret-7a1d";
const BASIC_AUTH = "closer:gowa-kinds";
const DEVICE = "org_2";
const MEDIA_ACK = /Thanks for sending that/;
const VOICE_ACK = /can't listen to voice notes/;

const phone = (n: number) => `+62812000100${String(n).padStart(2, "0")}`;

const CASES: KindCase[] = [
  { name: "text: a normal reply", fixture: "text", customer: phone(1), expect: "reply", kind: "text" },
  {
    name: "image with a caption: the caption is the message",
    fixture: "image-caption",
    customer: phone(2),
    expect: "reply",
    kind: "image",
    check: (view) => expect(customerLines(view)[0]).toMatchObject({ text: "How much is this skillet?", kind: "image" }),
  },
  {
    name: "image without caption: the media acknowledgement",
    fixture: "image",
    customer: phone(3),
    expect: "reply",
    kind: "image",
    reply: MEDIA_ACK,
  },
  {
    name: "view-once image: the media acknowledgement",
    fixture: "image-view-once",
    customer: phone(4),
    expect: "reply",
    kind: "image",
    reply: MEDIA_ACK,
  },
  {
    name: "video without caption: the media acknowledgement",
    fixture: "video",
    customer: phone(5),
    expect: "reply",
    kind: "video",
    reply: MEDIA_ACK,
  },
  {
    name: "document without caption: the media acknowledgement",
    fixture: "document",
    customer: phone(6),
    expect: "reply",
    kind: "document",
    reply: MEDIA_ACK,
  },
  {
    name: "sticker: the media acknowledgement",
    fixture: "sticker",
    customer: phone(7),
    expect: "reply",
    kind: "sticker",
    reply: MEDIA_ACK,
  },
  {
    name: "audio (GOWA's voice notes): asks to type it, the stage stays",
    fixture: "audio",
    customer: phone(8),
    expect: "reply",
    kind: "audio",
    reply: VOICE_ACK,
    check: (view) => expect(view.stage).toBe("first_contact"),
  },
  {
    name: "location: acknowledged with delivery facts, no thumbnail kept",
    fixture: "location",
    customer: phone(9),
    expect: "reply",
    kind: "location",
    reply: /location \(Grand Indonesia\)[\s\S]*business days/,
    check: (view) => expect(customerLines(view)[0]?.text).toBe(""),
  },
  {
    name: "live location: acknowledged",
    fixture: "live-location",
    customer: phone(10),
    expect: "reply",
    kind: "location",
    reply: /location/,
  },
  {
    name: "contact card: acknowledged by the contact's name, the card not kept as text",
    fixture: "contact",
    customer: phone(11),
    expect: "reply",
    kind: "contact",
    reply: /Sari Wulandari/,
    check: (view) => expect(customerLines(view)[0]?.text).toBe(""),
  },
  {
    name: "catalog order: closing, the total confirmed, the shop alerted",
    fixture: "order",
    customer: phone(12),
    expect: "reply",
    kind: "order",
    reply: /Thank you for your order[\s\S]*Total: \$178\.00[\s\S]*Next step/,
    check: (view, server) => {
      expect(view.stage).toBe("closing");
      expect(alertLines(server, "order_received").some((line) => line.includes("$178.00"))).toBe(true);
    },
  },
  {
    name: "product link: the reply is about that product",
    fixture: "product-link",
    customer: phone(13),
    expect: "reply",
    kind: "product_inquiry",
    check: (view) => expect(view.transcript.at(-1)?.text).toMatch(/Dutch Oven/i),
  },
  {
    name: '"Stop promotions" button: an opt-out',
    fixture: "button-stop",
    customer: phone(14),
    expect: "reply",
    kind: "text",
    reply: /unsubscribed/i,
  },
  {
    name: "ad referral: a first contact, the ad kept on the customer",
    fixture: "referral",
    customer: phone(15),
    expect: "reply",
    kind: "referral",
    check: (view) => expect(view.referral).toMatchObject({ headline: "Winter cooking sale", sourceType: "ad" }),
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
    check: (view) => expect(customerLines(view)[0]).toMatchObject({ text: "", revokedAt: expect.any(String) }),
  },
  {
    name: "edit of a message never seen (never answered): answered as a new message",
    fixture: "edit-unseen",
    customer: phone(22),
    expect: "reply",
    kind: "text",
    check: (view) => expect(customerLines(view)[0]?.text).toBe("Do you have the Dutch oven in stock?"),
  },
  {
    name: "deleted for me on the business phone: no reply, erased",
    fixture: "deleted-for-me",
    customer: phone(2),
    expect: "silent",
    kind: "revoke",
    check: (view) => expect(customerLines(view)[0]?.text).toBe(""),
  },
  {
    name: "is_from_me typed on the business phone: a human takeover",
    fixture: "from-me",
    customer: phone(16),
    expect: "silent",
    kind: "text",
    check: (view) => expect(view.handoffUntil).not.toBeNull(),
  },
  {
    name: "unknown kind: stored as system, no reply",
    fixture: "unknown",
    customer: phone(17),
    expect: "silent",
    kind: "system",
    check: (view) => expect(customerLines(view)[0]).toMatchObject({ kind: "system", text: "" }),
  },
  { name: "group message: ignored", fixture: "group", customer: null, expect: "ignored" },
  { name: "newsletter: ignored", fixture: "newsletter", customer: null, expect: "ignored" },
  { name: "call: ignored", fixture: "call", customer: null, expect: "ignored" },
  { name: "presence: ignored", fixture: "presence", customer: null, expect: "ignored" },
];

runMessageKindContract(
  "GOWA v9",
  async () => {
    const fake = await FakeGowa.start({ basicAuth: BASIC_AUTH, devices: [DEVICE], webhookSecret: SECRET });
    const server = await startServer({
      env: {
        GATEWAY: "gowa",
        // The contract fixtures are dated 2025: replayed now, they must not fall outside the age window.
        WEBHOOK_MAX_AGE_HOURS: "1000000",
        GOWA_URL: fake.url,
        GOWA_WEBHOOK_SECRET: SECRET,
        GOWA_BASIC_AUTH: BASIC_AUTH,
        GOWA_DEVICE_ID: DEVICE,
        CLOSER_PACING: "off",
        CLOSER_QUIET_HOURS: "off",
        CLOSER_RANDOM_SEED: "21",
      },
    });
    fake.webhookUrl = `${server.url}/webhooks/gowa`;
    return {
      server,
      post(fixture, substitutions) {
        const body = loadKindFixture("gowa", fixture, substitutions);
        const payload = body["payload"] as Record<string, unknown>;
        const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
        if ("timestamp" in payload) payload["timestamp"] = now;
        if ("timestamp" in body) body["timestamp"] = now;
        return fake.postEvent(body);
      },
      replies(customer) {
        const chat = `${customer.replace(/^\+/, "")}@s.whatsapp.net`;
        return fake.sent.filter((s) => s.phone === chat).map((s) => ({ id: s.messageId, text: s.message }));
      },
      close: () => fake.close(),
    };
  },
  CASES,
);
