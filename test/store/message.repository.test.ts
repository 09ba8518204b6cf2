import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertCustomer } from "../../src/store/customer.repository.js";
import type { GatewayIdIndex } from "../../src/store/index.js";
import {
  findOutboundByGatewayId,
  insertMessage,
  MESSAGE_TEXT_AAD,
  type MessageRecord,
  messagesByIds,
  type NewMessage,
  setMessageStatus,
  transcript,
} from "../../src/store/message.repository.js";
import { createTestDatabase, placeholderCustomerRow, type TestDatabase } from "../support/test-database.js";

const idx = (id: string) => id as GatewayIdIndex;

describe("message repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
    await seedCustomer("c1");
    await seedCustomer("c2");
  });
  afterEach(async () => {
    await t.close();
  });

  async function seedCustomer(id: string): Promise<void> {
    await insertCustomer(t.db, placeholderCustomerRow(id));
  }

  function message(text: string, over: Partial<NewMessage> = {}): NewMessage {
    return {
      customerId: "c1",
      direction: "in",
      author: "customer",
      textEnc: t.cipher.encrypt(text, MESSAGE_TEXT_AAD(over.customerId ?? "c1")),
      gatewayMessageIndex: null,
      journey: 1,
      stage: "first_contact",
      assignmentId: null,
      variantId: null,
      variantVersion: null,
      intent: null,
      status: "received",
      createdAt: 1_000,
      ...over,
    };
  }

  const texts = (records: MessageRecord[]) => records.map((m) => m.text);

  describe("insertMessage and messagesByIds", () => {
    it("should round-trip every field with the text decrypted", async () => {
      const id = await insertMessage(
        t.db,
        message("Is the blue kettle in stock?", {
          direction: "out",
          author: "bot",
          gatewayMessageIndex: idx("g-1"),
          stage: "intent",
          journey: 2,
          assignmentId: 7,
          variantId: "direct",
          variantVersion: 3,
          intent: "stock_question",
          status: "queued",
        }),
      );
      expect(await messagesByIds(t.db, t.cipher, [id])).toEqual([
        {
          id,
          customerId: "c1",
          direction: "out",
          author: "bot",
          text: "Is the blue kettle in stock?",
          gatewayMessageIndex: idx("g-1"),
          journey: 2,
          stage: "intent",
          assignmentId: 7,
          variantId: "direct",
          variantVersion: 3,
          intent: "stock_question",
          status: "queued",
          statusReason: null,
          createdAt: 1_000,
          statusAt: 1_000,
          kind: "text",
          content: null,
          reaction: null,
          editedAt: null,
          revokedAt: null,
        },
      ]);
    });

    it("should hold no plaintext in the stored row", async () => {
      const id = await insertMessage(t.db, message("my secret address is 12 Elm Street"));
      const raw = await t.db.selectFrom("messages").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
      expect(JSON.stringify(raw)).not.toContain("Elm Street");
      expect(raw.text_enc.startsWith("v2.")).toBe(true);
    });

    it("should return messages by id in id order and nothing for no ids", async () => {
      const a = await insertMessage(t.db, message("a"));
      const b = await insertMessage(t.db, message("b"));
      const c = await insertMessage(t.db, message("c"));
      expect(texts(await messagesByIds(t.db, t.cipher, [c, a]))).toEqual(["a", "c"]);
      expect(await messagesByIds(t.db, t.cipher, [])).toEqual([]);
      expect(b).toBeGreaterThan(a);
    });

    it("should refuse a message for an unknown customer", async () => {
      await expect(insertMessage(t.db, message("x", { customerId: "nobody" }))).rejects.toThrow(/foreign key/i);
    });
  });

  describe("setMessageStatus", () => {
    it("should set status, reason and time, and record the gateway id once known", async () => {
      const id = await insertMessage(t.db, message("hi", { direction: "out", author: "bot", status: "queued" }));
      await setMessageStatus(t.db, id, "sent", 2_000, { gatewayMessageIndex: idx("g-9") });
      const [sent] = await messagesByIds(t.db, t.cipher, [id]);
      expect(sent).toMatchObject({
        status: "sent",
        statusAt: 2_000,
        statusReason: null,
        gatewayMessageIndex: idx("g-9"),
      });

      await setMessageStatus(t.db, id, "failed", 3_000, { reason: "gateway_rejected" });
      const [failed] = await messagesByIds(t.db, t.cipher, [id]);
      // Without a gateway id the known one is kept.
      expect(failed).toMatchObject({
        status: "failed",
        statusAt: 3_000,
        statusReason: "gateway_rejected",
        gatewayMessageIndex: idx("g-9"),
      });
    });

    it("should change only the given message", async () => {
      const a = await insertMessage(t.db, message("a", { direction: "out", author: "bot", status: "queued" }));
      const b = await insertMessage(t.db, message("b", { direction: "out", author: "bot", status: "queued" }));
      await setMessageStatus(t.db, a, "delivered", 2_000);
      expect((await messagesByIds(t.db, t.cipher, [a, b])).map((m) => m.status)).toEqual(["delivered", "queued"]);
    });
  });

  describe("findOutboundByGatewayId", () => {
    it("should find our outbound message by gateway id and ignore an inbound one with the same id", async () => {
      await insertMessage(t.db, message("inbound", { gatewayMessageIndex: idx("shared") }));
      const out = await insertMessage(
        t.db,
        message("outbound", { direction: "out", author: "bot", status: "sent", gatewayMessageIndex: idx("shared") }),
      );
      expect(await findOutboundByGatewayId(t.db, idx("shared"))).toEqual({
        id: out,
        status: "sent",
        customer_id: "c1",
      });
    });

    it("should return undefined when only an inbound message carries the id", async () => {
      await insertMessage(t.db, message("inbound", { gatewayMessageIndex: idx("in-only") }));
      expect(await findOutboundByGatewayId(t.db, idx("in-only"))).toBeUndefined();
      expect(await findOutboundByGatewayId(t.db, idx("unknown"))).toBeUndefined();
    });
  });

  describe("transcript", () => {
    it("should return one customer's messages oldest first", async () => {
      await insertMessage(t.db, message("one"));
      await insertMessage(t.db, message("other customer", { customerId: "c2" }));
      await insertMessage(t.db, message("two", { direction: "out", author: "bot", status: "queued" }));
      await insertMessage(t.db, message("three"));
      expect(texts(await transcript(t.db, t.cipher, "c1"))).toEqual(["one", "two", "three"]);
      expect(texts(await transcript(t.db, t.cipher, "c2"))).toEqual(["other customer"]);
    });

    it("should keep the most recent messages when limited, still oldest first", async () => {
      for (const text of ["m1", "m2", "m3", "m4", "m5"]) await insertMessage(t.db, message(text));
      expect(texts(await transcript(t.db, t.cipher, "c1", 2))).toEqual(["m4", "m5"]);
    });

    it("should be empty for a customer without messages", async () => {
      expect(await transcript(t.db, t.cipher, "nobody")).toEqual([]);
    });
  });
});
