import { expect } from "vitest";
import { FakeCloud } from "../support/fake-cloud.js";
import { startServer } from "../support/start-server.js";
import { alertLines, botLines } from "./gateways-helpers.js";
import { customerLines, type KindCase, loadKindFixture, runMessageKindContract } from "./message-kinds.contract.js";

const APP_SECRET = "cloud-kinds-app-secret-4e2a";
const VERIFY_TOKEN = "cloud-kinds-verify-token";
const ACCESS_TOKEN = "cloud-kinds-access-token";
const PHONE_NUMBER_ID = "106540352242922";
const USER_ID = "US.13491208655302741918";
const MEDIA_ACK = /Thanks for sending that/;
const VOICE_ACK = /can't listen to voice notes/;

const phone = (n: number) => `+16505550${String(n).padStart(3, "0")}`;

const CASES: KindCase[] = [
  { name: "text: a normal reply", fixture: "text", customer: phone(1), expect: "reply", kind: "text" },
  {
    name: "image with a caption: the caption is the message, the media id kept",
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
    name: "video: the media acknowledgement",
    fixture: "video",
    customer: phone(4),
    expect: "reply",
    kind: "video",
    reply: MEDIA_ACK,
  },
  {
    name: "document: the media acknowledgement",
    fixture: "document",
    customer: phone(5),
    expect: "reply",
    kind: "document",
    reply: MEDIA_ACK,
  },
  {
    name: "sticker: the media acknowledgement",
    fixture: "sticker",
    customer: phone(6),
    expect: "reply",
    kind: "sticker",
    reply: MEDIA_ACK,
  },
  {
    name: "voice note (audio.voice): asks to type it",
    fixture: "voice",
    customer: phone(7),
    expect: "reply",
    kind: "voice",
    reply: VOICE_ACK,
  },
  {
    name: "audio file: asks to type it",
    fixture: "audio",
    customer: phone(8),
    expect: "reply",
    kind: "audio",
    reply: VOICE_ACK,
  },
  {
    name: "location: acknowledged with delivery facts",
    fixture: "location",
    customer: phone(9),
    expect: "reply",
    kind: "location",
    reply: /location \(Philz Coffee\)[\s\S]*business days/,
  },
  {
    name: "contact card: by the contact's name",
    fixture: "contact",
    customer: phone(10),
    expect: "reply",
    kind: "contact",
    reply: /Marcos Souza/,
  },
  {
    name: "catalog order: closing (not won), items and total from the catalog, the next step, the shop alerted",
    fixture: "order",
    customer: phone(11),
    expect: "reply",
    kind: "order",
    reply:
      /1 × Enameled Cast Iron Dutch Oven \(5\.5 qt\): \$129\.00[\s\S]*1 × 12-inch Pre-Seasoned Cast Iron Skillet: \$49\.00[\s\S]*Total: \$178\.00 \(2 items\)[\s\S]*Next step/,
    check: (view, server) => {
      expect(view.stage).toBe("closing");
      expect(customerLines(view)[0]).toMatchObject({ kind: "order", text: "Please deliver before Friday" });
      expect(alertLines(server, "order_received").some((line) => line.includes("$178.00"))).toBe(true);
    },
  },
  {
    name: "product inquiry (referred_product): the reply is about that product",
    fixture: "product-inquiry",
    customer: phone(12),
    expect: "reply",
    kind: "product_inquiry",
    reply: /Dutch Oven/,
  },
  {
    name: "button reply: the title is the message",
    fixture: "button-reply",
    customer: phone(13),
    expect: "reply",
    kind: "interactive_reply",
  },
  {
    name: "list reply: the title is the message",
    fixture: "list-reply",
    customer: phone(14),
    expect: "reply",
    kind: "interactive_reply",
  },
  {
    name: '"Stop promotions" quick reply: an opt-out',
    fixture: "button-stop",
    customer: phone(15),
    expect: "reply",
    kind: "interactive_reply",
    reply: /unsubscribed/i,
  },
  {
    name: "click-to-WhatsApp ad referral: a first contact, the ad kept on the customer",
    fixture: "referral",
    customer: phone(16),
    expect: "reply",
    kind: "referral",
    check: (view) => {
      expect(view.stage).toBe("first_contact");
      expect(view.referral).toMatchObject({ headline: "Winter cooking sale", sourceId: "120226305854810726" });
    },
  },
  {
    name: "request_welcome: the first-contact welcome",
    fixture: "request-welcome",
    customer: phone(17),
    expect: "reply",
    kind: "system",
  },
  {
    name: "request_welcome again: no second welcome",
    fixture: "request-welcome-again",
    customer: phone(17),
    expect: "silent",
    kind: "system",
  },
  {
    name: "a sender known only by business-scoped user id: a normal customer, replies go to that id",
    fixture: "username",
    customer: USER_ID,
    expect: "reply",
    kind: "text",
    check: (view) => expect(view.phone).toBe(USER_ID),
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
    name: "the shop typing in the WhatsApp Business app (smb_message_echoes): a human takeover",
    fixture: "echo",
    customer: phone(18),
    expect: "silent",
    kind: "text",
    check: (view) => {
      expect(view.handoffUntil).not.toBeNull();
      expect(view.transcript.map((line) => line.author)).toEqual(["human"]);
    },
  },
  {
    name: "unsupported message: stored as system, no reply",
    fixture: "unknown",
    customer: phone(19),
    expect: "silent",
    kind: "system",
  },
  {
    name: "system message (number changed): stored as system, no reply",
    fixture: "system",
    customer: phone(20),
    expect: "silent",
    kind: "system",
  },
  { name: "group message: ignored", fixture: "group", customer: null, expect: "ignored" },
  { name: "account_update: ignored", fixture: "account-update", customer: null, expect: "ignored" },
];

