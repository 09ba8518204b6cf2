/**
 * No plaintext identity anywhere, and forget erases for real. Traffic goes
 * through each gateway (a fake GOWA, WAHA or Cloud API posting signed webhooks,
 * with their delivery receipts) into the real server on loopback and its real
 * SQLite file; then the raw database file, its WAL and shm and everything the
 * service logged are searched for the customer's number (digits, and as base64
 * inside a Cloud `wamid`), name and message texts: none is there. After
 * `forget` through the admin API, not even the customer's ciphertexts are left
 * in the raw files, and a replay of one of their old signed webhooks is
 * acknowledged, counted and dropped: no customer, no reply. A webhook dated
 * older than the age window is dropped the same way.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SQLITE_FILE_NAME } from "../../src/store/index.js";
import { FakeCloud } from "../support/fake-cloud.js";
import { FakeGowa } from "../support/fake-gowa.js";
import { FakeWaha } from "../support/fake-waha.js";
import { type RunningServer, startServer } from "../support/start-server.js";
import type { WebhookDelivery } from "../support/webhook-signing.js";
import { customerView, eventually, metric } from "./gateways-helpers.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** What a gateway under test offers: post a customer message (optionally dated in the past), count sends. */
interface GatewayUnderTest {
  name: "gowa" | "waha" | "cloud";
  server: RunningServer;
  /** Posts a text from `phone` with the gateway id derived from `key`; `ageMs` back-dates it. */
  post(phone: string, name: string, text: string, key: string, ageMs?: number): Promise<WebhookDelivery>;
  /** The WhatsApp username the sender's webhooks carry (the Cloud API's), or null. */
  username: string | null;
  /** The full gateway message id `post` used for `key`. */
  idOf(phone: string, key: string): string;
  sendsTo(phone: string): number;
  close(): Promise<void>;
}

/** A Cloud `wamid` as Meta makes them: base64 of a protobuf that holds the customer's number. */
function realisticWamid(phone: string, key: string): string {
  const inner = Buffer.concat([
    Buffer.from([0x15, 0x02, 0x00, 0x12, 0x18, 0x14]),
    Buffer.from(`3EB0${key.toUpperCase().padEnd(16, "0")}`),
  ]);
  return `wamid.${Buffer.concat([Buffer.from([0x18, phone.length]), Buffer.from(phone), inner]).toString("base64")}`;
}

/** The phone number as it shows inside base64 at each of the three byte alignments (edges trimmed). */
function base64Forms(phone: string): string[] {
  return [0, 1, 2].map((shift) => {
    const encoded = Buffer.concat([Buffer.alloc(shift, 0x18), Buffer.from(phone)]).toString("base64");
    const start = Math.ceil((shift * 4) / 3) + 1;
    return encoded.slice(start, start + Math.floor((phone.length * 4) / 3) - 2);
  });
}

function rawFiles(dataDir: string): { name: string; text: string }[] {
  return readdirSync(dataDir)
    .filter((name) => name.startsWith(SQLITE_FILE_NAME))
    .map((name) => ({ name, text: readFileSync(join(dataDir, name)).toString("latin1") }));
}

function findings(haystacks: { name: string; text: string }[], needles: string[]): string[] {
  const found: string[] = [];
  for (const { name, text } of haystacks) {
    for (const needle of needles) if (text.includes(needle)) found.push(`${JSON.stringify(needle)} in ${name}`);
  }
  return found;
}

