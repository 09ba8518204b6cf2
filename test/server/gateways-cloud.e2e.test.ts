import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeCloud, type FakeCloudOptions } from "../support/fake-cloud.js";
import { type RunningServer, startServer } from "../support/start-server.js";
import { metaJson, signCloud } from "../support/webhook-signing.js";
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
} from "./gateways-helpers.js";

const APP_SECRET = "cloud-e2e-app-secret-31c4";
const VERIFY_TOKEN = "cloud-e2e-verify-token";
const ACCESS_TOKEN = "cloud-e2e-access-token";
const PHONE_NUMBER_ID = "106540352242922";

// The Cloud API has no `fromMe` webhooks (messages typed in the WhatsApp Business app are not
// posted to the webhook), so the handoff cases are covered by the GOWA and WAHA files only.

function cloudEnv(fake: FakeCloud, extra: Record<string, string> = {}): Record<string, string> {
  return {
    GATEWAY: "cloud",
    CLOUD_API_URL: fake.apiUrl,
    CLOUD_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
    CLOUD_ACCESS_TOKEN: ACCESS_TOKEN,
    CLOUD_APP_SECRET: APP_SECRET,
    CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
    GATEWAY_HEALTH_CHECK_MS: "200",
    CLOSER_RANDOM_SEED: "13",
    ...extra,
  };
}

function fakeOptions(extra: FakeCloudOptions = {}): FakeCloudOptions {
  return {
    accessToken: ACCESS_TOKEN,
    phoneNumberId: PHONE_NUMBER_ID,
    appSecret: APP_SECRET,
    verifyToken: VERIFY_TOKEN,
    enforceWindow: true,
    ...extra,
  };
}

async function startCloud(
  extra: Record<string, string>,
  options: FakeCloudOptions = {},
): Promise<{ fake: FakeCloud; server: RunningServer }> {
  const fake = await FakeCloud.start(fakeOptions(options));
  const server = await startServer({ env: cloudEnv(fake, extra) });
  fake.webhookUrl = `${server.url}/webhooks/cloud`;
  return { fake, server };
}

const sendsTo = (fake: FakeCloud, waId: string) => fake.sent.filter((s) => s.to === waId);
const isText = (body: unknown) => (body as { type?: string } | null)?.type === "text";
const sendAttempts = (fake: FakeCloud) => fake.requests.filter((r) => r.method === "POST" && isText(r.body)).length;

