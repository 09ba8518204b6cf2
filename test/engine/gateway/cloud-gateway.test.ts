import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CloudGateway } from "../../../src/engine/gateway/cloud-gateway.js";
import { FakeCloud, graphError } from "../../support/fake-cloud.js";
import { closedPort } from "./closed-port.js";
import { runGatewayContract } from "./gateway-contract.js";

const TOKEN = "test-access-token";
const NUMBER_ID = "106540352242922";
const CUSTOMER = "16505551234";

runGatewayContract("CloudGateway", async () => {
  const fake = await FakeCloud.start({ accessToken: TOKEN, phoneNumberId: NUMBER_ID });
  return {
    gateway: new CloudGateway({ apiUrl: fake.apiUrl, phoneNumberId: NUMBER_ID, accessToken: TOKEN }),
    chat: CUSTOMER,
    inboundId: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=",
    receivedTexts: () => fake.sent.map((sent) => sent.body),
    close: () => fake.close(),
  };
});

describe("CloudGateway", () => {
  let fake: FakeCloud;
  let gateway: CloudGateway;

  beforeEach(async () => {
    fake = await FakeCloud.start({ accessToken: TOKEN, phoneNumberId: NUMBER_ID });
    gateway = new CloudGateway({ apiUrl: fake.apiUrl, phoneNumberId: NUMBER_ID, accessToken: TOKEN });
  });

  afterEach(async () => {
    await fake.close();
  });

  it("should POST /{version}/{phone_number_id}/messages with a Bearer token and the text body, and return the wamid", async () => {
    const result = await gateway.send({ to: `+${CUSTOMER}`, text: "It comes in blue and red." });
    const request = fake.requests.at(-1)!;
    expect(request).toMatchObject({ method: "POST", path: `/v23.0/${NUMBER_ID}/messages` });
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.body).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: CUSTOMER,
      type: "text",
      text: { body: "It comes in blue and red.", preview_url: false },
    });
    expect(result.gatewayMessageId).toBe(fake.sent[0]!.wamid);
  });

  it("should reply in-thread with context.message_id", async () => {
    await gateway.send({ to: CUSTOMER, text: "Yes", inReplyTo: "wamid.IN" });
    expect(fake.sent[0]!.contextMessageId).toBe("wamid.IN");
  });

  it("should mark read with status read and the message id", async () => {
    await gateway.markRead(CUSTOMER, "wamid.IN");
    expect(fake.requests.at(-1)!.body).toEqual({
      messaging_product: "whatsapp",
      status: "read",
      message_id: "wamid.IN",
    });
    expect(fake.read).toEqual(["wamid.IN"]);
  });

  it("should not call the API for typing, which the contract does not document", async () => {
    await gateway.setTyping(CUSTOMER, true);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([["an @lid", "4639135154355@lid", "UNSUPPORTED_RECIPIENT"]])(
    "should refuse to send to %s without calling the API",
    async (_name, to, gatewayCode) => {
      await expect(gateway.send({ to, text: "x" })).rejects.toMatchObject({ code: "gateway_rejected", gatewayCode });
      expect(fake.requests).toHaveLength(0);
    },
  );

  it("should send to a business-scoped user id as `recipient`, not `to`", async () => {
    const userId = "US.13491208655302741918";
    await gateway.send({ to: userId, text: "Hello Kai" });
    const body = fake.requests.at(-1)?.body as Record<string, unknown>;
    expect(body).toMatchObject({ recipient: userId, type: "text", text: { body: "Hello Kai" } });
    expect(body).not.toHaveProperty("to");
  });

  it("should refuse a text over 4096 characters without calling the API", async () => {
    await expect(gateway.send({ to: CUSTOMER, text: "a".repeat(4097) })).rejects.toMatchObject({
      gatewayCode: "TEXT_TOO_LONG",
    });
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    [
      "a 500 (131000)",
      500,
      graphError(131000, "Something went wrong"),
      { code: "gateway_unreachable", retryable: true },
    ],
    ["a 503 without a Graph body", 503, "Service Unavailable", { code: "gateway_unreachable", retryable: true }],
    [
      "spam rate limit 131048",
      400,
      graphError(131048, "(#131048) Spam rate limit hit"),
      { code: "gateway_rate_limited", longPause: true },
    ],
    [
      "throughput limit 130429",
      400,
      graphError(130429, "Rate limit hit"),
      { code: "gateway_rate_limited", longPause: false },
    ],
    [
      "pair rate limit 131056",
      400,
      graphError(131056, "Pair rate limit hit"),
      { code: "gateway_rate_limited", longPause: false },
    ],
    [
      "undeliverable 131026",
      400,
      graphError(131026, "Message undeliverable"),
      { code: "gateway_rejected", retryable: false, authProblem: false },
    ],
    [
      "expired token 190",
      401,
      graphError(190, "Session has expired"),
      { code: "gateway_rejected", retryable: false, authProblem: true },
    ],
    [
      "missing permission 10",
      403,
      graphError(10, "Permission denied"),
      { code: "gateway_rejected", authProblem: true },
    ],
  ])("should map %s", async (_name, status, body, expected) => {
    fake.failNext(1, status, body);
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({ ...expected, httpStatus: status });
  });

  it("should keep Graph's code and message on the error", async () => {
    fake.rateLimitNext();
    await expect(gateway.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      gatewayCode: "131048",
      gatewayMessage: expect.stringContaining("Spam rate limit hit"),
    });
  });

  it("should be refused with 131047 outside the 24-hour window", async () => {
    const strict = await FakeCloud.start({ accessToken: TOKEN, phoneNumberId: NUMBER_ID, enforceWindow: true });
    try {
      const windowed = new CloudGateway({ apiUrl: strict.apiUrl, phoneNumberId: NUMBER_ID, accessToken: TOKEN });
      await expect(windowed.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
        code: "gateway_rejected",
        retryable: false,
        gatewayCode: "131047",
      });
      strict.openWindow(CUSTOMER);
      await expect(windowed.send({ to: CUSTOMER, text: "x" })).resolves.toMatchObject({
        gatewayMessageId: expect.any(String),
      });
    } finally {
      await strict.close();
    }
  });

  it("should send an approved template outside the 24-hour window in the contract's request shape", async () => {
    const example = JSON.parse(
      readFileSync(new URL("../../contracts/cloud/send-examples/template.json", import.meta.url), "utf8"),
    ) as Record<string, unknown>;
    const strict = await FakeCloud.start({
      accessToken: TOKEN,
      phoneNumberId: NUMBER_ID,
      enforceWindow: true,
      approvedTemplates: ["order_update"],
    });
    try {
      const windowed = new CloudGateway({ apiUrl: strict.apiUrl, phoneNumberId: NUMBER_ID, accessToken: TOKEN });
      const result = await windowed.sendTemplate({
        to: CUSTOMER,
        name: "order_update",
        language: "en_US",
        parameters: ["Ada"],
      });
      expect(result.gatewayMessageId).toMatch(/^wamid\./);
      // The contract's example plus `recipient_type`, which text sends carry too.
      expect(strict.requests.at(-1)!.body).toEqual({ ...example, recipient_type: "individual" });
      expect(strict.templates).toEqual([
        { wamid: result.gatewayMessageId, to: CUSTOMER, name: "order_update", language: "en_US", parameters: ["Ada"] },
      ]);
      await expect(
        windowed.sendTemplate({ to: CUSTOMER, name: "not_approved", language: "en_US", parameters: [] }),
      ).rejects.toMatchObject({ code: "gateway_rejected", gatewayCode: "132001" });
    } finally {
      await strict.close();
    }
  });

  it("should flag a wrong token as an auth problem", async () => {
    const wrong = new CloudGateway({ apiUrl: fake.apiUrl, phoneNumberId: NUMBER_ID, accessToken: "nope" });
    await expect(wrong.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      authProblem: true,
      gatewayCode: "190",
    });
  });

  it("should throw gateway_unreachable ECONNREFUSED when nothing listens", async () => {
    const refused = new CloudGateway({
      apiUrl: `http://127.0.0.1:${await closedPort()}/v23.0`,
      phoneNumberId: NUMBER_ID,
      accessToken: TOKEN,
    });
    await expect(refused.send({ to: CUSTOMER, text: "x" })).rejects.toMatchObject({
      code: "gateway_unreachable",
      gatewayCode: "ECONNREFUSED",
    });
  });

  it("should report health from a GET of the phone number id", async () => {
    await expect(gateway.health()).resolves.toEqual({ connected: true, detail: "token accepted" });
    expect(fake.requests.at(-1)).toMatchObject({ method: "GET", path: `/v23.0/${NUMBER_ID}` });
    fake.setConnected(false);
    await expect(gateway.health()).resolves.toEqual({ connected: false, detail: "HTTP 401 190" });
  });
});
