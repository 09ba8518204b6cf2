import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { appendAudit, recentAudit } from "../../src/store/audit.repository.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

describe("audit repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
  });
  afterEach(async () => {
    await t.close();
  });

  it("should store an entry with its detail as JSON", async () => {
    await appendAudit(t.db, {
      at: 10,
      actor: "operator",
      action: "promote",
      subject: "warm@2",
      detail: { stage: "intent", weight: 0.4 },
    });
    const [entry] = await recentAudit(t.db);
    expect(entry).toMatchObject({ at: 10, actor: "operator", action: "promote", subject: "warm@2" });
    expect(JSON.parse(entry?.detail_json ?? "null")).toEqual({ stage: "intent", weight: 0.4 });
  });

  it("should store null subject and detail when they are not given", async () => {
    await appendAudit(t.db, { at: 10, actor: "system", action: "gateway_pause" });
    const [entry] = await recentAudit(t.db);
    expect(entry).toMatchObject({ subject: null, detail_json: null });
  });

  it("should list the newest entries first, up to the limit", async () => {
    for (const action of ["a", "b", "c"]) await appendAudit(t.db, { at: 1, actor: "system", action });
    expect((await recentAudit(t.db)).map((e) => e.action)).toEqual(["c", "b", "a"]);
    expect((await recentAudit(t.db, 2)).map((e) => e.action)).toEqual(["c", "b"]);
  });
});
