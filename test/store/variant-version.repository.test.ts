import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertPolicyVersion } from "../../src/store/policy-version.repository.js";
import {
  allVariantVersions,
  armsStamp,
  insertVariantVersion,
  markVersionServed,
  setVariantStatus,
  updateUnservedVersion,
} from "../../src/store/variant-version.repository.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("variant-version repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  function version(variantId: string, v: number, over: { stage?: string; contentHash?: string; at?: number } = {}) {
    return {
      variantId,
      version: v,
      stage: over.stage ?? "intent",
      contentHash: over.contentHash ?? `hash-${variantId}-${v}`,
      status: "active",
      origin: "hand",
      sourceFile: `intent/${variantId}.yaml`,
      at: over.at ?? 10,
    };
  }

  const byId = async (id: string) =>
    t.db.selectFrom("variant_versions").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

  describe("insertVariantVersion", () => {
    it("should store a new version under `<variant>@<version>`, not yet served", async () => {
      await insertVariantVersion(t.db, version("direct", 2));
      expect(await byId("direct@2")).toEqual({
        id: "direct@2",
        variant_id: "direct",
        version: 2,
        stage: "intent",
        content_hash: "hash-direct-2",
        first_served_at: null,
        status: "active",
        origin: "hand",
        source_file: "intent/direct.yaml",
        created_at: 10,
        updated_at: 10,
      });
    });

    it("should insert a version only once and keep the first record", async () => {
      await insertVariantVersion(t.db, version("direct", 1, { contentHash: "first", at: 10 }));
      await insertVariantVersion(t.db, version("direct", 1, { contentHash: "second", at: 20 }));
      const rows = await allVariantVersions(t.db);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ content_hash: "first", created_at: 10 });
    });
  });

  describe("allVariantVersions", () => {
    it("should list versions by stage, variant and version", async () => {
      await insertVariantVersion(t.db, version("warm", 2, { stage: "intent" }));
      await insertVariantVersion(t.db, version("warm", 1, { stage: "intent" }));
      await insertVariantVersion(t.db, version("direct", 1, { stage: "intent" }));
      await insertVariantVersion(t.db, version("hello", 1, { stage: "first_contact" }));
      expect((await allVariantVersions(t.db)).map((r) => r.id)).toEqual(["hello@1", "direct@1", "warm@1", "warm@2"]);
    });
  });

  describe("updateUnservedVersion", () => {
    it("should update hash, file and stage of a version that never served", async () => {
      await insertVariantVersion(t.db, version("direct", 1));
      await updateUnservedVersion(t.db, "direct@1", {
        contentHash: "edited",
        sourceFile: "closing/direct.yaml",
        stage: "closing",
        at: 30,
      });
      expect(await byId("direct@1")).toMatchObject({
        content_hash: "edited",
        source_file: "closing/direct.yaml",
        stage: "closing",
        updated_at: 30,
        created_at: 10,
      });
    });

    it("should leave a served version untouched", async () => {
      await insertVariantVersion(t.db, version("direct", 1));
      await markVersionServed(t.db, "direct@1", 15);
      await updateUnservedVersion(t.db, "direct@1", {
        contentHash: "edited",
        sourceFile: "x.yaml",
        stage: "closing",
        at: 30,
      });
      expect(await byId("direct@1")).toMatchObject({
        content_hash: "hash-direct-1",
        source_file: "intent/direct.yaml",
        stage: "intent",
        updated_at: 10,
      });
    });
  });

  describe("markVersionServed", () => {
    it("should record the first service only", async () => {
      await insertVariantVersion(t.db, version("direct", 1));
      await markVersionServed(t.db, "direct@1", 15);
      await markVersionServed(t.db, "direct@1", 99);
      expect((await byId("direct@1")).first_served_at).toBe(15);
    });
  });

  describe("setVariantStatus", () => {
    it("should set the status of one version and its update time", async () => {
      await insertVariantVersion(t.db, version("direct", 1));
      await insertVariantVersion(t.db, version("direct", 2));
      await setVariantStatus(t.db, "direct@1", "retired", 40);
      expect(await byId("direct@1")).toMatchObject({ status: "retired", updated_at: 40 });
      expect(await byId("direct@2")).toMatchObject({ status: "active", updated_at: 10 });
    });
  });

  describe("armsStamp", () => {
    const policy = {
      stage: "intent",
      algorithm: "thompson",
      weights: { "direct@1": 1 },
      floor: 0.05,
      seed: 1,
      counts: {},
      reason: "initial",
      createdAt: 10,
    };

    it("should change with every write to a variant version or a policy, and not with reads or no-op updates", async () => {
      const stamps = [await armsStamp(t.db)];
      await insertVariantVersion(t.db, version("direct", 1));
      stamps.push(await armsStamp(t.db));
      await markVersionServed(t.db, "direct@1", 15);
      stamps.push(await armsStamp(t.db));
      await markVersionServed(t.db, "direct@1", 99);
      await allVariantVersions(t.db);
      expect(await armsStamp(t.db)).toBe(stamps.at(-1));
      await setVariantStatus(t.db, "direct@1", "retired", 40);
      stamps.push(await armsStamp(t.db));
      await insertPolicyVersion(t.db, policy);
      stamps.push(await armsStamp(t.db));
      await t.db.deleteFrom("policy_versions").execute();
      stamps.push(await armsStamp(t.db));
      expect(new Set(stamps).size).toBe(stamps.length);
    });

    it("should be back to its value before a change that was rolled back, and change anew after", async () => {
      const before = await armsStamp(t.db);
      await t.db
        .transaction()
        .execute(async (trx) => {
          await insertVariantVersion(trx, version("direct", 1));
          expect(await armsStamp(trx)).not.toBe(before);
          throw new Error("rolled back");
        })
        .catch(() => undefined);
      expect(await armsStamp(t.db)).toBe(before);
      await sql`update variant_versions set status = 'retired'`.execute(t.db);
      expect(await armsStamp(t.db)).toBe(before);
      await insertVariantVersion(t.db, version("direct", 1));
      expect(await armsStamp(t.db)).not.toBe(before);
    });
  });
});
