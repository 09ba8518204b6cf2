import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeGowa } from "../support/fake-gowa.js";
import { type RunningServer, startServer } from "../support/start-server.js";
import { goJsonMarshal, signGowa } from "../support/webhook-signing.js";
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

const SECRET = "gowa-e2e-webhook-secret-5f1c";
const BASIC_AUTH = "closer:gowa-pass";
const DEVICE = "org_2";

function gowaEnv(fake: FakeGowa, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GATEWAY: "gowa",
    GOWA_URL: fake.url,
    GOWA_WEBHOOK_SECRET: SECRET,
    GOWA_BASIC_AUTH: BASIC_AUTH,
    GOWA_DEVICE_ID: DEVICE,
    GATEWAY_HEALTH_CHECK_MS: "200",
    CLOSER_RANDOM_SEED: "11",
    ...extra,
  };
}

async function startGowa(extra: Record<string, string>): Promise<{ fake: FakeGowa; server: RunningServer }> {
  const fake = await FakeGowa.start({ basicAuth: BASIC_AUTH, devices: [DEVICE], webhookSecret: SECRET });
  const server = await startServer({ env: gowaEnv(fake, extra) });
  fake.webhookUrl = `${server.url}/webhooks/gowa`;
  return { fake, server };
}

const sendsTo = (fake: FakeGowa, phone: string) => fake.sent.filter((s) => s.phone === `${phone}@s.whatsapp.net`);
const sendAttempts = (fake: FakeGowa) => fake.requests.filter((r) => r.path === "/send/message").length;

