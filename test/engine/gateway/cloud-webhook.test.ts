import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeCloudWebhook, verifyCloudChallenge } from "../../../src/engine/gateway/cloud-webhook.js";
import type { WebhookNormalization } from "../../../src/engine/gateway/webhook-normalization.js";
import type { InboundEvent } from "../../../src/engine/gateway/whatsapp-gateway.js";
import { CONTRACTS_DIR, loadContractExample, readContractExample } from "../../support/webhook-signing.js";

const NOW = 1_749_420_000_000;
const WAMID_IN = "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=";
const WAMID_OUT = "wamid.HBgLMTY1MDU1NTEyMzQVAgARGBIzRjdEMUU5QTU1QjYwQjc3QjQA";

type Value = Record<string, unknown> & { messages?: Record<string, unknown>[]; statuses?: Record<string, unknown>[] };
type Notification = { entry: { changes: { field: string; value: Value }[] }[] } & Record<string, unknown>;

function example(file: string): Notification {
  return loadContractExample<Notification>("cloud", file);
}

function changeValue(notification: Notification): Value {
  return notification.entry[0]!.changes[0]!.value;
}

function normalize(body: unknown, phoneNumberId?: string): WebhookNormalization {
  return normalizeCloudWebhook(JSON.stringify(body), { now: NOW, phoneNumberId });
}

function normalizeOk(body: unknown): InboundEvent[] {
  const result = normalize(body);
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result.events;
}

const EXPECTED: Record<string, InboundEvent[]> = {
  "inbound-text.json": [
    {
      kind: "message",
      gateway: "cloud",
      gatewayMessageId: WAMID_IN,
      phone: "16505551234",
      lid: null,
      name: "Sheena Nelson",
      text: "Does it come in another color?",
      content: { kind: "text" },
      referral: null,
      fromMe: false,
      origin: "app",
      sentAt: 1_749_416_383_000,
    },
  ],
  "status-delivered.json": [
    {
      kind: "receipt",
      gateway: "cloud",
      gatewayMessageIds: [WAMID_OUT],
      status: "delivered",
      reason: null,
      at: 1_749_416_390_000,
    },
  ],
  "status-failed.json": [
    {
      kind: "receipt",
      gateway: "cloud",
      gatewayMessageIds: [WAMID_OUT],
      status: "failed",
      reason: "130472 User's number is part of an experiment",
      at: 1_749_416_391_000,
    },
  ],
};

