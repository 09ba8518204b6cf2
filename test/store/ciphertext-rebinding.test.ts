import { Migrator } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CloserError } from "../../src/errors.js";
import { rebindStoredCiphertexts } from "../../src/store/ciphertext-rebinding.js";
import { CUSTOMER_AAD, customerRowToRecord, findCustomerById } from "../../src/store/customer.repository.js";
import { createFieldCipher, rowBound } from "../../src/store/field-cipher.js";
import { gatewayIdIndex, OUTBOX_REPLY_TO_AAD } from "../../src/store/gateway-id.js";
import { INBOX_PAYLOAD_AAD, insertInboxEntry } from "../../src/store/inbox.repository.js";
import { insertMessage, transcript } from "../../src/store/message.repository.js";
import { MIGRATIONS, migrateToLatest, recordMigrationProvider } from "../../src/store/migrate.js";
import { ROW_BOUND_CIPHERTEXTS_SETTING } from "../../src/store/migrations/2026-12-03T0900-row-bound-ciphertexts.js";
import { insertOutboxEntry } from "../../src/store/outbox.repository.js";
import {
  createTestDatabase,
  placeholderCustomerRow,
  TEST_DATA_KEY,
  type TestDatabase,
} from "../support/test-database.js";

/** Values written by the release before row binding (format v1: bound to the column only), under TEST_DATA_KEY. */
const V1 = {
  phone: "v1.035860ba.yQF57KA-he6VmbVs2sD5-7yHnaJohDZQFWIjD6LLKMaWtIeRP15Y",
  name: "v1.035860ba.eyzoow0KXNpqLEVRt_T9jAfusCgaWkw3hCaG_7lN7UZ7zRZL5SU2HMTc",
  profile: "v1.035860ba.3yE3xf9B2A8qzIns4trkDCqqgxYMDXsCSxT36KRGwdDKHv81PTOK6yteZ_w",
  text: "v1.035860ba.TRbtpXaZ3BbqGmejQOLSCB2nO7mp1dt5I8s5FjLThO2Oy08zgBydPfmRTvDqIeS9EdkIVIfSbwYRBAm5INU",
  replyTo: "v1.035860ba.Ge0fQXqqy5NjCOxeoAx0IUJsnpKQWcCw9g0qFi0m4aAX1W63ukS9zAkXQA",
  payload: "v1.035860ba.urB5Wz4NzBPteMKUnhK1l_lef4iDWWejtI3jc8nPM72_oXI5nZVi_1pUhHxO",
};

function thrown(fn: () => unknown): CloserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CloserError) return error;
    throw error;
  }
  throw new Error("expected a throw");
}

