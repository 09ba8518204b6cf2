import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { normalizeWahaWebhook } from "../../../src/engine/gateway/waha-webhook.js";
import type { WebhookNormalization } from "../../../src/engine/gateway/webhook-normalization.js";
import type { InboundEvent } from "../../../src/engine/gateway/whatsapp-gateway.js";
import { CONTRACTS_DIR, loadContractExample, readContractExample } from "../../support/webhook-signing.js";

const NOW = 1_784_724_500_000;

type Envelope = { payload: Record<string, unknown> } & Record<string, unknown>;

function example(file: string): Envelope {
  return loadContractExample<Envelope>("waha", file);
}

function withPayload(file: string, changes: Record<string, unknown>): Envelope {
  const envelope = example(file);
  return { ...envelope, payload: { ...envelope.payload, ...changes } };
}

function normalize(body: unknown, session?: string): WebhookNormalization {
  return normalizeWahaWebhook(JSON.stringify(body), { now: NOW, session });
}

function normalizeOk(body: unknown): InboundEvent[] {
  const result = normalize(body);
  if (!result.ok) throw new Error(`expected ok, got: ${result.reason}`);
  return result.events;
}

const EXPECTED: Record<string, InboundEvent[]> = {
  "message.json": [
    {
      kind: "message",
      gateway: "waha",
      gatewayMessageId: "false_11111111111@c.us_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
      phone: "11111111111",
      lid: null,
      name: "MyName",
      text: "Hi there!",
      content: { kind: "text" },
      referral: null,
      fromMe: false,
      origin: "app",
      sentAt: 1_784_724_406_000,
    },
  ],
  "message-from-lid.json": [
    {
      kind: "message",
      gateway: "waha",
      gatewayMessageId: "false_4639135154355@lid_297A4A9CC7BD7B111D49B72C8832D6D3",
      phone: null,
      lid: "4639135154355@lid",
      name: "rochafabiano31",
      text: "Tudo indo. Sim",
      content: { kind: "text" },
      referral: null,
      fromMe: false,
      origin: "app",
      sentAt: 1_784_724_406_000,
    },
  ],
  "message-any-sent-via-api.json": [
    {
      kind: "message",
      gateway: "waha",
      gatewayMessageId: "true_11111111111@c.us_BBBBBBBBBBBBBBBBBBBB",
      phone: "11111111111",
      lid: null,
      name: null,
      text: "Reply text",
      content: { kind: "text" },
      referral: null,
      fromMe: true,
      origin: "api",
      sentAt: 1_784_724_409_000,
    },
  ],
  "message-ack.json": [
    {
      kind: "receipt",
      gateway: "waha",
      gatewayMessageIds: ["true_11111111111@c.us_4CC5EDD64BC22EBA6D639F2AF571346C"],
      status: "read",
      reason: null,
      at: 1_784_724_411_555,
    },
  ],
  "session-status.json": [],
};

