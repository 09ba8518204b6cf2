import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeGowaWebhook } from "../../../src/engine/gateway/gowa-webhook.js";
import type { WebhookNormalization } from "../../../src/engine/gateway/webhook-normalization.js";
import type { InboundEvent } from "../../../src/engine/gateway/whatsapp-gateway.js";
import {
  CONTRACTS_DIR,
  goJsonMarshal,
  loadContractExample,
  readContractExample,
} from "../../support/webhook-signing.js";

const NOW = Date.UTC(2026, 7, 22, 12, 0, 0);

type Envelope = { payload: Record<string, unknown> } & Record<string, unknown>;

function normalize(body: unknown, options: { deviceId?: string } = {}): WebhookNormalization {
  return normalizeGowaWebhook(goJsonMarshal(body), { now: NOW, ...options });
}

function example(file: string): Envelope {
  return loadContractExample<Envelope>("gowa", file);
}

function withPayload(file: string, changes: Record<string, unknown>): Envelope {
  const envelope = example(file);
  return { ...envelope, payload: { ...envelope.payload, ...changes } };
}

const EXPECTED: Record<string, { events: InboundEvent[]; ignored: number }> = {
  "message-text.json": {
    events: [
      {
        kind: "message",
        gateway: "gowa",
        gatewayMessageId: "3EB0C127D7BACC83D6A1",
        phone: "6289876543210",
        lid: null,
        name: "Budi",
        text: "Halo, apakah toko buka hari ini?",
        content: { kind: "text" },
        referral: null,
        fromMe: false,
        origin: "app",
        sentAt: Date.UTC(2026, 7, 22, 10, 15, 30),
      },
    ],
    ignored: 0,
  },
  "message-ack-delivered.json": {
    events: [
      {
        kind: "receipt",
        gateway: "gowa",
        gatewayMessageIds: ["3EB0A1B2C3D4E5F6071829"],
        status: "delivered",
        reason: null,
        at: Date.UTC(2026, 7, 22, 10, 16, 2),
      },
    ],
    ignored: 0,
  },
  "message-ack-read.json": {
    events: [
      {
        kind: "receipt",
        gateway: "gowa",
        gatewayMessageIds: ["3EB0A1B2C3D4E5F6071829"],
        status: "read",
        reason: null,
        at: Date.UTC(2026, 7, 22, 10, 17, 45),
      },
    ],
    ignored: 0,
  },
  "message-text-group-lid-reply.json": { events: [], ignored: 1 },
  "chat-presence-composing.json": { events: [], ignored: 1 },
};

