import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GatewayError } from "../../../src/engine/gateway/gateway-error.js";
import { WahaGateway } from "../../../src/engine/gateway/waha-gateway.js";
import { exceptionBody, FakeWaha } from "../../support/fake-waha.js";
import { LoopbackServer } from "../../support/loopback-server.js";
import { CONTRACTS_DIR } from "../../support/webhook-signing.js";
import { closedPort } from "./closed-port.js";
import { runGatewayContract } from "./gateway-contract.js";

const KEY = "waha-test-key";
const CUSTOMER = "11111111111";

runGatewayContract("WahaGateway", async () => {
  const fake = await FakeWaha.start({ apiKey: KEY });
  return {
    gateway: new WahaGateway({ url: fake.url, apiKey: KEY, session: "default" }),
    chat: CUSTOMER,
    inboundId: "false_11111111111@c.us_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    receivedTexts: () => fake.sent.map((sent) => sent.text),
    close: () => fake.close(),
  };
});

describe("WahaGateway", () => {
  let fake: FakeWaha;
  let gateway: WahaGateway;

  beforeEach(async () => {
    fake = await FakeWaha.start({ apiKey: KEY, session: "shop" });
    gateway = new WahaGateway({ url: fake.url, apiKey: KEY, session: "shop" });
  });

  afterEach(async () => {
    await fake.close();
  });

  it("should POST /api/sendText with X-Api-Key, the session and a @c.us chatId, and return WAHA's id", async () => {
    const result = await gateway.send({ to: CUSTOMER, text: "Hi!" });
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", path: "/api/sendText" });
    expect(request.headers["x-api-key"]).toBe(KEY);
    expect(request.body).toEqual({ session: "shop", chatId: `${CUSTOMER}@c.us`, text: "Hi!", linkPreview: false });
    expect(result.gatewayMessageId).toBe(fake.sent[0]!.id);
    expect(result.gatewayMessageId).toMatch(/^true_11111111111@c\.us_/);
  });

  it("should quote the inbound message with reply_to", async () => {
    const inbound = "false_11111111111@c.us_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    await gateway.send({ to: CUSTOMER, text: "Sure", inReplyTo: inbound });
    expect(fake.sent[0]!.replyTo).toBe(inbound);
  });

  it.each([
    ["a phone JID, which WAHA must never be sent", `${CUSTOMER}@s.whatsapp.net`, `${CUSTOMER}@c.us`],
    ["an @lid identity", "4639135154355@lid", "4639135154355@lid"],
    ["a leading +", `+${CUSTOMER}`, `${CUSTOMER}@c.us`],
  ])("should address %s as WAHA expects", async (_name, to, chatId) => {
    await gateway.send({ to, text: "x" });
    expect(fake.sent[0]!.chatId).toBe(chatId);
  });

  it("should mark read with POST /api/sendSeen and the message id", async () => {
    await gateway.markRead(CUSTOMER, "false_11111111111@c.us_AAAA");
    expect(fake.requests.at(-1)).toMatchObject({
      path: "/api/sendSeen",
      body: { session: "shop", chatId: `${CUSTOMER}@c.us`, messageIds: ["false_11111111111@c.us_AAAA"] },
    });
  });

  it("should type with /api/startTyping and /api/stopTyping", async () => {
    await gateway.setTyping(CUSTOMER, true);
    await gateway.setTyping(CUSTOMER, false);
    expect(fake.requests.map((r) => [r.path, r.body])).toEqual([
      ["/api/startTyping", { session: "shop", chatId: `${CUSTOMER}@c.us` }],
      ["/api/stopTyping", { session: "shop", chatId: `${CUSTOMER}@c.us` }],
    ]);
  });

  it("should throw a retryable gateway_unreachable on a 500 without copying the echoed request body", async () => {
    const dump = exceptionBody("Evaluation failed", "/api/sendText") as { request: { body: unknown } };
    dump.request.body = { chatId: `${CUSTOMER}@c.us`, text: "secret customer text" };
    fake.failNext(1, 500, dump);
    const error = (await gateway.send({ to: CUSTOMER, text: "x" }).catch((e: unknown) => e)) as GatewayError;
    expect(error).toMatchObject({
      code: "gateway_unreachable",
      retryable: true,
      httpStatus: 500,
      gatewayMessage: "Evaluation failed",
    });
    expect(JSON.stringify(error.details)).not.toContain("secret customer text");
  });

  it("should treat WhatsApp's error 463 passed through as a 500 as a long rate-limit pause", async () => {
    fake.rateLimitNext();
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_rate_limited",
      longPause: true,
      gatewayCode: "463",
    });
  });

  it("should retry later, not fail, when the session is not WORKING (422)", async () => {
    fake.setStatus("STARTING");
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_unreachable",
      retryable: true,
      httpStatus: 422,
      gatewayCode: "SESSION_STARTING",
    });
  });

  it("should throw a permanent gateway_rejected on a 400", async () => {
    fake.failNext(1, 400, { statusCode: 400, message: ["chatId must be a valid chat id"], error: "Bad Request" });
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_rejected",
      retryable: false,
      gatewayMessage: "chatId must be a valid chat id",
    });
  });

  it("should flag a wrong API key as an auth problem", async () => {
    const wrong = new WahaGateway({ url: fake.url, apiKey: "nope", session: "shop" });
    await expect(wrong.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_rejected",
      authProblem: true,
      httpStatus: 401,
      gatewayMessage: "Unauthorized",
    });
  });

  it("should be refused for a session that does not exist", async () => {
    const other = new WahaGateway({ url: fake.url, apiKey: KEY, session: "default" });
    await expect(other.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_rejected",
      httpStatus: 404,
    });
  });

  it("should throw gateway_unreachable ECONNREFUSED when nothing listens", async () => {
    const refused = new WahaGateway({ url: `http://127.0.0.1:${await closedPort()}`, apiKey: KEY });
    await expect(refused.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_unreachable",
      gatewayCode: "ECONNREFUSED",
    });
  });

  it("should report health from the session status", async () => {
    await expect(gateway.health()).resolves.toEqual({ connected: true, detail: "WORKING" });
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: "/api/sessions/shop" });
    fake.setStatus("SCAN_QR_CODE");
    await expect(gateway.health()).resolves.toEqual({ connected: false, detail: "SCAN_QR_CODE" });
    await fake.down();
    await expect(gateway.health()).resolves.toEqual({
      connected: false,
      detail: expect.stringMatching(/^unreachable: /),
    });
  });

  it("should read back our own sends in a chat since a time from GET /api/{session}/chats/{chatId}/messages", async () => {
    let now = Date.parse("2026-12-03T07:00:00.400Z");
    const timed = await FakeWaha.start({ apiKey: KEY, session: "shop", now: () => now });
    try {
      const history = new WahaGateway({ url: timed.url, apiKey: KEY, session: "shop" });
      await history.send({ to: CUSTOMER, text: "before" });
      now += 5_000;
      const since = now;
      const sent = await history.send({ to: CUSTOMER, text: "Yes, in stock." });
      await history.send({ to: "22222222222", text: "another chat" });
      const entries = await history.sentSince(CUSTOMER, since);
      expect(entries).toEqual([
        { gatewayMessageId: sent.gatewayMessageId, text: "Yes, in stock.", at: Math.floor(since / 1000) * 1000 },
      ]);
      expect(timed.requests.at(-1)).toMatchObject({
        method: "GET",
        path: `/api/shop/chats/${CUSTOMER}%40c.us/messages`,
      });
      expect(timed.requests.at(-1)!.headers["x-api-key"]).toBe(KEY);
    } finally {
      await timed.close();
    }
  });

  it("should keep only our messages from the contract's example history answer", async () => {
    const body = readFileSync(`${CONTRACTS_DIR}waha/history/chat-messages.json`);
    const server = new LoopbackServer(async (_req, res) => {
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(body);
    });
    await server.up();
    try {
      const history = new WahaGateway({ url: `http://127.0.0.1:${server.port}` });
      await expect(history.sentSince("11111111111", 0)).resolves.toEqual([
        {
          gatewayMessageId: "true_11111111111@c.us_3EB0B430B6F8F1D0E053AC120E0A9E5C",
          text: "Yes, the cast-iron skillet is in stock: 45.00, shipped in 2 days.",
          at: 1666943590_000,
        },
      ]);
    } finally {
      await server.down();
    }
  });
});