describe("rebindStoredCiphertexts (upgrade to row-bound ciphertexts)", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  /** Takes the database back to the schema of the release before row binding. */
  async function downgrade(): Promise<void> {
    const migrator = new Migrator({ db: t.db, provider: recordMigrationProvider(MIGRATIONS) });
    const result = await migrator.migrateTo("2026-12-03T0740-follow-ups");
    expect(result.error).toBeUndefined();
  }

  /** What the release before wrote: a customer, a message, a reply-to id and an inbox payload, all v1. */
  async function oldRows(): Promise<void> {
    await t.db
      .insertInto("customers")
      .values(
        placeholderCustomerRow("c-old", {
          phone_index: t.cipher.blindIndex("15550100777"),
          phone_enc: V1.phone,
          name_enc: V1.name,
          profile_enc: V1.profile,
        }),
      )
      .execute();
    await t.db.insertInto("customers").values(placeholderCustomerRow("c-other")).execute();
    const messageId = await insertMessage(t.db, {
      customerId: "c-old",
      direction: "in",
      author: "customer",
      textEnc: V1.text,
      gatewayMessageIndex: null,
      journey: 1,
      stage: "first_contact",
      assignmentId: null,
      variantId: null,
      variantVersion: null,
      intent: null,
      status: "received",
      createdAt: 1_000,
    });
    await insertOutboxEntry(t.db, {
      messageId,
      customerId: "c-old",
      kind: "reply",
      inReplyToAt: 1_000,
      inReplyToGatewayIdEnc: V1.replyTo,
      createdAt: 1_000,
    });
    await insertInboxEntry(t.db, {
      gateway: "cloud",
      gatewayMessageIndex: gatewayIdIndex(t.cipher, "wamid.OLD"),
      identityIndex: "x",
      payloadEnc: V1.payload,
      receivedAt: 1_000,
    });
  }

  it("reads a data dir of the release before and rewrites every value bound to its row, once", async () => {
    await downgrade();
    await oldRows();
    // The rebinding migration, and those after it.
    expect((await migrateToLatest(t.db)).map((s) => s.name)).toEqual(
      Object.keys(MIGRATIONS).filter((name) => name > "2026-12-03T0740-follow-ups"),
    );
    // Before the rewrite, the old values read as they are.
    const before = customerRowToRecord((await findCustomerById(t.db, "c-old"))!, t.cipher);
    expect(before).toMatchObject({ identity: "15550100777", name: "Ana Old-Format", profile: { trustLevel: 3 } });

    expect(await rebindStoredCiphertexts(t.db, t.cipher)).toBe(6);
    const row = (await findCustomerById(t.db, "c-old"))!;
    for (const value of [row.phone_enc, row.name_enc, row.profile_enc]) expect(value).toMatch(/^v2\./);
    expect(customerRowToRecord(row, t.cipher)).toMatchObject({
      identity: "15550100777",
      name: "Ana Old-Format",
      profile: { trustLevel: 3 },
    });
    expect((await transcript(t.db, t.cipher, "c-old")).map((m) => m.text)).toEqual([
      "Do you still have the blue kettle?",
    ]);
    const outbox = await t.db.selectFrom("outbox").selectAll().executeTakeFirstOrThrow();
    expect(t.cipher.decrypt(outbox.in_reply_to_gateway_id_enc!, OUTBOX_REPLY_TO_AAD("c-old"))).toBe("wamid.OLDFORMAT");
    const inbox = await t.db.selectFrom("inbox").selectAll().executeTakeFirstOrThrow();
    expect(inbox.payload_enc).toMatch(/^v2\./);
    expect(t.cipher.decryptJson(inbox.payload_enc, INBOX_PAYLOAD_AAD(inbox.gateway_message_index))).toEqual({
      hello: "inbox",
    });
    const marker = await t.db
      .selectFrom("settings")
      .select("key")
      .where("key", "=", ROW_BOUND_CIPHERTEXTS_SETTING)
      .executeTakeFirst();
    expect(marker).toBeUndefined();
    expect(await rebindStoredCiphertexts(t.db, t.cipher)).toBe(0);

    // Now bound to its row: the phone copied into another customer's row does not decrypt there.
    await t.db.updateTable("customers").set({ phone_enc: row.phone_enc }).where("id", "=", "c-other").execute();
    const other = (await findCustomerById(t.db, "c-other"))!;
    const error = thrown(() => customerRowToRecord(other, t.cipher));
    expect(error.code).toBe("decryption_failed");
    expect(error.message).toContain("customers.phone in row c-other");
    expect(error.message).not.toContain("15550100777");
  });

  it("needs nothing on a new database, and works after a key rotation", async () => {
    expect(await rebindStoredCiphertexts(t.db, t.cipher)).toBe(0);
    await downgrade();
    await oldRows();
    await migrateToLatest(t.db);
    // The key was rotated before the upgrade: the old key is listed as previous.
    const rotated = createFieldCipher({ primary: Buffer.alloc(32, 0x5a), previous: [TEST_DATA_KEY] });
    expect(await rebindStoredCiphertexts(t.db, rotated)).toBe(6);
    const row = (await findCustomerById(t.db, "c-old"))!;
    expect(rotated.keyIdOf(row.phone_enc)).toBe(rotated.keyId);
    expect(rotated.decrypt(row.phone_enc, CUSTOMER_AAD.phone("c-old"))).toBe("15550100777");
    expect(thrown(() => rotated.decrypt(row.phone_enc, rowBound("customers.phone", "c-other"))).code).toBe(
      "decryption_failed",
    );
  });

  it("changes nothing when a stored value does not decrypt", async () => {
    await downgrade();
    await oldRows();
    await migrateToLatest(t.db);
    const wrongKey = createFieldCipher({ primary: Buffer.alloc(32, 0x77) });
    await expect(rebindStoredCiphertexts(t.db, wrongKey)).rejects.toMatchObject({ code: "decryption_failed" });
    const row = (await findCustomerById(t.db, "c-old"))!;
    expect(row.phone_enc).toBe(V1.phone);
    expect(await rebindStoredCiphertexts(t.db, t.cipher)).toBe(6);
  });
});
