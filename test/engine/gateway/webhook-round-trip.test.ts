/**
 * The fakes post webhooks the way the real gateways do; a receiver built only
 * from the pure webhook functions (as the routes will be) verifies and
 * normalises them. This proves the fakes and the functions agree on the wire.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CloudGateway } from "../../../src/engine/gateway/cloud-gateway.js";
import { normalizeCloudWebhook, verifyCloudChallenge } from "../../../src/engine/gateway/cloud-webhook.js";
import { GowaGateway } from "../../../src/engine/gateway/gowa-gateway.js";
import { normalizeGowaWebhook } from "../../../src/engine/gateway/gowa-webhook.js";
import { WahaGateway } from "../../../src/engine/gateway/waha-gateway.js";
import { normalizeWahaWebhook } from "../../../src/engine/gateway/waha-webhook.js";
import type { WebhookNormalization } from "../../../src/engine/gateway/webhook-normalization.js";
import {
  verifyCloudSignature,
  verifyGowaSignature,
  verifyWahaSignature,
} from "../../../src/engine/gateway/webhook-signature.js";
import type { InboundEvent } from "../../../src/engine/gateway/whatsapp-gateway.js";
import { FakeCloud } from "../../support/fake-cloud.js";
import { FakeGowa } from "../../support/fake-gowa.js";
import { FakeWaha } from "../../support/fake-waha.js";
import { signGowa } from "../../support/webhook-signing.js";

const NOW = Date.UTC(2026, 7, 22, 10, 15, 30);

type Check = (raw: Buffer, headers: IncomingHttpHeaders) => boolean;
type Normalize = (raw: Buffer) => WebhookNormalization;

/** A webhook endpoint made of a signature check and a normaliser: 401, 400 or 200. */
class Receiver {
  readonly events: InboundEvent[] = [];
  readonly ignored: string[] = [];
  #server: Server | undefined;

  constructor(
    readonly check: Check,
    readonly normalize: Normalize,
    readonly verifyToken?: string,
  ) {}