describe("GOWA, end to end: the real server against a fake GOWA with human pacing", () => {
  let fake: FakeGowa;
  let server: RunningServer;
  let times: number[];

  beforeAll(async () => {
    ({ fake, server } = await startGowa(FAST_HUMAN_PACING));
    times = arrivalTimes(fake.requests);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    await fake.close();
  });

  it("answers a signed message with a paced reply to the right chat: seen, typing, wait, send, stop typing", async () => {
    const phone = "6281111000001";
    const firstRequest = fake.requests.length;
    const posted = performance.now();
    const delivery = await fake.postMessage({
      from: phone,
      text: "Hi! Do you sell cast iron?",
      id: "3AGOWA0001",
      name: "Budi",
    });
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.body)).toMatchObject({ accepted: 1, duplicates: 0 });

    const [sent] = await eventually(() => sendsTo(fake, phone).length === 1 && sendsTo(fake, phone), "the reply");
    expect(sent?.message.length).toBeGreaterThan(10);
    expect(sent?.replyMessageId).toBe("3AGOWA0001");
    await eventually(
      () =>
        fake.requests
          .slice(firstRequest)
          .some((r) => r.path === "/send/chat-presence" && (r.body as { action?: string }).action === "stop"),
      "typing to stop",
    );

    const chat = `${phone}@s.whatsapp.net`;
    const mine = fake.requests
      .map((request, index) => ({ request, at: times[index] ?? Number.NaN }))
      .slice(firstRequest)
      .filter(({ request }) => request.path !== "/app/status");
    const steps = mine.map(({ request }) =>
      request.path === "/send/chat-presence" ? `typing:${(request.body as { action: string }).action}` : request.path,
    );
    expect(steps).toEqual(["/message/3AGOWA0001/read", "typing:start", "/send/message", "typing:stop"]);
    for (const { request } of mine) {
      expect(request.headers.authorization).toBe(`Basic ${Buffer.from(BASIC_AUTH).toString("base64")}`);
      expect(request.headers["x-device-id"]).toBe(DEVICE);
      expect((request.body as { phone: string }).phone).toBe(chat);
    }
    const [read, typing, send] = mine.map((m) => m.at);
    expect((read ?? 0) - posted).toBeGreaterThanOrEqual(FAST_HUMAN_BOUNDS.seenMinMs);
    expect((send ?? 0) - (typing ?? 0)).toBeGreaterThanOrEqual(FAST_HUMAN_BOUNDS.typingMinMs - 5);
    expect((send ?? 0) - posted).toBeLessThan(5_000);
  });

  it("moves the reply's status from sent to delivered to read on GOWA's acks", async () => {
    const phone = "6281111000001";
    const [sent] = sendsTo(fake, phone);
    if (sent === undefined) throw new Error("the first test's reply is missing");
    const status = async () => botLines(await customerView(server, `+${phone}`))[0]?.status;
    await eventually(async () => (await status()) === "sent", "status sent");
    expect((await fake.postAck([sent.messageId], "delivered", `${phone}@s.whatsapp.net`)).status).toBe(200);
    await eventually(async () => (await status()) === "delivered", "status delivered");
    expect((await fake.postAck([sent.messageId], "read", `${phone}@s.whatsapp.net`)).status).toBe(200);
    await eventually(async () => (await status()) === "read", "status read");
  });

  it("answers 401 to a bad signature and processes nothing", async () => {
    const phone = "6281111000002";
    const forged = goJsonMarshal({
      event: "message",
      device_id: "6281234567890@s.whatsapp.net",
      payload: {
        id: "3AFORGED01",
        timestamp: new Date().toISOString(),
        is_from_me: false,
        chat_id: `${phone}@s.whatsapp.net`,
        from: `${phone}@s.whatsapp.net`,
        body: "forged",
      },
    });
    const wrongKey = await fake.postRaw(forged, signGowa(forged, "not-the-secret"));
    expect(wrongKey.status).toBe(401);
    expect(JSON.parse(wrongKey.body).error.code).toBe("signature_invalid");
    expect((await fake.postRaw(forged, undefined)).status).toBe(401);
    const tampered = await fake.postRaw(forged.replace("forged", "FORGED"), signGowa(forged, SECRET));
    expect(tampered.status).toBe(401);

    // A genuine message from the same chat afterwards is the first and only thing handled there.
    expect((await fake.postMessage({ from: phone, text: "hello", id: "3AGOWA0002" })).status).toBe(200);
    await eventually(() => sendsTo(fake, phone).length === 1, "the reply to the genuine message");
    const view = await customerView(server, `+${phone}`);
    expect(view?.transcript.filter((l) => l.author === "customer").map((l) => l.text)).toEqual(["hello"]);
  });

  it("answers a webhook GOWA delivers twice only once", async () => {
    const phone = "6281111000003";
    const first = await fake.postMessage({ from: phone, text: "Hello, is the skillet in stock?", id: "3AGOWADUP1" });
    const second = await fake.postMessage({ from: phone, text: "Hello, is the skillet in stock?", id: "3AGOWADUP1" });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body)).toMatchObject({ accepted: 0, duplicates: 1 });
    // A later message flushes the chat: its reply comes after anything the duplicate could have caused.
    await fake.postMessage({ from: phone, text: "thanks", id: "3AGOWADUP2" });
    await eventually(() => sendsTo(fake, phone).length >= 2, "both replies");
    await pause(300);
    expect(sendsTo(fake, phone).map((s) => s.replyMessageId)).toEqual(["3AGOWADUP1", "3AGOWADUP2"]);
  });

  it("goes silent in a chat where a person answered from the business phone, until resumed", async () => {
    const phone = "6281111000004";
    await fake.postMessage({ from: phone, text: "Hi there", id: "3AGOWAHO01" });
    await eventually(() => sendsTo(fake, phone).length === 1, "the bot's first reply");

    const human = await fake.postMessage({
      from: phone,
      text: "Hi, Sari from the shop here!",
      id: "3AGOWAHO02",
      fromMe: true,
    });
    expect(human.status).toBe(200);
    await fake.postMessage({ from: phone, text: "Oh hi Sari, how much is the dutch oven?", id: "3AGOWAHO03" });
    const during = await handledInbound(server, `+${phone}`, 2);
    expect(during.handoffUntil).not.toBeNull();
    expect(during.handoffs).toHaveLength(1);
    expect(during.handoffs[0]?.reason).toBe("human_reply");
    expect(during.transcript.map((l) => l.author)).toEqual(["customer", "bot", "human", "customer"]);
    await pause(500);
    expect(sendsTo(fake, phone)).toHaveLength(1);

    expect(await resumeCustomer(server, `+${phone}`)).toBe(200);
    const resumed = await customerView(server, `+${phone}`);
    expect(resumed?.handoffUntil).toBeNull();
    expect(resumed?.handoffs[0]?.endedAt).not.toBeNull();
    await fake.postMessage({ from: phone, text: "Are you still there?", id: "3AGOWAHO04" });
    await eventually(() => sendsTo(fake, phone).length === 2, "a reply after the handoff ended");
    expect(sendsTo(fake, phone)[1]?.replyMessageId).toBe("3AGOWAHO04");
  });

  it("answers 400 with the reason to a signed body that is not a GOWA webhook", async () => {
    const notJson = "this is not json";
    const a = await fake.postRaw(notJson, signGowa(notJson, SECRET));
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body).error.message).toMatch(/not JSON/);
    const wrongShape = JSON.stringify({ hello: "world" });
    const b = await fake.postRaw(wrongShape, signGowa(wrongShape, SECRET));
    expect(b.status).toBe(400);
    expect(JSON.parse(b.body).error.message).toMatch(/not a GOWA webhook: .*event/);
    const badMessage = goJsonMarshal({ event: "message", payload: { id: "x" } });
    const c = await fake.postRaw(badMessage, signGowa(badMessage, SECRET));
    expect(c.status).toBe(400);
    expect(JSON.parse(c.body).error.message).toMatch(/bad GOWA message: payload\./);
  });

  it("reports GOWA's connection on /healthz from /app/status", async () => {
    await eventually(async () => (await gatewayHealth(server)).detail === "connected", "healthz connected");
    expect(await gatewayHealth(server)).toMatchObject({ name: "gowa", ok: true });
    fake.setConnected(true, false);
    await eventually(async () => (await gatewayHealth(server)).detail === "logged out", "healthz logged out");
    expect((await gatewayHealth(server)).ok).toBe(false);
    fake.setConnected(false);
    await eventually(
      async () => (await gatewayHealth(server)).detail === "disconnected from WhatsApp",
      "healthz disconnected",
    );
    fake.setConnected(true);
    await eventually(async () => (await gatewayHealth(server)).ok, "healthz connected again");
  });
});

