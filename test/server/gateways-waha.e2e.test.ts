import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeWaha, type FakeWahaOptions } from "../support/fake-waha.js";
import { type RunningServer, startServer } from "../support/start-server.js";
import {
  alertLines,
  arrivalTimes,
  botLines,
  customerView,
  eventually,
  FAST_HUMAN_BOUNDS,
  FAST_HUMAN_PACING,
  gatewayHealth,
  handledInbound,
  metric,
  pause,
  resumeCustomer,
} from "./gateways-helpers.js";

const HMAC_KEY = "waha-e2e-hmac-key-9d2e";
const API_KEY = "waha-e2e-api-key-77aa";

function wahaEnv(fake: FakeWaha, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GATEWAY: "waha",
    WAHA_URL: fake.url,
    WAHA_API_KEY: API_KEY,
    WAHA_WEBHOOK_SECRET: HMAC_KEY,
    GATEWAY_HEALTH_CHECK_MS: "200",
    CLOSER_RANDOM_SEED: "12",
    ...extra,
  };
}

async function startWaha(
  extra: Record<string, string>,
  options: FakeWahaOptions = {},
): Promise<{ fake: FakeWaha; server: RunningServer }> {
  const fake = await FakeWaha.start({ apiKey: API_KEY, hmacKey: HMAC_KEY, ...options });
  const server = await startServer({ env: wahaEnv(fake, extra) });
  fake.webhookUrl = `${server.url}/webhooks/waha`;
  return { fake, server };
}

const sendsTo = (fake: FakeWaha, phone: string) => fake.sent.filter((s) => s.chatId === `${phone}@c.us`);
const sendAttempts = (fake: FakeWaha) => fake.requests.filter((r) => r.path === "/api/sendText").length;

