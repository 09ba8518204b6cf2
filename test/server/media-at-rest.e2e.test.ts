/**
 * Media never reach the database as bytes or base64: after media, locations, a
 * contact card and an order (whose WAHA and GOWA payloads carry base64
 * thumbnails, a raw vCard and WhatsApp CDN urls) went through the real server,
 * neither the raw SQLite file nor any decrypted column holds any of it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createFieldCipher,
  INBOX_PAYLOAD_AAD,
  loadDataKey,
  MESSAGE_CONTENT_AAD,
  MESSAGE_TEXT_AAD,
  SQLITE_FILE_NAME,
} from "../../src/store/index.js";
import { FakeWaha } from "../support/fake-waha.js";
import { type RunningServer, startServer } from "../support/start-server.js";
import { eventually, metric } from "./gateways-helpers.js";
import { kindFixturePath, loadKindFixture } from "./message-kinds.contract.js";

const HMAC_KEY = "waha-media-hmac-key-0b7e";
const API_KEY = "waha-media-api-key-3f21";
const MEDIA_FIXTURES = [
  "image",
  "image-caption",
  "image-view-once",
  "video",
  "document",
  "voice",
  "location",
  "live-location",
  "contact",
  "order",
  "product",
];
/** The thumbnail every media fixture carries (a tiny JPEG, base64). */
const THUMBNAIL = JSON.parse(readFileSync(kindFixturePath("waha", "location"), "utf8")).payload.body as string;
/** Long base64 runs: anything that could be media bytes. */
const BASE64_RUN = /[A-Za-z0-9+/]{120,}={0,2}/;

describe("media at rest", () => {
  let fake: FakeWaha;
  let server: RunningServer;

  beforeAll(async () => {
    fake = await FakeWaha.start({ apiKey: API_KEY, hmacKey: HMAC_KEY, me: "5511999990000@c.us" });
    server = await startServer({
      env: {
        GATEWAY: "waha",
        // The contract fixtures are dated 2025: replayed now, they must not fall outside the age window.
        WEBHOOK_MAX_AGE_HOURS: "1000000",
        WAHA_URL: fake.url,
        WAHA_API_KEY: API_KEY,
        WAHA_WEBHOOK_SECRET: HMAC_KEY,
        CLOSER_PACING: "off",
        CLOSER_QUIET_HOURS: "off",
      },
    });
    fake.webhookUrl = `${server.url}/webhooks/waha`;
    for (const fixture of MEDIA_FIXTURES) {
      const body = loadKindFixture("waha", fixture);
      expect((await fake.postRaw(JSON.stringify(body))).status).toBe(200);
    }
    await eventually(
      async () => (await metric(server, `closer_inbound_messages_total{result="processed"}`)) >= MEDIA_FIXTURES.length,
      "every media message handled",
    );
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
    await fake.close();
  });

  it("the fixtures really carry base64 media, vCards and CDN urls (so the test can fail)", () => {
    expect(THUMBNAIL.length).toBeGreaterThan(100);
    const raw = MEDIA_FIXTURES.map((f) => readFileSync(kindFixturePath("waha", f), "utf8")).join("\n");
    expect(raw).toContain(THUMBNAIL);
    expect(raw).toContain("BEGIN:VCARD");
    expect(raw).toContain("mmg.whatsapp.net");
  });

  it("the raw database file holds no thumbnail, no base64 run, no vCard and no media url", () => {
    const files = readdirSync(server.dataDir).filter((name) => name.startsWith(SQLITE_FILE_NAME));
    const bytes = Buffer.concat(files.map((name) => readFileSync(join(server.dataDir, name))));
    const text = bytes.toString("latin1");
    expect(text).not.toContain(THUMBNAIL.slice(0, 40));
    expect(text).not.toContain("BEGIN:VCARD");
    expect(text).not.toContain("mmg.whatsapp.net");
    // JPEG's start-of-image marker followed by a JFIF header: a stored picture.
    expect(bytes.includes(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe(false);
  });

  it("no decrypted column holds a thumbnail, a base64 run, a vCard or a media url; media keep mime, size and id", () => {
    const key = loadDataKey({ dataDir: server.dataDir }).key;
    const cipher = createFieldCipher({ primary: key });
    const db = new Database(join(server.dataDir, SQLITE_FILE_NAME), { readonly: true });
    try {
      const plain: string[] = [];
      const inbox = db.prepare("select payload_enc, gateway_message_index from inbox").all() as {
        payload_enc: string;
        gateway_message_index: string;
      }[];
      for (const row of inbox)
        plain.push(JSON.stringify(cipher.decryptJson(row.payload_enc, INBOX_PAYLOAD_AAD(row.gateway_message_index))));
      const messages = db
        .prepare("select kind, customer_id, text_enc, content_enc from messages where direction = 'in'")
        .all() as {
        kind: string;
        customer_id: string;
        text_enc: string;
        content_enc: string | null;
      }[];
      for (const row of messages) {
        plain.push(cipher.decrypt(row.text_enc, MESSAGE_TEXT_AAD(row.customer_id)));
        if (row.content_enc !== null)
          plain.push(JSON.stringify(cipher.decryptJson(row.content_enc, MESSAGE_CONTENT_AAD(row.customer_id))));
      }
      expect(messages.length).toBe(MEDIA_FIXTURES.length);
      for (const value of plain) {
        expect(value).not.toMatch(BASE64_RUN);
        expect(value).not.toContain("BEGIN:VCARD");
        expect(value).not.toContain("mmg.whatsapp.net");
        expect(value).not.toContain("/api/files/");
      }
      const image = messages.find((m) => m.kind === "image" && m.content_enc !== null);
      expect(cipher.decryptJson(image?.content_enc ?? "", MESSAGE_CONTENT_AAD(image?.customer_id ?? ""))).toMatchObject(
        {
          media: { mimeType: "image/jpeg", size: expect.any(Number), mediaId: expect.any(String) },
        },
      );
    } finally {
      db.close();
    }
  });
});