  async start(): Promise<string> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const url = new URL(req.url ?? "/", "http://127.0.0.1");
        if (req.method === "GET" && this.verifyToken !== undefined) {
          const result = verifyCloudChallenge(Object.fromEntries(url.searchParams), this.verifyToken);
          res.writeHead(result.ok ? 200 : 403);
          res.end(result.ok ? result.challenge : result.reason);
          return;
        }
        const raw = Buffer.concat(chunks);
        if (!this.check(raw, req.headers)) {
          res.writeHead(401);
          res.end("bad signature");
          return;
        }
        const result = this.normalize(raw);
        if (!result.ok) {
          res.writeHead(400);
          res.end(result.reason);
          return;
        }
        this.events.push(...result.events);
        this.ignored.push(...result.ignored);
        res.writeHead(200);
        res.end("ok");
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/webhook`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === "string" ? value : undefined;
}

describe("GOWA webhooks from the fake", () => {
  let fake: FakeGowa;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = new Receiver(
      (raw, headers) => verifyGowaSignature(raw, header(headers, "x-hub-signature-256"), "long-random-secret"),
      (raw) => normalizeGowaWebhook(raw, { now: NOW, deviceId: "org_2" }),
    );
    fake = await FakeGowa.start({
      webhookSecret: "long-random-secret",
      webhookUrl: await receiver.start(),
      now: () => NOW,
    });
  });

  afterEach(async () => {
    await fake.close();
    await receiver.stop();
  });

  it("should deliver a signed customer message, with <>& escaped as Go does", async () => {
    const delivery = await fake.postMessage({
      from: "6289876543210",
      text: "Ada <promo> & diskon?",
      id: "3EB0AAA",
      name: "Budi",
    });
    expect(delivery.status).toBe(200);
    expect(receiver.events).toEqual([
      expect.objectContaining({
        gatewayMessageId: "3EB0AAA",
        phone: "6289876543210",
        text: "Ada <promo> & diskon?",
        name: "Budi",
        sentAt: NOW,
      }),
    ]);
  });

  it("should deliver a mapped @lid and an unmapped one", async () => {
    await fake.postMessage({ from: "6289876543210", lid: "251556368777322@lid", text: "a" });
    await fake.postMessage({ from: "251556368777322@lid", text: "b" });
    expect(receiver.events.map((e) => e.kind === "message" && [e.phone, e.lid])).toEqual([
      ["6289876543210", "251556368777322@lid"],
      [null, "251556368777322@lid"],
    ]);
  });

  it("should deliver acks for a send when autoAcks is on, and a fromMe message as a handoff signal", async () => {
    const acking = await FakeGowa.start({
      webhookSecret: "long-random-secret",
      webhookUrl: fake.webhookUrl,
      autoAcks: true,
      now: () => NOW,
    });
    try {
      const { gatewayMessageId } = await new GowaGateway({ url: acking.url }).send({ to: "6289876543210", text: "hi" });
      await acking.settle();
      await acking.postMessage({ from: "6289876543210", text: "Saya ambil alih", fromMe: true });
      expect(
        receiver.events.map((e) => (e.kind === "receipt" ? [e.status, e.gatewayMessageIds] : [e.fromMe, e.origin])),
      ).toEqual([
        ["delivered", [gatewayMessageId]],
        ["read", [gatewayMessageId]],
        [true, "app"],
      ]);
    } finally {
      await acking.close();
    }
  });

  it("should be refused with 401 when signed with another secret, and 400 for a body that is not GOWA's", async () => {
    const wrong = await FakeGowa.start({ webhookSecret: "secret", webhookUrl: fake.webhookUrl });
    try {
      await expect(wrong.postMessage({ from: "6289876543210", text: "x" })).resolves.toMatchObject({ status: 401 });
    } finally {
      await wrong.close();
    }
    const body = '{"hello":"world"}';
    await expect(fake.postRaw(body, signGowa(body, "long-random-secret"))).resolves.toMatchObject({ status: 400 });
    await expect(fake.postRaw(body, undefined)).resolves.toMatchObject({ status: 401 });
    expect(receiver.events).toEqual([]);
  });
});

describe("WAHA webhooks from the fake", () => {
  let fake: FakeWaha;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = new Receiver(
      (raw, headers) =>
        verifyWahaSignature(
          raw,
          header(headers, "x-webhook-hmac"),
          "hmac-key",
          header(headers, "x-webhook-hmac-algorithm"),
        ),
      (raw) => normalizeWahaWebhook(raw, { now: NOW, session: "default" }),
    );
    fake = await FakeWaha.start({
      hmacKey: "hmac-key",
      webhookUrl: await receiver.start(),
      now: () => NOW,
      autoWebhooks: true,
    });
  });

  afterEach(async () => {
    await fake.close();
    await receiver.stop();
  });

  it("should deliver a customer message, a lid message and a person typing on the business phone", async () => {
    await fake.postMessage({ from: "11111111111", text: "Hi", name: "Ann" });
    await fake.postMessage({ from: "4639135154355@lid", text: "Oi" });
    await fake.postMessage({ from: "11111111111", text: "I'll take it from here", fromMe: true });
    expect(receiver.events).toEqual([
      expect.objectContaining({ phone: "11111111111", lid: null, text: "Hi", name: "Ann", fromMe: false }),
      expect.objectContaining({ phone: null, lid: "4639135154355@lid", text: "Oi" }),
      expect.objectContaining({ phone: "11111111111", fromMe: true, origin: "app" }),
    ]);
  });

  it("should echo our own send as origin api and ack it DEVICE then READ", async () => {
    const { gatewayMessageId } = await new WahaGateway({ url: fake.url }).send({ to: "11111111111", text: "Reply" });
    await fake.settle();
    expect(receiver.events).toEqual([
      expect.objectContaining({ kind: "message", gatewayMessageId, fromMe: true, origin: "api", text: "Reply" }),
      expect.objectContaining({ kind: "receipt", gatewayMessageIds: [gatewayMessageId], status: "delivered" }),
      expect.objectContaining({ kind: "receipt", gatewayMessageIds: [gatewayMessageId], status: "read" }),
    ]);
  });

  it("should be refused with 401 for a tampered signature", async () => {
    await expect(fake.postRaw('{"event":"message"}', "00".repeat(64))).resolves.toMatchObject({ status: 401 });
  });
});

describe("Cloud API webhooks from the fake", () => {
  let fake: FakeCloud;
  let receiver: Receiver;

  beforeEach(async () => {
    receiver = new Receiver(
      (raw, headers) => verifyCloudSignature(raw, header(headers, "x-hub-signature-256"), "app-secret"),
      (raw) => normalizeCloudWebhook(raw, { now: NOW, phoneNumberId: "106540352242922" }),
      "verify-me",
    );
    fake = await FakeCloud.start({
      appSecret: "app-secret",
      verifyToken: "verify-me",
      webhookUrl: await receiver.start(),
      now: () => NOW,
      autoStatuses: true,
    });
  });

  afterEach(async () => {
    await fake.close();
    await receiver.stop();
  });

  it("should pass the GET handshake only with the right token", async () => {
    await expect(fake.verifyWebhook()).resolves.toEqual({ status: 200, body: "1158201444" });
    await expect(fake.verifyWebhook({ token: "guess" })).resolves.toMatchObject({ status: 403 });
  });

  it("should deliver a message with non-ASCII text escaped as Meta sends it, then statuses for our reply", async () => {
    await fake.postMessage({ from: "16505551234", text: "¿Tienen café?", id: "wamid.IN" });
    const gateway = new CloudGateway({
      apiUrl: fake.apiUrl,
      phoneNumberId: "106540352242922",
      accessToken: "test-access-token",
    });
    const { gatewayMessageId } = await gateway.send({ to: "16505551234", text: "Sí", inReplyTo: "wamid.IN" });
    await fake.settle();
    expect(receiver.events.map((e) => (e.kind === "message" ? e.text : e.status))).toEqual([
      "¿Tienen café?",
      "sent",
      "delivered",
      "read",
    ]);
    expect(
      receiver.events.slice(1).every((e) => e.kind === "receipt" && e.gatewayMessageIds[0] === gatewayMessageId),
    ).toBe(true);
  });

  it("should deliver a failed status with its reason", async () => {
    await fake.postStatus(["wamid.OUT"], "failed");
    expect(receiver.events).toEqual([
      expect.objectContaining({ status: "failed", reason: expect.stringContaining("130472") }),
    ]);
  });
});