describe("WAHA, end to end: the real server against a fake WAHA with human pacing", () => {
  let fake: FakeWaha;
  let server: RunningServer;
  let times: number[];

  beforeAll(async () => {
    // autoWebhooks: after each send WAHA echoes it as `message.any` (source api) and posts acks DEVICE, READ.
    ({ fake, server } = await startWaha(FAST_HUMAN_PACING, { autoWebhooks: true }));
    times = arrivalTimes(fake.requests);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    await fake.close();
  });

  it("answers a signed message with a paced reply to the right chat: seen, typing, wait, send, stop typing", async () => {
    const phone = "71111000001";
    const firstRequest = fake.requests.length;
    const posted = performance.now();
    const delivery = await fake.postMessage({
      from: phone,
      text: "Hi! Do you sell cast iron?",
      id: "IN0001",
      name: "Ivan",
    });
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.body)).toMatchObject({ accepted: 1 });

    const [sent] = await eventually(() => sendsTo(fake, phone).length === 1 && sendsTo(fake, phone), "the reply");
    expect(sent?.text.length).toBeGreaterThan(10);
    expect(sent?.replyTo).toBe(`false_${phone}@c.us_IN0001`);
    await eventually(
      () => fake.requests.slice(firstRequest).some((r) => r.path === "/api/stopTyping"),
      "typing to stop",
    );

    const mine = fake.requests
      .map((request, index) => ({ request, at: times[index] ?? Number.NaN }))
      .slice(firstRequest)
      .filter(({ request }) => request.method === "POST");
    expect(mine.map(({ request }) => request.path)).toEqual([
      "/api/sendSeen",
      "/api/startTyping",
      "/api/sendText",
      "/api/stopTyping",
    ]);
    for (const { request } of mine) {
      expect(request.headers["x-api-key"]).toBe(API_KEY);
      expect(request.body).toMatchObject({ session: "default", chatId: `${phone}@c.us` });
    }
    const [seen, typing, send] = mine.map((m) => m.at);
    expect((seen ?? 0) - posted).toBeGreaterThanOrEqual(FAST_HUMAN_BOUNDS.seenMinMs);
    expect((send ?? 0) - (typing ?? 0)).toBeGreaterThanOrEqual(FAST_HUMAN_BOUNDS.typingMinMs - 5);
    expect((send ?? 0) - posted).toBeLessThan(5_000);
  });

  it("takes WAHA's echo of our own send (source api) as ours, not as a person taking over, and follows its acks to read", async () => {
    const phone = "71111000001";
    await fake.settle();
    await eventually(
      async () => botLines(await customerView(server, `+${phone}`))[0]?.status === "read",
      "status read",
    );
    const view = await customerView(server, `+${phone}`);
    expect(view?.handoffUntil).toBeNull();
    expect(view?.handoffs).toEqual([]);
    await fake.postMessage({ from: phone, text: "And how much is the skillet?", id: "IN0002" });
    await eventually(() => sendsTo(fake, phone).length === 2, "a second reply (no handoff)");
  });

  it("answers 401 to a bad signature and processes nothing", async () => {
    const phone = "71111000002";
    const body = JSON.stringify({
      event: "message",
      session: "default",
      payload: {
        id: `false_${phone}@c.us_FORGED`,
        timestamp: 1_700_000_000,
        from: `${phone}@c.us`,
        fromMe: false,
        body: "forged",
      },
    });
    const forged = await fake.postRaw(body, "0".repeat(128));
    expect(forged.status).toBe(401);
    expect(JSON.parse(forged.body).error.code).toBe("signature_invalid");

    await fake.postMessage({ from: phone, text: "hello", id: "IN0003" });
    await eventually(() => sendsTo(fake, phone).length === 1, "the reply to the genuine message");
    const view = await customerView(server, `+${phone}`);
    expect(view?.transcript.filter((l) => l.author === "customer").map((l) => l.text)).toEqual(["hello"]);
  });

  it("answers a webhook WAHA delivers twice only once", async () => {
    const phone = "71111000003";
    const first = await fake.postMessage({ from: phone, text: "Hello, is the skillet in stock?", id: "DUP1" });
    const second = await fake.postMessage({ from: phone, text: "Hello, is the skillet in stock?", id: "DUP1" });
    expect(first.status).toBe(200);
    expect(JSON.parse(second.body)).toMatchObject({ accepted: 0, duplicates: 1 });
    await fake.postMessage({ from: phone, text: "thanks", id: "DUP2" });
    await eventually(() => sendsTo(fake, phone).length >= 2, "both replies");
    await pause(300);
    expect(sendsTo(fake, phone).map((s) => s.replyTo)).toEqual([
      `false_${phone}@c.us_DUP1`,
      `false_${phone}@c.us_DUP2`,
    ]);
  });

  it("goes silent in a chat where a person answered from the business phone (source app), until resumed", async () => {
    const phone = "71111000004";
    await fake.postMessage({ from: phone, text: "Hi there", id: "HO1" });
    await eventually(() => sendsTo(fake, phone).length === 1, "the bot's first reply");
    await fake.settle();

    const human = await fake.postMessage({
      from: phone,
      text: "Hi, Olga from the shop here!",
      id: "HO2",
      fromMe: true,
      source: "app",
    });
    expect(human.status).toBe(200);
    await fake.postMessage({ from: phone, text: "Oh hi Olga, how much is the dutch oven?", id: "HO3" });
    const during = await handledInbound(server, `+${phone}`, 2);
    expect(during.handoffUntil).not.toBeNull();
    expect(during.handoffs.map((h) => h.reason)).toEqual(["human_reply"]);
    expect(during.transcript.map((l) => l.author)).toEqual(["customer", "bot", "human", "customer"]);
    await pause(500);
    expect(sendsTo(fake, phone)).toHaveLength(1);

    expect(await resumeCustomer(server, `+${phone}`)).toBe(200);
    await fake.postMessage({ from: phone, text: "Are you still there?", id: "HO4" });
    await eventually(() => sendsTo(fake, phone).length === 2, "a reply after the handoff ended");
  });

  it("answers 400 with the reason to a signed body that is not a WAHA webhook", async () => {
    const a = await fake.postRaw("this is not json");
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body).error.message).toMatch(/not JSON/);
    const b = await fake.postRaw(JSON.stringify({ hello: "world" }));
    expect(b.status).toBe(400);
    expect(JSON.parse(b.body).error.message).toMatch(/^not a WAHA webhook: /);
  });

  it("reports the WAHA session's status on /healthz", async () => {
    await eventually(async () => (await gatewayHealth(server)).detail === "WORKING", "healthz WORKING");
    expect(await gatewayHealth(server)).toMatchObject({ name: "waha", ok: true });
    fake.setStatus("SCAN_QR_CODE");
    await eventually(async () => (await gatewayHealth(server)).detail === "SCAN_QR_CODE", "healthz SCAN_QR_CODE");
    expect((await gatewayHealth(server)).ok).toBe(false);
    fake.setStatus("WORKING");
    await eventually(async () => (await gatewayHealth(server)).ok, "healthz WORKING again");
  });
});