runMessageKindContract(
  "Cloud API",
  async () => {
    const fake = await FakeCloud.start({
      accessToken: ACCESS_TOKEN,
      phoneNumberId: PHONE_NUMBER_ID,
      appSecret: APP_SECRET,
      verifyToken: VERIFY_TOKEN,
    });
    const server = await startServer({
      env: {
        GATEWAY: "cloud",
        // The contract fixtures are dated 2025: replayed now, they must not fall outside the age window.
        WEBHOOK_MAX_AGE_HOURS: "1000000",
        CLOUD_API_URL: fake.apiUrl,
        CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
        CLOUD_ACCESS_TOKEN: ACCESS_TOKEN,
        CLOUD_APP_SECRET: APP_SECRET,
        CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
        CLOSER_PACING: "off",
        CLOSER_QUIET_HOURS: "off",
        CLOSER_RANDOM_SEED: "23",
      },
    });
    fake.webhookUrl = `${server.url}/webhooks/cloud`;
    return {
      server,
      post(fixture, substitutions) {
        // A second request_welcome from the same user is the same payload with a new message id.
        const again = fixture === "request-welcome-again";
        const body = loadKindFixture("cloud", again ? "request-welcome" : fixture, {
          ...substitutions,
          ...(again ? { "0017AA==": "0017AB==" } : {}),
        });
        const seconds = String(Math.floor(Date.now() / 1000));
        const entries = body["entry"] as { changes: { value: Record<string, unknown> }[] }[];
        for (const change of entries.flatMap((entry) => entry.changes)) {
          for (const key of ["messages", "message_echoes"]) {
            for (const message of (change.value[key] as Record<string, unknown>[] | undefined) ?? []) {
              message["timestamp"] = seconds;
            }
          }
        }
        return fake.postNotification(body);
      },
      replies(customer) {
        const to = customer.replace(/^\+/, "");
        return fake.sent.filter((s) => s.to.replace(/^\+/, "") === to).map((s) => ({ id: s.wamid, text: s.body }));
      },
      close: () => fake.close(),
    };
  },
  CASES,
);