describe("Cloud API, end to end: the real server against a fake Graph API with human pacing", () => {
  let fake: FakeCloud;
  let server: RunningServer;
  let times: number[];

  beforeAll(async () => {
    ({ fake, server } = await startCloud(FAST_HUMAN_PACING, { autoStatuses: true }));
    times = arrivalTimes(fake.requests);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    await fake.close();
  });

  it("answers Meta's GET verification handshake with the challenge, and 403 to a wrong verify token", async () => {
    const good = await fake.verifyWebhook({ challenge: "1158201444" });
    expect(good).toEqual({ status: 200, body: "1158201444" });
    const bad = await fake.verifyWebhook({ token: "not-our-token" });
    expect(bad.status).toBe(403);
    expect(bad.body).not.toContain("1158201444");
  });

  it("answers a signed message with a paced reply to the right number: mark read, wait, send", async () => {
    const waId = "16505550001";
    const firstRequest = fake.requests.length;
    const posted = performance.now();
    const delivery = await fake.postMessage({ from: waId, text: "Hi! Do you sell cast iron?", id: "wamid.IN0001" });
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.body)).toMatchObject({ accepted: 1 });

    const [sent] = await eventually(() => sendsTo(fake, waId).length === 1 && sendsTo(fake, waId), "the reply");
    expect(sent?.body.length).toBeGreaterThan(10);
    expect(sent?.contextMessageId).toBe("wamid.IN0001");
    expect(sent?.previewUrl).toBe(false);

    const mine = fake.requests
      .map((request, index) => ({ request, at: times[index] ?? Number.NaN }))
      .slice(firstRequest)
      .filter(({ request }) => request.method === "POST");
    expect(
      mine.map(({ request }) => (isText(request.body) ? "text" : (request.body as { status: string }).status)),
    ).toEqual(["read", "text"]);
    expect(mine[0]?.request.body).toMatchObject({ messaging_product: "whatsapp", message_id: "wamid.IN0001" });
    for (const { request } of mine) {
      expect(request.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
      expect(request.path).toBe(`/v23.0/${PHONE_NUMBER_ID}/messages`);
    }
    const [read, send] = mine.map((m) => m.at);
    expect((read ?? 0) - posted).toBeGreaterThanOrEqual(FAST_HUMAN_BOUNDS.seenMinMs);
    // No typing indicator on the Cloud API, but the typing time is still waited.
    expect((send ?? 0) - (read ?? 0)).toBeGreaterThanOrEqual(FAST_HUMAN_BOUNDS.typingMinMs - 5);
    expect((send ?? 0) - posted).toBeLessThan(5_000);
  });

  it("follows the statuses Meta posts to read", async () => {
    const waId = "16505550001";
    await fake.settle();
    await eventually(async () => botLines(await customerView(server, `+${waId}`))[0]?.status === "read", "status read");
  });

  it("answers 401 to a bad signature and processes nothing", async () => {
    const waId = "16505550002";
    const body = metaJson({ object: "whatsapp_business_account", entry: [] });
    const wrong = await fake.postRaw(body, signCloud(body, "not-the-app-secret"));
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body).error.code).toBe("signature_invalid");
    expect((await fake.postRaw(body, undefined)).status).toBe(401);

    await fake.postMessage({ from: waId, text: "hello", id: "wamid.IN0003" });
    await eventually(() => sendsTo(fake, waId).length === 1, "the reply to the genuine message");
    const view = await customerView(server, `+${waId}`);
    expect(view?.transcript.filter((l) => l.author === "customer").map((l) => l.text)).toEqual(["hello"]);
  });

  it("answers a notification Meta delivers twice only once", async () => {
    const waId = "16505550003";
    const first = await fake.postMessage({ from: waId, text: "Hello, is the skillet in stock?", id: "wamid.DUP1" });
    const second = await fake.postMessage({ from: waId, text: "Hello, is the skillet in stock?", id: "wamid.DUP1" });
    expect(first.status).toBe(200);
    expect(JSON.parse(second.body)).toMatchObject({ accepted: 0, duplicates: 1 });
    await fake.postMessage({ from: waId, text: "thanks", id: "wamid.DUP2" });
    await eventually(() => sendsTo(fake, waId).length >= 2, "both replies");
    await pause(300);
    expect(sendsTo(fake, waId).map((s) => s.contextMessageId)).toEqual(["wamid.DUP1", "wamid.DUP2"]);
  });

  it("answers 400 with the reason to a signed body that is not a Cloud API notification", async () => {
    const notJson = "this is not json";
    const a = await fake.postRaw(notJson, signCloud(notJson, APP_SECRET));
    expect(a.status).toBe(400);
    expect(JSON.parse(a.body).error.message).toMatch(/not JSON/);
    const wrong = metaJson({ hello: "world" });
    const b = await fake.postRaw(wrong, signCloud(wrong, APP_SECRET));
    expect(b.status).toBe(400);
    expect(JSON.parse(b.body).error.message.length).toBeGreaterThan(5);
  });

  it("reports on /healthz whether the Cloud API accepts our token", async () => {
    await eventually(async () => (await gatewayHealth(server)).ok, "healthz connected");
    expect((await gatewayHealth(server)).name).toBe("cloud");
    fake.setConnected(false);
    await eventually(async () => !(await gatewayHealth(server)).ok, "healthz disconnected");
    expect((await gatewayHealth(server)).detail).toBe("HTTP 401 190");
    fake.setConnected(true);
    await eventually(async () => (await gatewayHealth(server)).ok, "healthz connected again");
  });
});