async function startGateway(name: GatewayUnderTest["name"], seed: number): Promise<GatewayUnderTest> {
  let ageMs = 0;
  const now = () => Date.now() - ageMs;
  const env = {
    CLOSER_PACING: "off",
    CLOSER_QUIET_HOURS: "off",
    CLOSER_RANDOM_SEED: String(seed),
    LOG_LEVEL: "info",
  };
  const dated = async (age: number | undefined, post: () => Promise<WebhookDelivery>) => {
    ageMs = age ?? 0;
    try {
      return await post();
    } finally {
      ageMs = 0;
    }
  };
  if (name === "waha") {
    const fake = await FakeWaha.start({ apiKey: "waha-privacy-api-key", hmacKey: "waha-privacy-hmac", now });
    const server = await startServer({
      env: {
        ...env,
        GATEWAY: "waha",
        WAHA_URL: fake.url,
        WAHA_API_KEY: "waha-privacy-api-key",
        WAHA_WEBHOOK_SECRET: "waha-privacy-hmac",
      },
    });
    fake.webhookUrl = `${server.url}/webhooks/waha`;
    return {
      name,
      server,
      post: (phone, who, text, key, age) =>
        dated(age, () => fake.postMessage({ from: phone, text, id: key.toUpperCase(), name: who })),
      idOf: (phone, key) => `false_${phone}@c.us_${key.toUpperCase()}`,
      username: null,
      sendsTo: (phone) => fake.sent.filter((s) => s.chatId === `${phone}@c.us`).length,
      close: async () => {
        expect(await server.stop()).toBe(0);
        await fake.close();
      },
    };
  }
  if (name === "gowa") {
    const fake = await FakeGowa.start({ webhookSecret: "gowa-privacy-secret", autoAcks: true, now });
    const server = await startServer({
      env: { ...env, GATEWAY: "gowa", GOWA_URL: fake.url, GOWA_WEBHOOK_SECRET: "gowa-privacy-secret" },
    });
    fake.webhookUrl = `${server.url}/webhooks/gowa`;
    return {
      name,
      server,
      post: (phone, who, text, key, age) =>
        dated(age, () => fake.postMessage({ from: phone, text, id: `3A${key.toUpperCase()}`, name: who })),
      idOf: (_phone, key) => `3A${key.toUpperCase()}`,
      username: null,
      sendsTo: (phone) => fake.sent.filter((s) => s.phone === `${phone}@s.whatsapp.net`).length,
      close: async () => {
        expect(await server.stop()).toBe(0);
        await fake.close();
      },
    };
  }
  const fake = await FakeCloud.start({
    accessToken: "cloud-privacy-token",
    phoneNumberId: "106540352242922",
    appSecret: "cloud-privacy-app-secret",
    verifyToken: "cloud-privacy-verify",
    autoStatuses: true,
    now,
  });
  const server = await startServer({
    env: {
      ...env,
      GATEWAY: "cloud",
      CLOUD_API_URL: fake.apiUrl,
      CLOUD_PHONE_NUMBER_ID: "106540352242922",
      CLOUD_ACCESS_TOKEN: "cloud-privacy-token",
      CLOUD_APP_SECRET: "cloud-privacy-app-secret",
      CLOUD_VERIFY_TOKEN: "cloud-privacy-verify",
    },
  });
  fake.webhookUrl = `${server.url}/webhooks/cloud`;
  return {
    name,
    server,
    post: (phone, who, text, key, age) =>
      dated(age, () =>
        fake.postMessage({ from: phone, text, id: realisticWamid(phone, key), name: who, username: CLOUD_USERNAME }),
      ),
    idOf: realisticWamid,
    username: CLOUD_USERNAME,
    sendsTo: (phone) => fake.sent.filter((s) => s.to === phone).length,
    close: async () => {
      expect(await server.stop()).toBe(0);
      await fake.close();
    },
  };
}

/** The Cloud customer's username: stored only as a keyed hash, yet it finds them. */
const CLOUD_USERNAME = "@Ottoline.Quince_42";

const CASES = [
  { gateway: "waha", phone: "15557310042", name: "Zephyrine Quillfeather", seed: 31 },
  { gateway: "gowa", phone: "6281377004219", name: "Bartholomew Vantablack", seed: 32 },
  { gateway: "cloud", phone: "16505559183", name: "Ottoline Marchbanks", seed: 33 },
] as const;

