import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { GatewayName, OutboundText, WhatsAppGateway } from "../../src/engine/index.js";
import { silentLogger } from "../../src/log.js";
import { type Closer, startCloser } from "../../src/main.js";
import { REPO_ROOT, TEST_ADMIN_TOKEN } from "../support/start-server.js";
import {
  goJsonMarshal,
  loadContractExample,
  metaJson,
  signCloud,
  signGowa,
  signWaha,
} from "../support/webhook-signing.js";

const GOWA_SECRET = "routes-gowa-secret";
const WAHA_KEY = "routes-waha-key";
const APP_SECRET = "routes-app-secret";
const VERIFY_TOKEN = "routes-verify-token";

/** A gateway that records sends (plain object with spies). */
function recordingGateway(name: GatewayName) {
  let n = 0;
  return {
    name,
    send: vi.fn(async (_message: OutboundText) => ({ gatewayMessageId: `${name}-sent-${++n}` })),
    markRead: vi.fn(async () => undefined),
    setTyping: vi.fn(async () => undefined),
    health: vi.fn(async () => ({ connected: true, detail: "connected" })),
  } satisfies WhatsAppGateway;
}

interface Harness {
  closer: Closer;
  gateway: ReturnType<typeof recordingGateway>;
  dir: string;
}

async function startHarness(name: Exclude<GatewayName, "playground">): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), "closer-routes-"));
  const config = loadConfig({
    DATA_DIR: dir,
    HOST: "127.0.0.1",
    PORT: "0",
    PLAYBOOKS_DIR: join(REPO_ROOT, "playbooks"),
    CLOSER_ADMIN_TOKEN: TEST_ADMIN_TOKEN,
    CLOSER_PACING: "off",
    CLOSER_RANDOM_SEED: "5",
    GATEWAY: name,
    GOWA_URL: "http://127.0.0.1:9",
    GOWA_WEBHOOK_SECRET: GOWA_SECRET,
    WAHA_URL: "http://127.0.0.1:9",
    WAHA_WEBHOOK_SECRET: WAHA_KEY,
    CLOUD_API_URL: "http://127.0.0.1:9/v23.0",
    CLOUD_PHONE_NUMBER_ID: "106540352242922",
    CLOUD_ACCESS_TOKEN: "token",
    CLOUD_APP_SECRET: APP_SECRET,
    CLOUD_VERIFY_TOKEN: VERIFY_TOKEN,
    // The contract fixtures are dated 2025: replayed now, they must not fall outside the age window.
    WEBHOOK_MAX_AGE_HOURS: "1000000",
  });
  const gateway = recordingGateway(name);
  const closer = await startCloser(config, silentLogger(), { gateway });
  return { closer, gateway, dir };
}

async function stopHarness(h: Harness | undefined): Promise<void> {
  if (h === undefined) return;
  await h.closer.stop();
  rmSync(h.dir, { recursive: true, force: true });
}