describe("Cloud API, end to end: failures (pacing off)", () => {
  let fake: FakeCloud;
  let server: RunningServer;

  beforeAll(async () => {
    ({ fake, server } = await startCloud({ CLOSER_PACING: "off" }));
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    await fake.close();
  });

  it("moves the reply's status from sent to delivered to read on Meta's statuses", async () => {
    const waId = "16505550010";
    await fake.postMessage({ from: waId, text: "Hello!", id: "wamid.ACK1" });
    const [sent] = await eventually(() => sendsTo(fake, waId).length === 1 && sendsTo(fake, waId), "the reply");
    const status = async () => botLines(await customerView(server, `+${waId}`))[0]?.status;
    await eventually(async () => (await status()) === "sent", "status sent");
    await fake.postStatus([sent?.wamid ?? ""], "delivered");
    await eventually(async () => (await status()) === "delivered", "status delivered");
    await fake.postStatus([sent?.wamid ?? ""], "read");
    await eventually(async () => (await status()) === "read", "status read");
  });

  it("retries a 500 and delivers exactly one reply", async () => {
    const waId = "16505550011";
    fake.failNext(1);
    const before = sendAttempts(fake);
    await fake.postMessage({ from: waId, text: "Hello!", id: "wamid.R5001" });
    await eventually(() => sendsTo(fake, waId).length === 1, "the retried reply");
    expect(sendAttempts(fake) - before).toBe(2);
    await pause(300);
    expect(sendsTo(fake, waId)).toHaveLength(1);
  });

  it("pauses the number on Meta's spam rate limit (131048), sends nothing more, and raises an alert", async () => {
    const waId = "16505550012";
    fake.rateLimitNext();
    const before = sendAttempts(fake);
    await fake.postMessage({ from: waId, text: "Hello!", id: "wamid.R4291" });
    await eventually(() => alertLines(server, "number_paused").length === 1, "the number_paused alert");
    expect(sendAttempts(fake) - before).toBe(1);

    const other = "16505550013";
    await fake.postMessage({ from: other, text: "Hi, anyone there?", id: "wamid.R4292" });
    await handledInbound(server, `+${other}`, 1);
    await pause(1_500);
    expect(sendAttempts(fake) - before).toBe(1);
    expect(botLines(await customerView(server, `+${other}`))[0]?.status).toBe("queued");
  });
});

describe("Cloud API, end to end: restarts and configuration", () => {
  it("delivers a reply once the API is reachable again, after Closer was killed while it was down", async () => {
    const fake = await FakeCloud.start(fakeOptions());
    const env = cloudEnv(fake, { CLOSER_PACING: "off" });
    const first = await startServer({ env });
    fake.webhookUrl = `${first.url}/webhooks/cloud`;
    await fake.down();
    const waId = "16505550020";
    expect((await fake.postMessage({ from: waId, text: "Hello?", id: "wamid.RS1" })).status).toBe(200);
    await eventually(
      async () => (await metric(first, 'closer_sends_total{gateway="cloud",result="retried"}')) >= 1,
      "a failed send attempt",
    );
    await first.kill();

    await fake.up();
    const second = await startServer({ env, dataDir: first.dataDir });
    try {
      await eventually(() => sendsTo(fake, waId).length === 1, "the reply after the restart", 15_000);
      await eventually(
        async () => (await metric(second, 'closer_outbox_rows{status="pending"}')) === 0,
        "an empty outbox",
      );
      await pause(300);
      expect(sendsTo(fake, waId)).toHaveLength(1);
      expect(botLines(await customerView(second, `+${waId}`))).toHaveLength(1);
    } finally {
      expect(await second.stop()).toBe(0);
      await fake.close();
    }
  });

  it.each(["CLOUD_APP_SECRET", "CLOUD_VERIFY_TOKEN"])(
    "refuses to start GATEWAY=cloud without %s, naming it",
    async (name) => {
      const fake = await FakeCloud.start(fakeOptions());
      try {
        await expect(startServer({ env: cloudEnv(fake, { [name]: "" }) })).rejects.toThrow(
          new RegExp(`exited with code 1[\\s\\S]*${name}`),
        );
      } finally {
        await fake.close();
      }
    },
  );
});
