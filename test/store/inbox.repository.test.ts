import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  countInboxByStatus,
  findInboxId,
  INBOX_PAYLOAD_AAD,
  insertInboxEntry,
  markInboxAttemptFailed,
  markInboxDone,
  type NewInboxEntry,
  pendingInboxRows,
} from "../../src/store/inbox.repository.js";
import type { GatewayIdIndex } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const idx = (id: string) => id as GatewayIdIndex;

describe("inbox repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  function entry(gatewayMessageId: string, over: Partial<NewInboxEntry> = {}): NewInboxEntry {
    return {
      gateway: "gowa",
      gatewayMessageIndex: idx(gatewayMessageId),
      identityIndex: "idx-1",
      payloadEnc: t.cipher.encryptJson({ text: `hello ${gatewayMessageId}` }, INBOX_PAYLOAD_AAD(idx(gatewayMessageId))),
      receivedAt: 1_000,
      ...over,
    };
  }

  const inboxCount = async () => (await t.db.selectFrom("inbox").select("id").execute()).length;
  const inboxRow = async (id: number) =>
    t.db.selectFrom("inbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  describe("insertInboxEntry", () => {
    it("should store a new message as pending with no attempts and return its id", async () => {
      const id = await insertInboxEntry(t.db, entry("m1"));
      expect(id).toEqual(expect.any(Number));
      const row = await inboxRow(id as number);
      expect(row).toMatchObject({
        gateway: "gowa",
        gateway_message_index: "m1",
        identity_index: "idx-1",
        status: "pending",
        attempts: 0,
        processed_at: null,
        last_error: null,
        received_at: 1_000,
      });
      expect(t.cipher.decryptJson(row.payload_enc, INBOX_PAYLOAD_AAD(row.gateway_message_index))).toEqual({
        text: "hello m1",
      });
    });

    it("should return null for a redelivery of the same gateway message and keep one row", async () => {
      const first = await insertInboxEntry(t.db, entry("m1"));
      const again = await insertInboxEntry(t.db, entry("m1", { receivedAt: 2_000 }));
      expect(first).not.toBeNull();
      expect(again).toBeNull();
      expect(await inboxCount()).toBe(1);
      expect((await inboxRow(first as number)).received_at).toBe(1_000);
    });

    it("should accept the same message id from a different gateway", async () => {
      const gowa = await insertInboxEntry(t.db, entry("m1"));
      const waha = await insertInboxEntry(t.db, entry("m1", { gateway: "waha" }));
      expect(gowa).not.toBeNull();
      expect(waha).not.toBeNull();
      expect(waha).not.toBe(gowa);
      expect(await inboxCount()).toBe(2);
    });
  });

  describe("findInboxId", () => {
    it("should find the id of an accepted message and null for an unknown one", async () => {
      const id = await insertInboxEntry(t.db, entry("m1"));
      expect(await findInboxId(t.db, "gowa", idx("m1"))).toBe(id);
      expect(await findInboxId(t.db, "waha", idx("m1"))).toBeNull();
      expect(await findInboxId(t.db, "gowa", idx("m2"))).toBeNull();
    });
  });

  describe("pendingInboxRows", () => {
    it("should return only pending rows, in id order, up to the limit", async () => {
      // Received times are deliberately out of order: arrival order is the id.
      const a = await insertInboxEntry(t.db, entry("a", { receivedAt: 3 }));
      const b = await insertInboxEntry(t.db, entry("b", { receivedAt: 1 }));
      const c = await insertInboxEntry(t.db, entry("c", { receivedAt: 2 }));
      const d = await insertInboxEntry(t.db, entry("d", { receivedAt: 0 }));
      await markInboxDone(t.db, b as number, 10);

      expect((await pendingInboxRows(t.db, 10)).map((r) => r.id)).toEqual([a, c, d]);
      expect((await pendingInboxRows(t.db, 2)).map((r) => r.id)).toEqual([a, c]);
    });
  });

  describe("markInboxDone", () => {
    it("should mark the row done with its time and clear the last error", async () => {
      const id = (await insertInboxEntry(t.db, entry("m1"))) as number;
      await markInboxAttemptFailed(t.db, id, "boom", 5, 10);
      await markInboxDone(t.db, id, 20);
      expect(await inboxRow(id)).toMatchObject({ status: "done", processed_at: 20, last_error: null, attempts: 1 });
    });
  });

  describe("markInboxAttemptFailed", () => {
    it("should keep the row pending and count the attempt while attempts remain", async () => {
      const id = (await insertInboxEntry(t.db, entry("m1"))) as number;
      expect(await markInboxAttemptFailed(t.db, id, "llm down", 3, 10)).toBe("retry");
      expect(await markInboxAttemptFailed(t.db, id, "llm still down", 3, 11)).toBe("retry");
      expect(await inboxRow(id)).toMatchObject({
        status: "pending",
        attempts: 2,
        last_error: "llm still down",
        processed_at: null,
      });
    });

    it("should park the row as failed on the last allowed attempt so the queue moves on", async () => {
      const id = (await insertInboxEntry(t.db, entry("m1"))) as number;
      const next = (await insertInboxEntry(t.db, entry("m2"))) as number;
      await markInboxAttemptFailed(t.db, id, "x", 3, 10);
      await markInboxAttemptFailed(t.db, id, "x", 3, 11);
      expect(await markInboxAttemptFailed(t.db, id, "x", 3, 12)).toBe("failed");

      expect(await inboxRow(id)).toMatchObject({ status: "failed", attempts: 3, processed_at: 12 });
      expect((await pendingInboxRows(t.db, 10)).map((r) => r.id)).toEqual([next]);
    });

    it("should cut a long reason to 300 characters", async () => {
      const id = (await insertInboxEntry(t.db, entry("m1"))) as number;
      await markInboxAttemptFailed(t.db, id, "e".repeat(1_000), 3, 10);
      expect((await inboxRow(id)).last_error).toHaveLength(300);
    });
  });

  describe("countInboxByStatus", () => {
    it("should count rows per status", async () => {
      const a = (await insertInboxEntry(t.db, entry("a"))) as number;
      const b = (await insertInboxEntry(t.db, entry("b"))) as number;
      await insertInboxEntry(t.db, entry("c"));
      await markInboxDone(t.db, a, 1);
      await markInboxAttemptFailed(t.db, b, "x", 1, 1);
      expect(await countInboxByStatus(t.db)).toEqual({ done: 1, failed: 1, pending: 1 });
    });

    it("should be empty for an empty inbox", async () => {
      expect(await countInboxByStatus(t.db)).toEqual({});
    });
  });
});
