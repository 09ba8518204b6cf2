import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deleteSetting, getSetting, putSetting } from "../../src/store/setting.repository.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("setting repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  it("should read undefined for a setting never written", async () => {
    expect(await getSetting(t.db, "gateway.paused")).toBeUndefined();
  });

  it("should insert a setting and then replace its value and time", async () => {
    await putSetting(t.db, "gateway.paused", "true", 10);
    expect(await getSetting(t.db, "gateway.paused")).toBe("true");

    await putSetting(t.db, "gateway.paused", "false", 20);
    expect(await getSetting(t.db, "gateway.paused")).toBe("false");
    expect(await t.db.selectFrom("settings").selectAll().execute()).toEqual([
      { key: "gateway.paused", value: "false", updated_at: 20 },
    ]);
  });

  it("should delete a setting and leave the others", async () => {
    await putSetting(t.db, "a", "1", 10);
    await putSetting(t.db, "b", "2", 10);
    await deleteSetting(t.db, "a");
    await deleteSetting(t.db, "never-there");
    expect(await getSetting(t.db, "a")).toBeUndefined();
    expect(await getSetting(t.db, "b")).toBe("2");
  });
});
