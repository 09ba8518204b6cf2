import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { GatewayIdIndex } from "../../src/store/index.js";
import { bufferAck, takeBufferedAcks } from "../../src/store/pending-ack.repository.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

const idx = (id: string) => id as GatewayIdIndex;

describe("pending-ack repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  it("should hand back the buffered receipts of one id in time order", async () => {
    await bufferAck(t.db, { gateway: "gowa", gatewayMessageIndex: idx("g1"), status: "read", at: 30 });
    await bufferAck(t.db, { gateway: "gowa", gatewayMessageIndex: idx("g1"), status: "delivered", at: 20 });
    expect(await takeBufferedAcks(t.db, "gowa", idx("g1"))).toEqual([
      { status: "delivered", at: 20 },
      { status: "read", at: 30 },
    ]);
  });

  it("should delete what it took, so a second take finds nothing", async () => {
    await bufferAck(t.db, { gateway: "gowa", gatewayMessageIndex: idx("g1"), status: "delivered", at: 20 });
    await takeBufferedAcks(t.db, "gowa", idx("g1"));
    expect(await takeBufferedAcks(t.db, "gowa", idx("g1"))).toEqual([]);
    expect(await t.db.selectFrom("pending_acks").selectAll().execute()).toEqual([]);
  });

  it("should leave other ids and other gateways alone", async () => {
    await bufferAck(t.db, { gateway: "gowa", gatewayMessageIndex: idx("g1"), status: "delivered", at: 20 });
    await bufferAck(t.db, { gateway: "gowa", gatewayMessageIndex: idx("g2"), status: "delivered", at: 21 });
    await bufferAck(t.db, { gateway: "waha", gatewayMessageIndex: idx("g1"), status: "read", at: 22 });

    await takeBufferedAcks(t.db, "gowa", idx("g1"));

    expect(await takeBufferedAcks(t.db, "gowa", idx("g2"))).toEqual([{ status: "delivered", at: 21 }]);
    expect(await takeBufferedAcks(t.db, "waha", idx("g1"))).toEqual([{ status: "read", at: 22 }]);
  });

  it("should keep the first copy when the same receipt is buffered twice", async () => {
    await bufferAck(t.db, { gateway: "gowa", gatewayMessageIndex: idx("g1"), status: "delivered", at: 20 });
    await bufferAck(t.db, { gateway: "gowa", gatewayMessageIndex: idx("g1"), status: "delivered", at: 25 });
    expect(await takeBufferedAcks(t.db, "gowa", idx("g1"))).toEqual([{ status: "delivered", at: 20 }]);
  });
});
