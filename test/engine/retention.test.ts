/**
 * The daily retention run against a real SQLite file, with times from a manual
 * clock: message text older than 90 days, media references older than 7 days,
 * handled inbox payloads and settled reply-to ids after a day, receipts
 * buffered for a day, and rotated log files older than 180 days are erased;
 * profiles, younger messages, pending work and the statistics stay.
 */
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ManualClock } from "../../src/engine/clock.js";
import { runRetention } from "../../src/engine/index.js";
import {
  bufferAck,
  CUSTOMER_AAD,
  gatewayIdIndex,
  INBOX_PAYLOAD_AAD,
  insertCustomer,
  insertInboxEntry,
  insertMessage,
  insertOutboxEntry,
  MESSAGE_CONTENT_AAD,
  MESSAGE_TEXT_AAD,
  markInboxDone,
  OUTBOX_REPLY_TO_AAD,
  transcript,
  updateOutbox,
} from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const DAY = 24 * 60 * 60 * 1000;
const T0 = Date.UTC(2026, 0, 1);
const POLICY = { messagesDays: 90, mediaDays: 7, logsDays: 180 };

describe("runRetention", () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let logDir: string;

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = new ManualClock(T0);
    logDir = mkdtempSync(join(tmpdir(), "closer-logs-"));
    await insertCustomer(t.db, {
      id: "c1",
      phone_index: t.cipher.blindIndex("15550001111"),
      phone_enc: t.cipher.encrypt("15550001111", CUSTOMER_AAD.phone("c1")),
      lid_index: null,
      name_enc: t.cipher.encrypt("Ada", CUSTOMER_AAD.name("c1")),
      stage: "first_contact",
      journey: 1,
      stage_entered_at: T0,
      profile_enc: t.cipher.encryptJson({ interests: ["boards"] }, CUSTOMER_AAD.profile("c1")),
      opted_out: 0,
      handoff_until: null,
      first_contact_at: T0,
      last_inbound_at: T0,
      last_interaction_at: T0,
      conversation_count: 1,
      created_at: T0,
      updated_at: T0,
      referral_json: null,
    });
  });
  afterEach(async () => {
    await t.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  async function message(text: string, at: number, kind = "text", content: unknown = null): Promise<number> {
    return insertMessage(t.db, {
      customerId: "c1",
      direction: "in",
      author: "customer",
      textEnc: t.cipher.encrypt(text, MESSAGE_TEXT_AAD("c1")),
      gatewayMessageIndex: gatewayIdIndex(t.cipher, `id-${text}`),
      journey: 1,
      stage: "first_contact",
      assignmentId: null,
      variantId: null,
      variantVersion: null,
      intent: null,
      status: "received",
      createdAt: at,
      kind,
      contentEnc: content === null ? null : t.cipher.encryptJson(content, MESSAGE_CONTENT_AAD("c1")),
    });
  }

  it("erases what is past its retention and keeps the rest; a second run erases nothing more", async () => {
    const now = T0 + 200 * DAY;
    await message("ancient text", now - 91 * DAY);
    await message("recent text", now - 89 * DAY);
    const media = { media: { mimeType: "image/jpeg", size: 1234, mediaId: "media-42" } };
    await message("old photo caption", now - 8 * DAY, "image", media);
    await message("new photo caption", now - 6 * DAY, "image", media);
    await message("", now - 30 * DAY, "location", { latitude: 1, longitude: 2 });

    const handled = await insertInboxEntry(t.db, {
      gateway: "waha",
      gatewayMessageIndex: gatewayIdIndex(t.cipher, "in-1"),
      identityIndex: "x",
      payloadEnc: t.cipher.encryptJson({ text: "handled" }, INBOX_PAYLOAD_AAD(gatewayIdIndex(t.cipher, "in-1"))),
      receivedAt: now - 3 * DAY,
    });
    await markInboxDone(t.db, handled ?? -1, now - 2 * DAY);
    const fresh = await insertInboxEntry(t.db, {
      gateway: "waha",
      gatewayMessageIndex: gatewayIdIndex(t.cipher, "in-2"),
      identityIndex: "x",
      payloadEnc: t.cipher.encryptJson({ text: "just handled" }, INBOX_PAYLOAD_AAD(gatewayIdIndex(t.cipher, "in-2"))),
      receivedAt: now - DAY / 2,
    });
    await markInboxDone(t.db, fresh ?? -1, now - DAY / 2);
    await insertInboxEntry(t.db, {
      gateway: "waha",
      gatewayMessageIndex: gatewayIdIndex(t.cipher, "in-3"),
      identityIndex: "x",
      payloadEnc: t.cipher.encryptJson({ text: "still pending" }, INBOX_PAYLOAD_AAD(gatewayIdIndex(t.cipher, "in-3"))),
      receivedAt: now - 3 * DAY,
    });

    const reply = await message("reply row", now - 2 * DAY);
    const sentOutbox = await insertOutboxEntry(t.db, {
      messageId: reply,
      customerId: "c1",
      kind: "reply",
      inReplyToAt: now - 2 * DAY,
      inReplyToGatewayIdEnc: t.cipher.encrypt("false_15550001111@c.us_AAA", OUTBOX_REPLY_TO_AAD("c1")),
      createdAt: now - 2 * DAY,
    });
    await updateOutbox(t.db, sentOutbox, { status: "sent", sent_at: now - 2 * DAY });

    await bufferAck(t.db, {
      gateway: "waha",
      gatewayMessageIndex: gatewayIdIndex(t.cipher, "a1"),
      status: "read",
      at: now - 2 * DAY,
    });
    await bufferAck(t.db, {
      gateway: "waha",
      gatewayMessageIndex: gatewayIdIndex(t.cipher, "a2"),
      status: "read",
      at: now - 60_000,
    });

    const logFile = join(logDir, "closer.log");
    for (const [name, ageDays] of [
      ["closer.log.2025-06-01.1", 181],
      ["closer.log.2025-12-01.1", 179],
      ["other.log", 400],
    ] as const) {
      const path = join(logDir, name);
      writeFileSync(path, "{}\n");
      const at = (now - ageDays * DAY) / 1000;
      utimesSync(path, at, at);
    }

    clock.set(now);
    const report = await runRetention({ db: t.db, cipher: t.cipher }, { ...POLICY, logFile }, clock.now());
    expect(report).toEqual({
      messageTexts: 1,
      mediaReferences: 1,
      inboxPayloads: 1,
      outboxReplyIds: 1,
      pendingAcks: 1,
      logFiles: 1,
    });

    const lines = await transcript(t.db, t.cipher, "c1");
    const byCaption = (text: string) => lines.find((line) => line.text === text);
    expect(lines.map((line) => line.text)).toEqual([
      "",
      "recent text",
      "old photo caption",
      "new photo caption",
      "",
      "reply row",
    ]);
    expect(lines[0]?.kind).toBe("text");
    expect(byCaption("old photo caption")?.content).toBeNull();
    expect(byCaption("new photo caption")?.content).toEqual(media);
    expect(lines[4]?.content).toEqual({ latitude: 1, longitude: 2 });

    const inbox = await t.db.selectFrom("inbox").select(["id", "payload_enc"]).orderBy("id").execute();
    expect(inbox.map((row) => row.payload_enc === "")).toEqual([true, false, false]);
    const outbox = await t.db.selectFrom("outbox").select("in_reply_to_gateway_id_enc").execute();
    expect(outbox).toEqual([{ in_reply_to_gateway_id_enc: null }]);
    const acks = await t.db.selectFrom("pending_acks").select("gateway_message_index").execute();
    expect(acks).toEqual([{ gateway_message_index: gatewayIdIndex(t.cipher, "a2") }]);
    expect(readdirSync(logDir).sort()).toEqual(["closer.log.2025-12-01.1", "other.log"]);

    const customer = await t.db.selectFrom("customers").select("profile_enc").executeTakeFirstOrThrow();
    expect(t.cipher.decryptJson(customer.profile_enc, CUSTOMER_AAD.profile("c1"))).toEqual({ interests: ["boards"] });

    clock.advance(DAY / 2);
    const again = await runRetention({ db: t.db, cipher: t.cipher }, { ...POLICY, logFile }, clock.now());
    expect(again).toEqual({
      messageTexts: 0,
      mediaReferences: 0,
      inboxPayloads: 0,
      outboxReplyIds: 0,
      pendingAcks: 0,
      logFiles: 0,
    });
  });
});
