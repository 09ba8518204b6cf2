import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertCustomer } from "../../src/store/customer.repository.js";
import { insertMessage } from "../../src/store/message.repository.js";
import {
  countOutboxByStatus,
  insertOutboxEntry,
  openOutboxHead,
  openOutboxRows,
  outboxRowsByIds,
  updateOutbox,
} from "../../src/store/outbox.repository.js";
import { createTestDatabase, placeholderCustomerRow, type TestDatabase } from "../support/test-database.js";

describe("outbox repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
    for (const id of ["c1", "c2"]) await insertCustomer(t.db, placeholderCustomerRow(id));
  });
  afterEach(async () => {
    await t.close();
  });

  async function queue(createdAt = 1_000, customerId = "c1"): Promise<number> {
    const messageId = await insertMessage(t.db, {
      customerId,
      direction: "out",
      author: "bot",
      textEnc: "enc",
      gatewayMessageIndex: null,
      journey: 1,
      stage: "first_contact",
      assignmentId: null,
      variantId: null,
      variantVersion: null,
      intent: null,
      status: "queued",
      createdAt,
    });
    return insertOutboxEntry(t.db, {
      messageId,
      customerId,
      kind: "reply",
      inReplyToAt: createdAt - 10,
      inReplyToGatewayIdEnc: "in-1",
      createdAt,
    });
  }

  describe("insertOutboxEntry", () => {
    it("should queue a pending row due at once", async () => {
      const id = await queue(1_000);
      const [row] = await outboxRowsByIds(t.db, [id]);
      expect(row).toMatchObject({
        id,
        customer_id: "c1",
        kind: "reply",
        status: "pending",
        attempts: 0,
        next_attempt_at: 1_000,
        in_reply_to_at: 990,
        in_reply_to_gateway_id_enc: "in-1",
        last_error: null,
        created_at: 1_000,
        sent_at: null,
      });
    });
  });

  describe("openOutboxHead", () => {
    it("should give one chat's oldest unfinished row, or nothing once all are finished", async () => {
      const [sent, failed, sending, pending] = [await queue(), await queue(), await queue(), await queue()] as [
        number,
        number,
        number,
        number,
      ];
      const other = await queue(900, "c2");
      await updateOutbox(t.db, sent, { status: "sent", sent_at: 5 });
      await updateOutbox(t.db, failed, { status: "failed" });
      await updateOutbox(t.db, sending, { status: "sending" });
      expect((await openOutboxHead(t.db, "c1"))?.id).toBe(sending);
      await updateOutbox(t.db, sending, { status: "sent" });
      expect((await openOutboxHead(t.db, "c1"))?.id).toBe(pending);
      await updateOutbox(t.db, pending, { status: "held" });
      expect(await openOutboxHead(t.db, "c1")).toBeUndefined();
      expect(await openOutboxHead(t.db, "c2")).toMatchObject({ id: other, status: "pending", customer_id: "c2" });
    });

    it("should count a composing reply as the head (the sender waits for the LLM)", async () => {
      const first = await queue();
      await queue();
      await updateOutbox(t.db, first, { status: "composing" });
      expect((await openOutboxHead(t.db, "c1"))?.status).toBe("composing");
    });
  });

  describe("openOutboxRows", () => {
    it("should give each chat's oldest unfinished row, skipping sent, failed and held ones", async () => {
      const ids = [await queue(), await queue(), await queue(), await queue(), await queue()];
      const [sent, failed, held, sending, pending] = ids as [number, number, number, number, number];
      await updateOutbox(t.db, sent, { status: "sent", sent_at: 5 });
      await updateOutbox(t.db, failed, { status: "failed" });
      await updateOutbox(t.db, held, { status: "held" });
      await updateOutbox(t.db, sending, { status: "sending" });
      const other = await queue(1_000, "c2");
      expect((await openOutboxRows(t.db, 10)).map((r) => r.id)).toEqual([sending, other]);
      await updateOutbox(t.db, sending, { status: "sent" });
      expect((await openOutboxRows(t.db, 10)).map((r) => r.id)).toEqual([pending, other]);
    });

    it("should give the head of a chat even when it is not due yet, so a later reply never overtakes it", async () => {
      const early = await queue();
      await queue();
      await updateOutbox(t.db, early, { next_attempt_at: 999_999, attempts: 1 });
      expect((await openOutboxRows(t.db, 10)).map((r) => r.id)).toEqual([early]);
    });

    it("should list due chats before deferred ones, so a backlog of deferred chats cannot crowd them out", async () => {
      const deferred = await queue(1_000, "c1");
      await updateOutbox(t.db, deferred, { next_attempt_at: 999_999 });
      const fresh = await queue(2_000, "c2");
      expect((await openOutboxRows(t.db, 1)).map((r) => r.id)).toEqual([fresh]);
    });

    it("should respect the limit", async () => {
      const first = await queue();
      await queue();
      expect((await openOutboxRows(t.db, 1)).map((r) => r.id)).toEqual([first]);
    });
  });

  describe("updateOutbox", () => {
    it("should apply the patch to one row only", async () => {
      const a = await queue();
      const b = await queue();
      await updateOutbox(t.db, a, { status: "pending", attempts: 2, next_attempt_at: 5_000, last_error: "timeout" });
      const [rowA, rowB] = await outboxRowsByIds(t.db, [a, b]);
      expect(rowA).toMatchObject({ attempts: 2, next_attempt_at: 5_000, last_error: "timeout" });
      expect(rowB).toMatchObject({ attempts: 0, next_attempt_at: 1_000, last_error: null });
    });
  });

  describe("outboxRowsByIds", () => {
    it("should return the rows in id order and nothing for no ids", async () => {
      const a = await queue();
      const b = await queue();
      expect((await outboxRowsByIds(t.db, [b, a])).map((r) => r.id)).toEqual([a, b]);
      expect(await outboxRowsByIds(t.db, [])).toEqual([]);
    });
  });

  describe("countOutboxByStatus", () => {
    it("should count rows per status", async () => {
      const a = await queue();
      await queue();
      await queue();
      await updateOutbox(t.db, a, { status: "sent" });
      expect(await countOutboxByStatus(t.db)).toEqual({ pending: 2, sent: 1 });
    });
  });
});