describe.each(CASES)("privacy at rest through $gateway", ({ gateway, phone, name, seed }) => {
  let gw: GatewayUnderTest;
  const texts = [
    `Do you ship the walnut cutting board to Tromsø? (${gateway} purple-heron)`,
    `My budget is tight, maybe next month (${gateway} velvet-lantern)`,
  ];

  beforeAll(async () => {
    gw = await startGateway(gateway, seed);
    for (const [i, text] of texts.entries()) {
      expect((await gw.post(phone, name, text, `pv${i}k`)).status).toBe(200);
      await eventually(
        async () =>
          (await metric(gw.server, 'closer_inbound_messages_total{result="processed"}')) >= i + 1 &&
          gw.sendsTo(phone) >= i + 1,
        `message ${i + 1} handled and answered`,
      );
    }
  });
  afterAll(async () => {
    await gw?.close();
  });

  it("the test can fail: the gateway ids carry the number, and the customer is really stored", async () => {
    if (gateway === "waha") expect(gw.idOf(phone, "pv0k")).toContain(phone);
    if (gateway === "cloud") {
      const wamid = gw.idOf(phone, "pv0k");
      expect(base64Forms(phone).some((form) => wamid.includes(form))).toBe(true);
    }
    const view = await customerView(gw.server, phone);
    expect(view?.transcript.filter((line) => line.author === "customer").map((line) => line.text)).toEqual(texts);
    if (gw.username !== null) expect((await customerView(gw.server, gw.username))?.id).toBe(view?.id);
  });

  it("neither the database file, its WAL and shm, nor the logs hold the number, the name, the texts or the ids", () => {
    const ids = texts.map((_, i) => gw.idOf(phone, `pv${i}k`));
    const username = gw.username === null ? [] : [gw.username.slice(1), gw.username.slice(1).toLowerCase()];
    const needles = [phone, ...base64Forms(phone), name, ...texts, ...ids, ...username];
    const files = rawFiles(gw.server.dataDir);
    expect(files.map((f) => f.name)).toContain(SQLITE_FILE_NAME);
    expect(findings([...files, { name: "logs", text: gw.server.output() }], needles)).toEqual([]);
  });

  it("forget leaves nothing of theirs in the raw files, and a replayed webhook is dropped and counted", async () => {
    const db = new Database(join(gw.server.dataDir, SQLITE_FILE_NAME), { readonly: true });
    let ciphertexts: string[];
    try {
      const customer = db.prepare("select id, phone_enc, name_enc, profile_enc from customers").get() as Record<
        string,
        string
      >;
      const messages = db.prepare("select text_enc from messages where customer_id = ?").all(customer["id"]) as {
        text_enc: string;
      }[];
      const inbox = db.prepare("select payload_enc from inbox").all() as { payload_enc: string }[];
      // The random part of each ciphertext: unique to this value, so finding it means the cell survived.
      ciphertexts = [
        customer["phone_enc"],
        customer["name_enc"],
        customer["profile_enc"],
        ...messages.map((m) => m.text_enc),
        ...inbox.map((r) => r.payload_enc),
      ].map((value) => (value ?? "").slice(12, 60));
      expect(ciphertexts.length).toBeGreaterThanOrEqual(7);
    } finally {
      db.close();
    }
    const response = await fetch(`${gw.server.url}/api/customers/${phone}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${gw.server.adminToken}` },
    });
    expect(response.status).toBe(200);
    expect(await customerView(gw.server, phone)).toBeNull();
    const files = rawFiles(gw.server.dataDir);
    expect(findings(files, ciphertexts)).toEqual([]);
    const wal = join(gw.server.dataDir, `${SQLITE_FILE_NAME}-wal`);
    if (existsSync(wal)) expect(readFileSync(wal).length).toBe(0);

    const sendsBefore = gw.sendsTo(phone);
    const replay = await gw.post(phone, name, texts[0] as string, "pv0k");
    expect(replay.status).toBe(200);
    await eventually(
      async () => (await metric(gw.server, 'closer_inbound_messages_total{result="forgotten"}')) === 1,
      "the replay counted as a forgotten customer's",
    );
    // Give a wrongly accepted replay the time it would need to be handled and answered.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await customerView(gw.server, phone)).toBeNull();
    expect(gw.sendsTo(phone)).toBe(sendsBefore);
    expect(await metric(gw.server, 'closer_inbound_messages_total{result="accepted"}')).toBe(texts.length);
  });

  it("a webhook dated older than the age window (default a day) is acknowledged and dropped", async () => {
    const stranger = `${phone.slice(0, -4)}7777`;
    const old = await gw.post(stranger, "Late Larkspur", "hello from yesterday", "old1k", DAY_MS + 60_000);
    expect(old.status).toBe(200);
    expect(await metric(gw.server, 'closer_inbound_messages_total{result="too_old"}')).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await customerView(gw.server, stranger)).toBeNull();
    expect(gw.sendsTo(stranger)).toBe(0);
  });
});