describe("normalizeWahaWebhook", () => {
  it("should have an expectation for every WAHA example in the contracts", () => {
    expect(readdirSync(`${CONTRACTS_DIR}waha/webhook-examples`).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))("should normalise %s as the contract describes", (file, events) => {
    const result = normalizeWahaWebhook(readContractExample("waha", file), { now: NOW, session: "default" });
    expect(result).toEqual({ ok: true, events, ignored: events.length === 0 ? [expect.any(String)] : [] });
  });

  it("should tell a person typing on the business phone (source app) from Closer's own send (source api)", () => {
    const [typed] = normalizeOk(withPayload("message-any-sent-via-api.json", { source: "app" }));
    const [echo] = normalizeOk(example("message-any-sent-via-api.json"));
    expect(typed).toMatchObject({ fromMe: true, origin: "app" });
    expect(echo).toMatchObject({ fromMe: true, origin: "api" });
  });

  it("should mark a fromMe message without source as of unknown origin", () => {
    const body = example("message-any-sent-via-api.json");
    delete body.payload["source"];
    expect(normalizeOk(body)[0]).toMatchObject({ origin: "unknown" });
  });

  it("should identify a fromMe message by its `to`, the customer's chat", () => {
    expect(normalizeOk(example("message-any-sent-via-api.json"))[0]).toMatchObject({ phone: "11111111111" });
  });

  it("should pass a customer's message seen through message.any as well (deduplicated later by id)", () => {
    const body = { ...example("message.json"), event: "message.any" };
    expect(normalizeOk(body)[0]).toMatchObject({
      gatewayMessageId: "false_11111111111@c.us_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    });
  });

  it("should use a phone that the engine's raw data maps to the lid, keeping the lid", () => {
    const body = example("message-from-lid.json");
    const data = body.payload["_data"] as { key: Record<string, unknown> };
    data.key["remoteJidAlt"] = "5511987654321@s.whatsapp.net";
    expect(normalizeOk(body)[0]).toMatchObject({ phone: "5511987654321", lid: "4639135154355@lid" });
  });

  it.each([
    ["a group", "120363025246125888@g.us"],
    ["a status update", "status@broadcast"],
    ["a newsletter", "120363025246125999@newsletter"],
  ])("should ignore a message in %s", (_name, chat) => {
    const result = normalize(withPayload("message.json", { from: chat, participant: "11111111111@c.us" }));
    expect(result).toEqual({ ok: true, events: [], ignored: [expect.any(String)] });
  });

  it.each([
    ["ERROR", -1, "failed"],
    ["SERVER", 1, "sent"],
    ["DEVICE", 2, "delivered"],
    ["READ", 3, "read"],
    ["PLAYED", 4, "read"],
  ])("should map ack %s (%i) to %s", (ackName, ack, status) => {
    const [event] = normalizeOk(withPayload("message-ack.json", { ackName, ack }));
    expect(event).toMatchObject({ kind: "receipt", status });
  });

  it("should fall back to the ack number when ackName is missing", () => {
    const body = withPayload("message-ack.json", { ack: 2 });
    delete body.payload["ackName"];
    expect(normalizeOk(body)[0]).toMatchObject({ status: "delivered" });
  });

  it("should give a failed ack a reason", () => {
    expect(normalizeOk(withPayload("message-ack.json", { ackName: "ERROR", ack: -1 }))[0]).toMatchObject({
      status: "failed",
      reason: expect.stringContaining("ERROR"),
    });
  });

  it("should ignore PENDING acks and acks of messages we did not send", () => {
    expect(normalize(withPayload("message-ack.json", { ackName: "PENDING", ack: 0 }))).toMatchObject({
      ok: true,
      events: [],
    });
    expect(normalize(withPayload("message-ack.json", { fromMe: false }))).toMatchObject({ ok: true, events: [] });
  });

  it("should accept the pre-2025.3 envelope without id and timestamp, stamping receipts with now", () => {
    const body = example("message-ack.json");
    delete body["id"];
    delete body["timestamp"];
    expect(normalizeOk(body)[0]).toMatchObject({ kind: "receipt", at: NOW });
  });

  it.each(["presence.update", "message.ack.group", "session.status"])(
    "should ignore a %s event with a reason",
    (event) => {
      expect(normalize({ ...example("message.json"), event })).toEqual({
        ok: true,
        events: [],
        ignored: [`${event}: event not handled`],
      });
    },
  );

  it("should ignore events of another session", () => {
    expect(normalize(example("message.json"), "sales")).toEqual({
      ok: true,
      events: [],
      ignored: ["message: for session default"],
    });
  });

  it.each([
    ["a body that is not JSON", "<xml/>"],
    ["an envelope without session", JSON.stringify({ event: "message", payload: {} })],
    ["a message whose timestamp is a string", JSON.stringify(withPayload("message.json", { timestamp: "1784724406" }))],
    ["a message without fromMe", JSON.stringify(withPayload("message.json", { fromMe: undefined }))],
    ["a fromMe message without to", JSON.stringify(withPayload("message-any-sent-via-api.json", { to: null }))],
    [
      "an ack without ackName or ack",
      JSON.stringify(withPayload("message-ack.json", { ack: undefined, ackName: undefined })),
    ],
  ])("should refuse %s with a reason", (_name, body) => {
    const result = normalizeWahaWebhook(body, { now: NOW });
    expect(result).toEqual({ ok: false, reason: expect.any(String) });
  });
});