describe("GOWA, end to end: failures (pacing off)", () => {
  let fake: FakeGowa;
  let server: RunningServer;

  beforeAll(async () => {
    ({ fake, server } = await startGowa({ CLOSER_PACING: "off" }));
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    await fake.close();
  });

  it("retries a 500 and delivers exactly one reply", async () => {
    const phone = "6281111000010";
    fake.failNext(1, 500);
    const before = sendAttempts(fake);
    await fake.postMessage({ from: phone, text: "Hello!", id: "3AGOWA5001" });
    const [sent] = await eventually(
      () => sendsTo(fake, phone).length === 1 && sendsTo(fake, phone),
      "the retried reply",
    );
    expect(sendAttempts(fake) - before).toBe(2);
    await fake.postAck([sent?.messageId ?? ""], "delivered");
    await eventually(
      async () => botLines(await customerView(server, `+${phone}`))[0]?.status === "delivered",
      "delivered",
    );
    await pause(300);
    expect(sendsTo(fake, phone)).toHaveLength(1);
    expect(await metric(server, 'closer_sends_total{gateway="gowa",result="retried"}')).toBe(1);
  });

  it("marks a reply to a number that is not on WhatsApp failed without retrying", async () => {
    const phone = "6281111000011";
    fake.notOnWhatsApp(phone);
    const before = sendAttempts(fake);
    await fake.postMessage({ from: phone, text: "Hello!", id: "3AGOWA4001" });
    await eventually(async () => botLines(await customerView(server, `+${phone}`))[0]?.status === "failed", "failed");
    await pause(300);
    expect(sendAttempts(fake) - before).toBe(1);
  });

  it("confirms an opt-out once, even as a customer's very first message, and then stays silent until START", async () => {
    const phone = "6281111000014";
    await fake.postMessage({ from: phone, text: "STOP", id: "3AGOWAOPT1" });
    const [confirmation] = await eventually(
      () => sendsTo(fake, phone).length === 1 && sendsTo(fake, phone),
      "the confirmation",
    );
    expect(confirmation?.message).toMatch(/unsubscribed/i);
    await fake.postMessage({ from: phone, text: "stop!", id: "3AGOWAOPT2" });
    await fake.postMessage({ from: phone, text: "How much is the skillet?", id: "3AGOWAOPT3" });
    await handledInbound(server, `+${phone}`, 3);
    await pause(300);
    expect(sendsTo(fake, phone)).toHaveLength(1);
    await fake.postMessage({ from: phone, text: "START", id: "3AGOWAOPT4" });
    await eventually(() => sendsTo(fake, phone).length === 2, "the welcome back");
    expect(sendsTo(fake, phone)[1]?.message).toMatch(/welcome back/i);
  });

  it("keeps a reply that met a logged-out GOWA and sends it soon after GOWA is connected again", async () => {
    const phone = "6281111000015";
    fake.setConnected(false);
    await eventually(async () => !(await gatewayHealth(server)).ok, "healthz disconnected");
    const before = sendAttempts(fake);
    await fake.postMessage({ from: phone, text: "Hello!", id: "3AGOWAAUTH1" });
    await eventually(() => sendAttempts(fake) > before, "a send attempt while logged out");
    await eventually(() => alertLines(server, "gateway_disconnected").length >= 1, "the disconnected alert");
    expect(sendsTo(fake, phone)).toHaveLength(0);
    fake.setConnected(true);
    await eventually(() => sendsTo(fake, phone).length === 1, "the reply after reconnecting", 5_000);
    await pause(300);
    expect(sendsTo(fake, phone)).toHaveLength(1);
  });

  it("pauses the number on 429 WA_REACHOUT_TIMELOCK, sends nothing more, and raises an alert", async () => {
    const phone = "6281111000012";
    fake.rateLimitNext();
    const before = sendAttempts(fake);
    await fake.postMessage({ from: phone, text: "Hello!", id: "3AGOWA4291" });
    await eventually(() => alertLines(server, "number_paused").length === 1, "the number_paused alert");
    expect(sendAttempts(fake) - before).toBe(1);
    expect(alertLines(server, "number_paused")[0]).toContain("WA_REACHOUT_TIMELOCK");

    const other = "6281111000013";
    await fake.postMessage({ from: other, text: "Hi, anyone there?", id: "3AGOWA4292" });
    await handledInbound(server, `+${other}`, 1);
    // Both replies wait: more than one safety poll of the sender passes without a send.
    await pause(1_500);
    expect(sendAttempts(fake) - before).toBe(1);
    expect(botLines(await customerView(server, `+${other}`))[0]?.status).toBe("queued");
    expect(botLines(await customerView(server, `+${phone}`))[0]?.status).toBe("queued");
  });
});