describe("normalizeGowaWebhook", () => {
  it("should have an expectation for every GOWA example in the contracts", () => {
    expect(readdirSync(`${CONTRACTS_DIR}gowa/webhook-examples`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("should normalise %s as the contract describes", (file, expected) => {
    const result = normalizeGowaWebhook(goJsonMarshal(example(file)), { now: NOW });
    expect(result).toEqual({ ok: true, events: expected.events, ignored: expect.any(Array) });
    if (result.ok) expect(result.ignored).toHaveLength(expected.ignored);
  });

  it("should read the pretty-printed example file as well as the compact wire form", () => {
    const result = normalizeGowaWebhook(readContractExample("gowa", "message-text.json"), { now: NOW });
    expect(result.ok && result.events[0]?.kind).toBe("message");
  });

  it("should say why a group message is ignored", () => {
    const result = normalize(example("message-text-group-lid-reply.json"));
    expect(result).toEqual({ ok: true, events: [], ignored: [expect.stringContaining("group chat")] });
  });

  it.each([
    ["a status update", "status@broadcast"],
    ["a broadcast list", "1234567890@broadcast"],
    ["a newsletter", "120363025246125999@newsletter"],
  ])("should ignore %s", (_name, chat) => {
    const result = normalize(withPayload("message-text.json", { chat_id: chat, from: chat }));
    expect(result.ok && result.events).toEqual([]);
    expect(result.ok && result.ignored).toHaveLength(1);
  });

  it.each(["call.offer", "group.participants"])("should ignore a %s event with a reason", (event) => {
    const result = normalize({ ...example("message-text.json"), event });
    expect(result).toEqual({ ok: true, events: [], ignored: [`${event}: event not handled`] });
  });

  it("should use the phone and keep the lid when GOWA maps the sender's @lid", () => {
    const body = withPayload("message-text.json", {
      chat_id: "6289876543210@s.whatsapp.net",
      chat_lid: "251556368777322@lid",
      from: "6289876543210@s.whatsapp.net",
      from_lid: "251556368777322@lid",
    });
    const [event] = normalizeOk(body);
    expect(event).toMatchObject({ phone: "6289876543210", lid: "251556368777322@lid" });
  });

  it("should keep the lid as the only identity when GOWA cannot map it", () => {
    const body = withPayload("message-text.json", { chat_id: "251556368777322@lid", from: "251556368777322@lid" });
    const [event] = normalizeOk(body);
    expect(event).toMatchObject({ phone: null, lid: "251556368777322@lid" });
  });

  it("should pass a message typed on the business phone as fromMe, identified by the chat, without a name", () => {
    const body = withPayload("message-text.json", {
      is_from_me: true,
      from: "6281234567890@s.whatsapp.net",
      from_lid: "999999999999@lid",
      body: "Saya bantu ya",
    });
    const [event] = normalizeOk(body);
    expect(event).toMatchObject({ fromMe: true, origin: "app", phone: "6289876543210", lid: null, name: null });
  });

  it("should drop a device suffix from a phone JID", () => {
    const [event] = normalizeOk(withPayload("message-text.json", { chat_id: "6289876543210:12@s.whatsapp.net" }));
    expect(event).toMatchObject({ phone: "6289876543210" });
  });

  it("should give a media message without caption an empty text", () => {
    const body = example("message-text.json");
    delete body.payload["body"];
    body.payload["image"] = { url: "https://mmg.whatsapp.net/x", caption: "" };
    expect(normalizeOk(body)[0]).toMatchObject({ kind: "message", text: "" });
  });

  it("should ignore read-self receipts (our own other device read the chat)", () => {
    const result = normalize(withPayload("message-ack-read.json", { receipt_type: "read-self" }));
    expect(result).toEqual({ ok: true, events: [], ignored: [expect.stringContaining("read-self")] });
  });

  it("should stamp a receipt without a timestamp with now", () => {
    const body = example("message-ack-read.json");
    delete body["timestamp"];
    expect(normalizeOk(body)[0]).toMatchObject({ kind: "receipt", at: NOW });
  });

  it("should ignore events of another device slot sharing the webhook URL", () => {
    expect(normalizeOk(example("message-text.json"), { deviceId: "org_2" })).toHaveLength(1);
    const result = normalize(example("message-text.json"), { deviceId: "org_9" });
    expect(result).toEqual({ ok: true, events: [], ignored: ["message: for another device"] });
  });

  it.each([
    ["an empty body", ""],
    ["a body that is not JSON", "{not json"],
    ["a JSON array", "[]"],
    ["an envelope without event", JSON.stringify({ payload: {} })],
    ["an envelope without payload", JSON.stringify({ event: "message" })],
    ["a message without id", goJsonMarshal(withPayload("message-text.json", { id: undefined }))],
    ["a message whose is_from_me is a string", goJsonMarshal(withPayload("message-text.json", { is_from_me: "no" }))],
    [
      "a message with an unreadable timestamp",
      goJsonMarshal(withPayload("message-text.json", { timestamp: "yesterday" })),
    ],
    ["an ack without ids", goJsonMarshal(withPayload("message-ack-read.json", { ids: [] }))],
  ])("should refuse %s with a reason", (_name, body) => {
    const result = normalizeGowaWebhook(body, { now: NOW });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeGreaterThan(5);
  });

  it("should name the bad field in the reason", () => {
    const result = normalizeGowaWebhook(goJsonMarshal(withPayload("message-text.json", { chat_id: 42 })), { now: NOW });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("payload.chat_id") });
  });
});

function normalizeOk(body: unknown, options: { deviceId?: string } = {}): InboundEvent[] {
  const result = normalize(body, options);
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result.events;
}