describe("WAHA, end to end: failures and acks (pacing off)", () => {
  let fake: FakeWaha;
  let server: RunningServer;

  beforeAll(async () => {
    ({ fake, server } = await startWaha({ CLOSER_PACING: "off" }));
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    await fake.close();
  });

  it("moves the reply's status from sent to delivered to read on WAHA's acks", async () => {
    const phone = "71111000010";
    await fake.postMessage({ from: phone, text: "Hello!", id: "ACK1" });
    const [sent] = await eventually(() => sendsTo(fake, phone).length === 1 && sendsTo(fake, phone), "the reply");
    const status = async () => botLines(await customerView(server, `+${phone}`))[0]?.status;
    await eventually(async () => (await status()) === "sent", "status sent");
    await fake.postAck([sent?.id ?? ""], "DEVICE");
    await eventually(async () => (await status()) === "delivered", "status delivered");
    await fake.postAck([sent?.id ?? ""], "READ");
    await eventually(async () => (await status()) === "read", "status read");
  });

  it("retries a 500 and delivers exactly one reply", async () => {
    const phone = "71111000011";
    fake.failNext(1);
    const before = sendAttempts(fake);
    await fake.postMessage({ from: phone, text: "Hello!", id: "R5001" });
    await eventually(() => sendsTo(fake, phone).length === 1, "the retried reply");
    expect(sendAttempts(fake) - before).toBe(2);
    await pause(300);
    expect(sendsTo(fake, phone)).toHaveLength(1);
  });

  it("pauses the number when WhatsApp answers error 463, sends nothing more, and raises an alert", async () => {
    const phone = "71111000012";
    fake.rateLimitNext();
    const before = sendAttempts(fake);
    await fake.postMessage({ from: phone, text: "Hello!", id: "R4631" });
    await eventually(() => alertLines(server, "number_paused").length === 1, "the number_paused alert");
    expect(sendAttempts(fake) - before).toBe(1);

    const other = "71111000013";
    await fake.postMessage({ from: other, text: "Hi, anyone there?", id: "R4632" });
    await handledInbound(server, `+${other}`, 1);
    await pause(1_500);
    expect(sendAttempts(fake) - before).toBe(1);
    expect(botLines(await customerView(server, `+${other}`))[0]?.status).toBe("queued");
  });
});

describe("WAHA, end to end: restarts and configuration", () => {
  it("delivers a reply once the gateway is back, after Closer was killed while WAHA was down", async () => {
    const fake = await FakeWaha.start({ apiKey: API_KEY, hmacKey: HMAC_KEY });
    const env = wahaEnv(fake, { CLOSER_PACING: "off" });
    const first = await startServer({ env });
    fake.webhookUrl = `${first.url}/webhooks/waha`;
    await fake.down();
    const phone = "71111000020";
    expect((await fake.postMessage({ from: phone, text: "Hello?", id: "RS1" })).status).toBe(200);
    await eventually(
      async () => (await metric(first, 'closer_sends_total{gateway="waha",result="retried"}')) >= 1,
      "a failed send attempt",
    );
    await first.kill();

    await fake.up();
    const second = await startServer({ env, dataDir: first.dataDir });
    try {
      await eventually(() => sendsTo(fake, phone).length === 1, "the reply after the restart", 15_000);
      await eventually(
        async () => (await metric(second, 'closer_outbox_rows{status="pending"}')) === 0,
        "an empty outbox",
      );
      await pause(300);
      expect(sendsTo(fake, phone)).toHaveLength(1);
      expect(botLines(await customerView(second, `+${phone}`))).toHaveLength(1);
    } finally {
      expect(await second.stop()).toBe(0);
      await fake.close();
    }
  });

  it("refuses to start GATEWAY=waha without WAHA_WEBHOOK_SECRET, naming the variable", async () => {
    const fake = await FakeWaha.start();
    try {
      await expect(startServer({ env: wahaEnv(fake, { WAHA_WEBHOOK_SECRET: "" }) })).rejects.toThrow(
        /exited with code 1[\s\S]*WAHA_WEBHOOK_SECRET/,
      );
    } finally {
      await fake.close();
    }
  });
});