describe("GOWA, end to end: restarts and configuration", () => {
  it("delivers a reply once the gateway is back, after Closer was killed while GOWA was down", async () => {
    const fake = await FakeGowa.start({ basicAuth: BASIC_AUTH, devices: [DEVICE], webhookSecret: SECRET });
    const env = gowaEnv(fake, { CLOSER_PACING: "off" });
    const first = await startServer({ env });
    fake.webhookUrl = `${first.url}/webhooks/gowa`;
    await fake.down();
    const phone = "6281111000020";
    expect((await fake.postMessage({ from: phone, text: "Hello?", id: "3AGOWARS01" })).status).toBe(200);
    await eventually(
      async () => (await metric(first, 'closer_sends_total{gateway="gowa",result="retried"}')) >= 1,
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
      expect(sendsTo(fake, phone)[0]?.replyMessageId).toBe("3AGOWARS01");
      const view = await customerView(second, `+${phone}`);
      expect(botLines(view)).toHaveLength(1);
      expect(botLines(view)[0]?.status).toBe("sent");
    } finally {
      expect(await second.stop()).toBe(0);
      await fake.close();
    }
  });

  it("refuses to start GATEWAY=gowa without GOWA_WEBHOOK_SECRET, naming the variable", async () => {
    const fake = await FakeGowa.start();
    try {
      const env = gowaEnv(fake, { GOWA_WEBHOOK_SECRET: "" });
      await expect(startServer({ env })).rejects.toThrow(/exited with code 1[\s\S]*GOWA_WEBHOOK_SECRET/);
    } finally {
      await fake.close();
    }
  });

  it("warns when GOWA_WEBHOOK_SECRET is GOWA's well-known default", async () => {
    const fake = await FakeGowa.start();
    const server = await startServer({ env: gowaEnv(fake, { GOWA_WEBHOOK_SECRET: "secret" }) });
    try {
      expect(server.output()).toMatch(/GOWA_WEBHOOK_SECRET is GOWA's well-known default/);
    } finally {
      expect(await server.stop()).toBe(0);
      await fake.close();
    }
  });
});
