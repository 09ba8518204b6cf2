import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  activeArms,
  allArms,
  assignOnEntry,
  createSeededRandom,
  type LoadedVariantVersion,
  parseArmKey,
  syncArms,
} from "../../src/experiments/index.js";
import { setVariantStatus } from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";
import { stageSettings, T0 } from "./experiment-fixtures.js";

function loaded(id: string, version: number, status: LoadedVariantVersion["status"] = "active"): LoadedVariantVersion {
  return { id, version, stage: "closing", status, origin: "hand", hash: `${id}-${version}`, sourceFile: `${id}.yaml` };
}

describe("parseArmKey", () => {
  it.each([
    ["reserve-now@1", { variantId: "reserve-now", version: 1 }],
    [" simple-steps@12 ", { variantId: "simple-steps", version: 12 }],
  ])("should split %j", (key, parts) => {
    expect(parseArmKey(key)).toEqual(parts);
  });

  it.each(["reserve-now", "reserve-now@", "reserve-now@0", "reserve-now@1.5", "@1", "a b@1", "x@1@2"])(
    "should reject %j",
    (key) => {
      expect(parseArmKey(key)).toBeNull();
    },
  );
});

describe("syncArms", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  const statuses = async () => Object.fromEntries((await allArms(t.db, "closing")).map((a) => [a.key, a.status]));

  it("should insert new versions with their file's status", async () => {
    const result = await syncArms(t.db, [loaded("reserve-now", 1, "champion"), loaded("simple-steps", 1)], T0);
    expect(result.added).toEqual(["reserve-now@1", "simple-steps@1"]);
    expect(await statuses()).toEqual({ "reserve-now@1": "champion", "simple-steps@1": "active" });
  });

  it("should keep a retired version retired on every later start", async () => {
    await syncArms(t.db, [loaded("reserve-now", 1, "champion"), loaded("simple-steps", 1)], T0);
    await setVariantStatus(t.db, "simple-steps@1", "retired", T0 + 1);
    for (let restart = 1; restart <= 3; restart++) {
      const result = await syncArms(
        t.db,
        [loaded("reserve-now", 1, "champion"), loaded("simple-steps", 1)],
        T0 + restart,
      );
      expect(result.added).toEqual([]);
    }
    expect((await statuses())["simple-steps@1"]).toBe("retired");
    expect((await activeArms(t.db, "closing", new Set(["reserve-now@1", "simple-steps@1"]))).map((a) => a.key)).toEqual(
      ["reserve-now@1"],
    );
  });

  it("should retire the old version when a new version of the variant arrives, and bring the new one in", async () => {
    await syncArms(t.db, [loaded("simple-steps", 1)], T0);
    const result = await syncArms(t.db, [loaded("simple-steps", 1), loaded("simple-steps", 2)], T0 + 1);
    expect(result.added).toEqual(["simple-steps@2"]);
    expect(result.autoRetired).toEqual(["simple-steps@1"]);
    expect(await statuses()).toEqual({ "simple-steps@1": "retired", "simple-steps@2": "active" });
  });

  it("should never give a customer an arm proposed by the reflection until it is approved", async () => {
    await syncArms(t.db, [loaded("reserve-now", 1, "champion"), loaded("fresh-idea", 1, "proposed")], T0);
    const loadedKeys = new Set(["reserve-now@1", "fresh-idea@1"]);
    expect((await activeArms(t.db, "closing", loadedKeys)).map((a) => a.key)).toEqual(["reserve-now@1"]);
    const rng = createSeededRandom(3);
    const drawn = new Set<string>();
    for (let n = 0; n < 50; n++) {
      const result = await assignOnEntry(t.db, {
        customerId: `c-${n}`,
        journey: 1,
        stage: "closing",
        now: T0 + n,
        rng,
        settings: stageSettings("closing"),
        loadedKeys,
      });
      drawn.add(`${result?.assignment.variant_id}@${result?.assignment.variant_version}`);
    }
    expect([...drawn]).toEqual(["reserve-now@1"]);
  });
});