async function inboxCount(h: Harness): Promise<number> {
  const row = await h.closer.db
    .selectFrom("inbox")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

function gowaMessage(id: string, from: string, body: string): string {
  const envelope = loadContractExample<{ payload: Record<string, unknown> } & Record<string, unknown>>(
    "gowa",
    "message-text.json",
  );
  return goJsonMarshal({
    ...envelope,
    payload: { ...envelope.payload, id, body, chat_id: `${from}@s.whatsapp.net`, from: `${from}@s.whatsapp.net` },
  });
}

describe("the webhook routes (fastify.inject over the real app)", () => {
  describe("POST /webhooks/gowa", () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness("gowa");
    });
    afterAll(() => stopHarness(h));

    const post = (body: string, headers: Record<string, string> = {}) =>
      h.closer.app.inject({
        method: "POST",
        url: "/webhooks/gowa",
        headers: { "content-type": "application/json", ...headers },
        payload: body,
      });

    it("persists a signed message in the inbox before answering 200, and the engine answers it", async () => {
      const body = gowaMessage("3AROUTE0001", "6281230000001", "Hi there!");
      const response = await post(body, { "x-hub-signature-256": signGowa(body, GOWA_SECRET) });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ accepted: 1, duplicates: 0, dropped: 0, receipts: 0, ignored: [] });
      expect(await inboxCount(h)).toBe(1);
      await vi.waitFor(() => expect(h.gateway.send).toHaveBeenCalledTimes(1), { timeout: 5_000 });
      expect(h.gateway.send.mock.calls[0]?.[0]).toMatchObject({ to: "6281230000001", inReplyTo: "3AROUTE0001" });
    });

    it("counts a second delivery of the same message as a duplicate", async () => {
      const body = gowaMessage("3AROUTE0001", "6281230000001", "Hi there!");
      const response = await post(body, { "x-hub-signature-256": signGowa(body, GOWA_SECRET) });
      expect(response.json()).toMatchObject({ accepted: 0, duplicates: 1 });
      expect(await inboxCount(h)).toBe(1);
    });

    it.each([
      { name: "no signature", header: undefined },
      { name: "a signature made with another secret", header: (b: string) => signGowa(b, "other") },
      { name: "a signature without the sha256= prefix", header: (b: string) => signGowa(b, GOWA_SECRET).slice(7) },
      { name: "a signature of a different body", header: (b: string) => signGowa(`${b} `, GOWA_SECRET) },
    ])("answers 401 and stores nothing for $name", async ({ header }) => {
      const before = await inboxCount(h);
      const body = gowaMessage("3AROUTEBAD1", "6281230000002", "forged");
      const response = await post(body, header === undefined ? {} : { "x-hub-signature-256": header(body) });
      expect(response.statusCode).toBe(401);
      expect(response.json().error.code).toBe("signature_invalid");
      expect(await inboxCount(h)).toBe(before);
    });

    it.each([
      { name: "a body that is not JSON", body: "not json at all", reason: /not JSON/ },
      { name: "an empty body", body: "", reason: /empty body/ },
      { name: "JSON without an event", body: JSON.stringify({ payload: {} }), reason: /not a GOWA webhook: event/ },
      {
        name: "a message without its id",
        body: goJsonMarshal({
          event: "message",
          payload: { timestamp: "2026-01-01T00:00:00Z", is_from_me: false, chat_id: "1@s.whatsapp.net" },
        }),
        reason: /bad GOWA message: payload\.id/,
      },
    ])("answers 400 with the reason to $name", async ({ body, reason }) => {
      const response = await post(body, { "x-hub-signature-256": signGowa(body, GOWA_SECRET) });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.message).toMatch(reason);
    });

    it("answers 200 to an event it does not handle, saying it was ignored", async () => {
      const body = goJsonMarshal(loadContractExample("gowa", "chat-presence-composing.json"));
      const response = await post(body, { "x-hub-signature-256": signGowa(body, GOWA_SECRET) });
      expect(response.statusCode).toBe(200);
      expect(response.json().ignored).toEqual(["chat_presence: event not handled"]);
    });

    it("answers 404 on the webhooks of gateways that are not in use", async () => {
      const response = await h.closer.app.inject({
        method: "POST",
        url: "/webhooks/waha",
        payload: "{}",
        headers: { "content-type": "application/json" },
      });
      expect(response.statusCode).toBe(404);
      expect(response.json().error.message).toMatch(/GATEWAY=gowa/);
      expect((await h.closer.app.inject({ method: "GET", url: "/webhooks/cloud" })).statusCode).toBe(404);
    });

    it("answers 413 to a body over the size limit", async () => {
      const body = JSON.stringify({ event: "message", payload: { body: "x".repeat(1_100_000) } });
      const response = await post(body, { "x-hub-signature-256": signGowa(body, GOWA_SECRET) });
      expect(response.statusCode).toBe(413);
    });
  });

  describe("POST /webhooks/waha", () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness("waha");
    });
    afterAll(() => stopHarness(h));

    it("verifies the HMAC-SHA512 over the raw body and stores the message", async () => {
      const body = JSON.stringify(loadContractExample("waha", "message.json"));
      const ok = await h.closer.app.inject({
        method: "POST",
        url: "/webhooks/waha",
        headers: {
          "content-type": "application/json",
          "x-webhook-hmac": signWaha(body, WAHA_KEY),
          "x-webhook-hmac-algorithm": "sha512",
        },
        payload: body,
      });
      expect(ok.statusCode).toBe(200);
      expect(ok.json()).toMatchObject({ accepted: 1 });
      const bad = await h.closer.app.inject({
        method: "POST",
        url: "/webhooks/waha",
        headers: { "content-type": "application/json", "x-webhook-hmac": signWaha(body, "wrong") },
        payload: body,
      });
      expect(bad.statusCode).toBe(401);
      expect(await inboxCount(h)).toBe(1);
    });
  });

  describe("the Cloud API webhook", () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness("cloud");
    });
    afterAll(() => stopHarness(h));

    it("answers the GET handshake with the challenge as plain text, and 403 to a wrong token or mode", async () => {
      const query = (mode: string, token: string) =>
        `/webhooks/cloud?hub.mode=${mode}&hub.challenge=1158201444&hub.verify_token=${encodeURIComponent(token)}`;
      const ok = await h.closer.app.inject({ method: "GET", url: query("subscribe", VERIFY_TOKEN) });
      expect(ok.statusCode).toBe(200);
      expect(ok.body).toBe("1158201444");
      expect(ok.headers["content-type"]).toMatch(/^text\/plain/);
      expect((await h.closer.app.inject({ method: "GET", url: query("subscribe", "nope") })).statusCode).toBe(403);
      expect((await h.closer.app.inject({ method: "GET", url: query("unsubscribe", VERIFY_TOKEN) })).statusCode).toBe(
        403,
      );
    });

    it("verifies the signature over the exact bytes Meta sent (non-ASCII escaped), not a re-serialised body", async () => {
      const notification = loadContractExample<{
        entry: { changes: { value: { messages: { text: { body: string } }[] } }[] }[];
      }>("cloud", "inbound-text.json");
      const first = notification.entry[0]?.changes[0]?.value.messages[0];
      if (first) first.text.body = "Olá! Quanto custa? 😊";
      const body = metaJson(notification);
      expect(body).toContain("\\u00e1");
      const response = await h.closer.app.inject({
        method: "POST",
        url: "/webhooks/cloud",
        headers: { "content-type": "application/json", "x-hub-signature-256": signCloud(body, APP_SECRET) },
        payload: body,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ accepted: 1 });
    });

    it("buffers a status for a message it does not know yet and answers 200", async () => {
      const body = metaJson(loadContractExample("cloud", "status-delivered.json"));
      const response = await h.closer.app.inject({
        method: "POST",
        url: "/webhooks/cloud",
        headers: { "content-type": "application/json", "x-hub-signature-256": signCloud(body, APP_SECRET) },
        payload: body,
      });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ accepted: 0, receipts: 1 });
      const buffered = await h.closer.db.selectFrom("pending_acks").selectAll().execute();
      expect(buffered).toHaveLength(1);
    });
  });
});
