import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GatewayError } from "../../../src/engine/gateway/gateway-error.js";
import { GowaGateway } from "../../../src/engine/gateway/gowa-gateway.js";
import { FakeGowa } from "../../support/fake-gowa.js";
import { LoopbackServer } from "../../support/loopback-server.js";
import { CONTRACTS_DIR } from "../../support/webhook-signing.js";
import { closedPort } from "./closed-port.js";
import { runGatewayContract } from "./gateway-contract.js";

const AUTH = "closer:s3cret-pass";
const CUSTOMER = "6289876543210";

runGatewayContract("GowaGateway", async () => {
  const fake = await FakeGowa.start({ basicAuth: AUTH });
  return {
    gateway: new GowaGateway({ url: fake.url, basicAuth: AUTH, deviceId: "org_2" }),
    chat: CUSTOMER,
    inboundId: "3EB0C127D7BACC83D6A1",
    receivedTexts: () => fake.sent.map((sent) => sent.message),
    close: () => fake.close(),
  };
});

describe("GowaGateway", () => {
  let fake: FakeGowa;
  let gateway: GowaGateway;

  beforeEach(async () => {
    fake = await FakeGowa.start({ basicAuth: AUTH, devices: ["org_1", "org_2"] });
    gateway = new GowaGateway({ url: fake.url, basicAuth: AUTH, deviceId: "org_2" });
  });

  afterEach(async () => {
    await fake.close();
  });

  it("should POST /send/message with Basic auth, X-Device-Id and the phone as a JID, and return GOWA's message_id", async () => {
    const result = await gateway.send({ to: CUSTOMER, text: "Halo!" });
    const request = fake.requests.at(-1)!;
    expect(request.method).toBe("POST");
    expect(request.path).toBe("/send/message");
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(AUTH).toString("base64")}`);
    expect(request.headers["x-device-id"]).toBe("org_2");
    expect(request.body).toEqual({ phone: `${CUSTOMER}@s.whatsapp.net`, message: "Halo!" });
    expect(result.gatewayMessageId).toBe(fake.sent[0]!.messageId);
    expect(fake.sent[0]).toMatchObject({ deviceId: "org_2", replyMessageId: null });
  });

  it("should quote the inbound message with reply_message_id", async () => {
    await gateway.send({ to: CUSTOMER, text: "Ya, buka", inReplyTo: "3EB0C127D7BACC83D6A1" });
    expect(fake.requests.at(-1)!.body).toMatchObject({ reply_message_id: "3EB0C127D7BACC83D6A1" });
  });

  it.each([
    ["a leading +", `+${CUSTOMER}`, `${CUSTOMER}@s.whatsapp.net`],
    ["an @lid identity", "251556368777322@lid", "251556368777322@lid"],
    ["a phone JID", `${CUSTOMER}@s.whatsapp.net`, `${CUSTOMER}@s.whatsapp.net`],
  ])("should address %s as GOWA expects", async (_name, to, phone) => {
    await gateway.send({ to, text: "x" });
    expect(fake.sent[0]!.phone).toBe(phone);
  });

  it("should mark read with POST /message/{id}/read and {phone}", async () => {
    await gateway.markRead(CUSTOMER, "3EB0C127D7BACC83D6A1");
    const request = fake.requests.at(-1)!;
    expect(request.path).toBe("/message/3EB0C127D7BACC83D6A1/read");
    expect(request.body).toEqual({ phone: `${CUSTOMER}@s.whatsapp.net` });
    expect(request.headers["x-device-id"]).toBe("org_2");
  });

  it("should start and stop typing with POST /send/chat-presence", async () => {
    await gateway.setTyping(CUSTOMER, true);
    await gateway.setTyping(CUSTOMER, false);
    expect(fake.requests.map((r) => [r.path, r.body])).toEqual([
      ["/send/chat-presence", { phone: `${CUSTOMER}@s.whatsapp.net`, action: "start" }],
      ["/send/chat-presence", { phone: `${CUSTOMER}@s.whatsapp.net`, action: "stop" }],
    ]);
  });

  it("should throw a retryable gateway_unreachable on a 500, keeping GOWA's code", async () => {
    fake.failNext(1, 500, { code: "INTERNAL_SERVER_ERROR", message: "database is locked" });
    const error = await gateway.send({ to: CUSTOMER, text: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error).toMatchObject({
      code: "gateway_unreachable",
      retryable: true,
      httpStatus: 500,
      gatewayCode: "INTERNAL_SERVER_ERROR",
    });
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).resolves.toMatchObject({
      gatewayMessageId: expect.any(String),
    });
  });

  it("should throw gateway_rate_limited with longPause on 429 WA_REACHOUT_TIMELOCK", async () => {
    fake.rateLimitNext();
    const error = await gateway.send({ to: CUSTOMER, text: "x" }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "gateway_rate_limited",
      retryable: true,
      longPause: true,
      httpStatus: 429,
      gatewayCode: "WA_REACHOUT_TIMELOCK",
    });
    expect(fake.sent).toHaveLength(0);
  });

  it("should throw gateway_rate_limited without longPause on another 429", async () => {
    fake.failNext(1, 429, { code: "TOO_MANY_REQUESTS", message: "slow down" });
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_rate_limited",
      longPause: false,
    });
  });

  it("should throw a permanent gateway_rejected for a number not on WhatsApp, with the phone masked", async () => {
    fake.notOnWhatsApp(CUSTOMER);
    const error = (await gateway.send({ to: CUSTOMER, text: "x" }).catch((e: unknown) => e)) as GatewayError;
    expect(error).toMatchObject({
      code: "gateway_rejected",
      retryable: false,
      httpStatus: 400,
      gatewayCode: "INVALID_JID",
    });
    expect(error.gatewayMessage).toContain("3210@s.whatsapp.net");
    expect(error.gatewayMessage).not.toContain(CUSTOMER);
    expect(JSON.stringify(error.details)).not.toContain(CUSTOMER);
  });

  it("should flag wrong Basic auth as an auth problem that is not retried", async () => {
    const wrong = new GowaGateway({ url: fake.url, basicAuth: "closer:wrong", deviceId: "org_2" });
    await expect(wrong.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_rejected",
      retryable: false,
      authProblem: true,
      httpStatus: 401,
    });
  });

  it("should flag a logged-out device (401 AUTHENTICATION_ERROR) as an auth problem", async () => {
    fake.setConnected(true, false);
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      authProblem: true,
      gatewayCode: "AUTHENTICATION_ERROR",
    });
  });

  it("should be refused with DEVICE_ID_REQUIRED when two devices exist and no device id is configured", async () => {
    const noDevice = new GowaGateway({ url: fake.url, basicAuth: AUTH });
    await expect(noDevice.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_rejected",
      gatewayCode: "DEVICE_ID_REQUIRED",
    });
  });

  it("should throw gateway_unreachable ECONNREFUSED when nothing listens on the port", async () => {
    const refused = new GowaGateway({ url: `http://127.0.0.1:${await closedPort()}`, basicAuth: AUTH });
    await expect(refused.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_unreachable",
      retryable: true,
      httpStatus: null,
      gatewayCode: "ECONNREFUSED",
    });
  });

  it("should throw gateway_unreachable while GOWA is down, and work again once it is back on the same port", async () => {
    await gateway.send({ to: CUSTOMER, text: "before" });
    await fake.down();
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_unreachable",
      retryable: true,
      httpStatus: null,
    });
    await fake.up();
    await expect(gateway.send({ to: CUSTOMER, text: "after" })).resolves.toMatchObject({
      gatewayMessageId: expect.any(String),
    });
    expect(fake.sent.map((sent) => sent.message)).toEqual(["before", "after"]);
  });

  it("should not retry a 200 that carries no message_id, since GOWA may have sent it", async () => {
    fake.failNext(1, 200, { code: "SUCCESS", message: "ok" });
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_rejected",
      gatewayCode: "UNEXPECTED_ANSWER",
    });
  });

  it("should report health from /app/status: connected, logged out, disconnected, unreachable", async () => {
    await expect(gateway.health()).resolves.toEqual({ connected: true, detail: "connected" });
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: "/app/status" });
    fake.setConnected(true, false);
    await expect(gateway.health()).resolves.toEqual({ connected: false, detail: "logged out" });
    fake.setConnected(false);
    await expect(gateway.health()).resolves.toEqual({ connected: false, detail: "disconnected from WhatsApp" });
    await fake.down();
    await expect(gateway.health()).resolves.toEqual({
      connected: false,
      detail: expect.stringMatching(/^unreachable: /),
    });
  });

  it("should read back our own sends in a chat since a time from GET /chat/{chat_jid}/messages", async () => {
    let now = Date.parse("2026-12-03T07:00:00.400Z");
    const timed = await FakeGowa.start({ basicAuth: AUTH, now: () => now });
    try {
      const history = new GowaGateway({ url: timed.url, basicAuth: AUTH, deviceId: "org_2" });
      await history.send({ to: CUSTOMER, text: "before" });
      now += 5_000;
      const since = now;
      const sent = await history.send({ to: CUSTOMER, text: "Yes, in stock." });
      await history.send({ to: "6281111111111", text: "another chat" });
      const entries = await history.sentSince(CUSTOMER, since);
      expect(entries).toEqual([
        { gatewayMessageId: sent.gatewayMessageId, text: "Yes, in stock.", at: Math.floor(since / 1000) * 1000 },
      ]);
      expect(timed.requests.at(-1)).toMatchObject({
        method: "GET",
        path: `/chat/${CUSTOMER}%40s.whatsapp.net/messages`,
      });
      expect(timed.requests.at(-1)!.headers["x-device-id"]).toBe("org_2");
    } finally {
      await timed.close();
    }
  });

  it("should keep only our messages from the contract's example history answer", async () => {
    const body = readFileSync(`${CONTRACTS_DIR}gowa/history/chat-messages.json`);
    const server = new LoopbackServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(body);
    });
    await server.up();
    try {
      const history = new GowaGateway({ url: `http://127.0.0.1:${server.port}` });
      await expect(history.sentSince("6289685028129", 0)).resolves.toEqual([
        {
          gatewayMessageId: "3EB0B430B6F8F1D0E053AC120E0A9E5C",
          text: "Yes, the cast-iron skillet is in stock: 45.00, shipped in 2 days.",
          at: Date.parse("2026-08-22T10:30:05Z"),
        },
      ]);
    } finally {
      await server.down();
    }
  });
});