describe("normalizeCloudWebhook", () => {
  it("should have an expectation for every Cloud API example in the contracts", () => {
    expect(readdirSync(`${CONTRACTS_DIR}cloud/webhook-examples`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("should normalise %s as the contract describes", (file, events) => {
    const result = normalizeCloudWebhook(readContractExample("cloud", file), {
      now: NOW,
      phoneNumberId: "106540352242922",
    });
    expect(result).toEqual({ ok: true, events, ignored: [] });
  });

  it("should walk every entry, change and message of a batch", () => {
    const body = example("inbound-text.json");
    const value = changeValue(body);
    const first = value.messages![0]!;
    value.messages = [first, { ...first, id: "wamid.second", text: { body: "And in blue?" } }];
    body.entry.push(example("status-delivered.json").entry[0]!);
    const events = normalizeOk(body);
    expect(events.map((event) => event.kind)).toEqual(["message", "message", "receipt"]);
    expect(events[1]).toMatchObject({ gatewayMessageId: "wamid.second", text: "And in blue?", phone: "16505551234" });
  });

  it.each([
    ["sent", "sent"],
    ["read", "read"],
    ["played", "read"],
  ])("should map status %s to %s", (status, expected) => {
    const body = example("status-delivered.json");
    changeValue(body).statuses![0]!["status"] = status;
    expect(normalizeOk(body)[0]).toMatchObject({ status: expected });
  });

  it("should take a media caption as the text, and an empty text without one", () => {
    const body = example("inbound-text.json");
    const message = changeValue(body).messages![0]!;
    delete message["text"];
    message["type"] = "image";
    message["image"] = { id: "1", mime_type: "image/jpeg", caption: "this one?" };
    expect(normalizeOk(body)[0]).toMatchObject({ text: "this one?" });
    message["image"] = { id: "1", mime_type: "image/jpeg" };
    expect(normalizeOk(body)[0]).toMatchObject({ text: "" });
  });

  it("should keep the business-scoped user id as the identity when the phone is withheld", () => {
    const body = example("inbound-text.json");
    const value = changeValue(body);
    value["contacts"] = [{ profile: { name: "Sheena", username: "@sheena.n" }, user_id: "US.13491208655302741918" }];
    delete value.messages![0]!["from"];
    value.messages![0]!["from_user_id"] = "US.13491208655302741918";
    expect(normalizeOk(body)[0]).toMatchObject({
      phone: null,
      lid: "US.13491208655302741918",
      name: "Sheena",
      username: "@sheena.n",
    });
  });

  it("should keep a reaction as a reaction and ignore group messages and other fields with a reason", () => {
    const body = example("inbound-text.json");
    const first = changeValue(body).messages![0]!;
    changeValue(body).messages = [
      { ...first, type: "reaction", reaction: { message_id: WAMID_OUT, emoji: "👍" } },
      { ...first, id: "wamid.group", group_id: "120363" },
    ];
    body.entry[0]!.changes.push({ field: "account_update", value: {} });
    const result = normalize(body);
    expect(result).toEqual({
      ok: true,
      events: [expect.objectContaining({ content: { kind: "reaction", targetId: WAMID_OUT, emoji: "👍" }, text: "" })],
      ignored: [expect.stringContaining("group"), expect.stringContaining("account_update")],
    });
  });

  it("should ignore changes for another phone number of the same app", () => {
    const result = normalize(example("inbound-text.json"), "999");
    expect(result).toEqual({ ok: true, events: [], ignored: ["change for phone number id 106540352242922"] });
  });

  it.each([
    ["a body that is not JSON", "nope"],
    ["another object type", JSON.stringify({ object: "page", entry: [] })],
    ["a notification without entry", JSON.stringify({ object: "whatsapp_business_account" })],
    [
      "a message without id",
      JSON.stringify(
        (() => {
          const b = example("inbound-text.json");
          delete changeValue(b).messages![0]!["id"];
          return b;
        })(),
      ),
    ],
    [
      "a message with a non-numeric timestamp",
      JSON.stringify(
        (() => {
          const b = example("inbound-text.json");
          changeValue(b).messages![0]!["timestamp"] = "soon";
          return b;
        })(),
      ),
    ],
  ])("should refuse %s with a reason", (_name, body) => {
    expect(normalizeCloudWebhook(body, { now: NOW })).toEqual({ ok: false, reason: expect.any(String) });
  });
});

describe("verifyCloudChallenge", () => {
  const query = { "hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "my-verify-token" };

  it("should echo the challenge when the mode is subscribe and the token matches", () => {
    expect(verifyCloudChallenge(query, "my-verify-token")).toEqual({ ok: true, challenge: "1158201444" });
  });

  it.each([
    ["a wrong token", { ...query, "hub.verify_token": "guess" }],
    ["a token that is a prefix of ours", { ...query, "hub.verify_token": "my-verify" }],
    ["a repeated token parameter", { ...query, "hub.verify_token": ["my-verify-token", "x"] }],
    ["another mode", { ...query, "hub.mode": "unsubscribe" }],
    ["no challenge", { "hub.mode": "subscribe", "hub.verify_token": "my-verify-token" }],
    ["an empty query", {}],
  ])("should refuse %s", (_name, given) => {
    expect(verifyCloudChallenge(given, "my-verify-token")).toEqual({ ok: false, reason: expect.any(String) });
  });
});
