import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isCloserError } from "../../src/errors.js";
import { insertAssignment } from "../../src/store/assignment.repository.js";
import { appendAudit } from "../../src/store/audit.repository.js";
import { insertConsentEvent } from "../../src/store/consent.repository.js";
import {
  CUSTOMER_AAD,
  customerRowToRecord,
  deleteCustomerCascade,
  findCustomerById,
  findCustomerByLidIndex,
  findCustomerByPhoneIndex,
  insertCustomer,
  listCustomers,
  updateCustomer,
} from "../../src/store/customer.repository.js";
import type { NewCustomerRow } from "../../src/store/database.js";
import { isForgottenMessage } from "../../src/store/forgotten-message.repository.js";
import { type GatewayIdIndex, gatewayIdIndex } from "../../src/store/gateway-id.js";
import { insertHandoff } from "../../src/store/handoff.repository.js";
import { insertInboxEntry } from "../../src/store/inbox.repository.js";
import { insertMessage } from "../../src/store/message.repository.js";
import { insertOutboxEntry } from "../../src/store/outbox.repository.js";
import { bufferAck } from "../../src/store/pending-ack.repository.js";
import { insertPolicyVersion } from "../../src/store/policy-version.repository.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("customer repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  function customerRow(id: string, over: Partial<NewCustomerRow> = {}): NewCustomerRow {
    return {
      id,
      phone_index: t.cipher.blindIndex(`phone-${id}`),
      phone_enc: t.cipher.encrypt(`1555000${id}`, CUSTOMER_AAD.phone(id)),
      lid_index: null,
      name_enc: null,
      stage: "first_contact",
      journey: 1,
      stage_entered_at: 1_000,
      profile_enc: t.cipher.encryptJson({ interests: ["tea"] }, CUSTOMER_AAD.profile(id)),
      opted_out: 0,
      handoff_until: null,
      first_contact_at: 1_000,
      last_inbound_at: null,
      last_interaction_at: 1_000,
      conversation_count: 1,
      created_at: 1_000,
      updated_at: 1_000,
      ...over,
    };
  }

  describe("lookups", () => {
    it("should find a customer by id, by phone blind index and by lid blind index", async () => {
      await insertCustomer(t.db, customerRow("a", { lid_index: t.cipher.blindIndex("999@lid") }));
      await insertCustomer(t.db, customerRow("b"));

      expect((await findCustomerById(t.db, "a"))?.id).toBe("a");
      expect((await findCustomerByPhoneIndex(t.db, t.cipher.blindIndex("phone-b")))?.id).toBe("b");
      expect((await findCustomerByLidIndex(t.db, t.cipher.blindIndex("999@lid")))?.id).toBe("a");
    });

    it("should return undefined for an unknown id or index", async () => {
      await insertCustomer(t.db, customerRow("a"));
      expect(await findCustomerById(t.db, "zz")).toBeUndefined();
      expect(await findCustomerByPhoneIndex(t.db, "nope")).toBeUndefined();
      expect(await findCustomerByLidIndex(t.db, "nope")).toBeUndefined();
    });

    it("should refuse a second customer with the same phone index", async () => {
      await insertCustomer(t.db, customerRow("a"));
      await expect(
        insertCustomer(t.db, customerRow("b", { phone_index: t.cipher.blindIndex("phone-a") })),
      ).rejects.toThrow(/unique/i);
    });
  });

  describe("updateCustomer", () => {
    it("should change only the given columns of the given customer", async () => {
      await insertCustomer(t.db, customerRow("a"));
      await insertCustomer(t.db, customerRow("b"));
      await updateCustomer(t.db, "a", { stage: "intent", opted_out: 1, updated_at: 2_000 });

      const a = await findCustomerById(t.db, "a");
      const b = await findCustomerById(t.db, "b");
      expect(a).toMatchObject({ stage: "intent", opted_out: 1, updated_at: 2_000, journey: 1 });
      expect(b).toMatchObject({ stage: "first_contact", opted_out: 0, updated_at: 1_000 });
    });
  });

  describe("listCustomers", () => {
    it("should list the most recently active first, with limit and offset", async () => {
      await insertCustomer(t.db, customerRow("old", { last_interaction_at: 1 }));
      await insertCustomer(t.db, customerRow("new", { last_interaction_at: 3 }));
      await insertCustomer(t.db, customerRow("mid", { last_interaction_at: 2 }));

      expect((await listCustomers(t.db)).map((c) => c.id)).toEqual(["new", "mid", "old"]);
      expect((await listCustomers(t.db, { limit: 1, offset: 1 })).map((c) => c.id)).toEqual(["mid"]);
    });
  });

  describe("customerRowToRecord", () => {
    it("should decrypt identity, name and profile and map the flags", async () => {
      await insertCustomer(
        t.db,
        customerRow("a", {
          name_enc: t.cipher.encrypt("Ana", CUSTOMER_AAD.name("a")),
          opted_out: 1,
          handoff_until: 5_000,
        }),
      );
      const row = await findCustomerById(t.db, "a");
      if (row === undefined) throw new Error("customer missing");
      expect(customerRowToRecord(row, t.cipher)).toEqual({
        id: "a",
        identity: "1555000a",
        name: "Ana",
        stage: "first_contact",
        journey: 1,
        stageEnteredAt: 1_000,
        profile: { interests: ["tea"] },
        optedOut: true,
        handoffUntil: 5_000,
        firstContactAt: 1_000,
        lastInboundAt: null,
        lastInteractionAt: 1_000,
        conversationCount: 1,
        createdAt: 1_000,
        updatedAt: 1_000,
      });
    });

    it("should keep a missing name as null", async () => {
      await insertCustomer(t.db, customerRow("a"));
      const row = await findCustomerById(t.db, "a");
      if (row === undefined) throw new Error("customer missing");
      expect(customerRowToRecord(row, t.cipher).name).toBeNull();
    });

    it("should refuse a value moved from another column", async () => {
      // The phone ciphertext pasted into the name column must not decrypt as a name.
      const row = customerRow("a");
      await insertCustomer(t.db, { ...row, name_enc: row.phone_enc });
      const stored = await findCustomerById(t.db, "a");
      if (stored === undefined) throw new Error("customer missing");
      let error: unknown;
      try {
        customerRowToRecord(stored, t.cipher);
      } catch (e) {
        error = e;
      }
      expect(isCloserError(error) && error.code).toBe("decryption_failed");
    });
  });

  describe("deleteCustomerCascade", () => {
    async function seedHistory(customerId: string): Promise<void> {
      const policy = await insertPolicyVersion(t.db, {
        stage: "first_contact",
        algorithm: "uniform",
        weights: { "warm@1": 1 },
        floor: 0.05,
        seed: 1,
        counts: {},
        reason: "initial",
        createdAt: 1,
      });
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
        createdAt: 1,
      });
      await insertOutboxEntry(t.db, {
        messageId,
        customerId,
        kind: "reply",
        inReplyToAt: null,
        inReplyToGatewayIdEnc: null,
        createdAt: 1,
      });
      await insertConsentEvent(t.db, customerId, "opt_out", 1);
      await insertHandoff(t.db, { customerId, startedAt: 1, endsAt: 2, reason: "fromMe" });
      await insertAssignment(t.db, {
        customerId,
        journey: 1,
        stage: "first_contact",
        variantId: "warm",
        variantVersion: 1,
        propensity: 1,
        policyVersionId: policy.id,
        assignedAt: 1,
        windowEndsAt: 100,
      });
      await t.db
        .insertInto("outcomes")
        .values({
          customer_id: customerId,
          event_id: `order-${customerId}`,
          outcome: "won",
          reason: `${customerId} paid by card`,
          value: 49,
          currency: "USD",
          source: "api",
          created_at: 1,
        })
        .execute();
      await appendAudit(t.db, { at: 1, actor: "cli:op", action: "handoff_start", subject: customerId });
      await appendAudit(t.db, { at: 1, actor: "mcp", action: "mcp:customer", detail: { customerId } });
    }

    const customerIdsIn = async (table: "messages" | "outbox" | "consent_events" | "handoffs") =>
      (await t.db.selectFrom(table).select("customer_id").execute()).map((r) => r.customer_id);

    it("should delete the customer with their transcript, outbox, consent events and handoffs", async () => {
      await insertCustomer(t.db, customerRow("gone"));
      await insertCustomer(t.db, customerRow("stays"));
      await seedHistory("gone");
      await seedHistory("stays");

      await deleteCustomerCascade(t.db, "gone");

      expect(await findCustomerById(t.db, "gone")).toBeUndefined();
      expect(await findCustomerById(t.db, "stays")).toBeDefined();
      for (const table of ["messages", "outbox", "consent_events", "handoffs"] as const) {
        expect(await customerIdsIn(table), table).toEqual(["stays"]);
      }
    });

    it("should delete the customer's inbound payloads still in the inbox", async () => {
      await insertCustomer(t.db, customerRow("gone"));
      await insertCustomer(t.db, customerRow("stays"));
      for (const id of ["gone", "stays"]) {
        await insertInboxEntry(t.db, {
          gateway: "gowa",
          gatewayMessageIndex: `in-${id}` as GatewayIdIndex,
          identityIndex: t.cipher.blindIndex(`phone-${id}`),
          payloadEnc: "enc",
          receivedAt: 1,
        });
      }
      await deleteCustomerCascade(t.db, "gone");
      const left = await t.db.selectFrom("inbox").select("gateway_message_index").execute();
      expect(left.map((r) => r.gateway_message_index)).toEqual(["in-stays"]);
    });

    it("should keep assignments and outcomes for the statistics, detached from the person", async () => {
      await insertCustomer(t.db, customerRow("gone"));
      await seedHistory("gone");

      await deleteCustomerCascade(t.db, "gone");

      const assignments = await t.db.selectFrom("assignments").selectAll().execute();
      const outcomes = await t.db.selectFrom("outcomes").selectAll().execute();
      expect(assignments).toHaveLength(1);
      expect(outcomes).toHaveLength(1);
      expect(assignments[0]).toMatchObject({ stage: "first_contact", variant_id: "warm", status: "pending" });
      // The counts and the value stay; what could name the person (the shop's order id, the reason) goes.
      expect(outcomes[0]).toMatchObject({ outcome: "won", value: 49, currency: "USD", event_id: null, reason: null });
      expect(assignments[0]?.customer_id).toMatch(/^forgotten:[0-9a-f-]{36}$/);
      expect(outcomes[0]?.customer_id).toBe(assignments[0]?.customer_id);
      expect(assignments[0]?.customer_id).not.toContain("gone");
    });

    it("should delete the audit entries that name the customer and keep the others", async () => {
      await insertCustomer(t.db, customerRow("gone"));
      await insertCustomer(t.db, customerRow("stays"));
      await seedHistory("gone");
      await seedHistory("stays");
      await deleteCustomerCascade(t.db, "gone");
      const audit = await t.db.selectFrom("audit_log").selectAll().execute();
      expect(audit).toHaveLength(2);
      expect(JSON.stringify(audit)).not.toContain("gone");
    });

    it("should keep tombstones of the customer's message ids and drop their buffered receipts", async () => {
      await insertCustomer(t.db, customerRow("gone"));
      await insertCustomer(t.db, customerRow("stays"));
      const idx = (id: string) => gatewayIdIndex(t.cipher, id);
      for (const id of ["gone", "stays"]) {
        await insertInboxEntry(t.db, {
          gateway: "waha",
          gatewayMessageIndex: idx(`in-${id}`),
          identityIndex: t.cipher.blindIndex(`phone-${id}`),
          payloadEnc: "enc",
          receivedAt: 1,
        });
        await insertMessage(t.db, {
          customerId: id,
          direction: "out",
          author: "bot",
          textEnc: "enc",
          gatewayMessageIndex: idx(`out-${id}`),
          journey: 1,
          stage: "first_contact",
          assignmentId: null,
          variantId: null,
          variantVersion: null,
          intent: null,
          status: "sent",
          createdAt: 1,
        });
        await bufferAck(t.db, { gateway: "waha", gatewayMessageIndex: idx(`out-${id}`), status: "read", at: 1 });
      }
      expect(await deleteCustomerCascade(t.db, "gone", 5)).toBe(2);
      expect(await isForgottenMessage(t.db, idx("in-gone"))).toBe(true);
      expect(await isForgottenMessage(t.db, idx("out-gone"))).toBe(true);
      expect(await isForgottenMessage(t.db, idx("in-stays"))).toBe(false);
      const acks = await t.db.selectFrom("pending_acks").select("gateway_message_index").execute();
      expect(acks).toEqual([{ gateway_message_index: idx("out-stays") }]);
    });

    it("should forget two customers who were assigned in the same stage", async () => {
      // (customer, journey, stage) is unique, so both cannot be detached to one shared id.
      await insertCustomer(t.db, customerRow("a"));
      await insertCustomer(t.db, customerRow("b"));
      await seedHistory("a");
      await seedHistory("b");

      await deleteCustomerCascade(t.db, "a");
      await deleteCustomerCascade(t.db, "b");

      const ids = (await t.db.selectFrom("assignments").select("customer_id").execute()).map((r) => r.customer_id);
      expect(ids).toHaveLength(2);
      expect(ids.every((id) => id.startsWith("forgotten"))).toBe(true);
      expect(new Set(ids).size).toBe(2);
    });

    it("should do nothing for an unknown customer", async () => {
      await insertCustomer(t.db, customerRow("a"));
      await deleteCustomerCascade(t.db, "zz");
      expect(await findCustomerById(t.db, "a")).toBeDefined();
    });
  });
});
