import { join } from "node:path";
import type { Kysely } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseProfile } from "../../src/engine/index.js";
import { CUSTOMER_AAD, createFieldCipher, type Database } from "../../src/store/index.js";
import { openSqliteDatabase } from "../../src/store/sqlite-database.js";
import { TEST_DATA_KEY } from "../support/test-database.js";
import { type TempInstall, tempInstall } from "./cli-fixtures.js";

const PHONE = "+15551234567";
const DIGITS = "15551234567";
const cipher = createFieldCipher({ primary: TEST_DATA_KEY });

describe("closer outcome", () => {
  let install: TempInstall;
  let db: Kysely<Database>;

  beforeEach(async () => {
    install = tempInstall();
    // the first command creates and migrates the database and syncs the arms
    expect((await install.run("experiments", "--json")).code).toBe(0);
    db = openSqliteDatabase({ file: join(install.env["DATA_DIR"] as string, "closer.db") });
    const now = Date.now() - 60_000;
    await db
      .insertInto("customers")
      .values({
        id: "cust-1",
        phone_index: cipher.blindIndex(DIGITS),
        phone_enc: cipher.encrypt(DIGITS, CUSTOMER_AAD.phone("cust-1")),
        lid_index: null,
        name_enc: null,
        stage: "closing",
        journey: 1,
        stage_entered_at: now,
        profile_enc: cipher.encryptJson({ purchaseProbability: 0.65 }, CUSTOMER_AAD.profile("cust-1")),
        opted_out: 0,
        handoff_until: null,
        first_contact_at: now,
        last_inbound_at: now,
        last_interaction_at: now,
        conversation_count: 1,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const policy = await db
      .insertInto("policy_versions")
      .values({
        stage: "closing",
        algorithm: "test",
        weights_json: JSON.stringify({ "reserve-now@2": 1 }),
        floor: 0.02,
        seed: 1,
        counts_json: "{}",
        reason: "initial",
        created_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await db
      .insertInto("assignments")
      .values({
        customer_id: "cust-1",
        journey: 1,
        stage: "closing",
        variant_id: "reserve-now",
        variant_version: 2,
        propensity: 1,
        policy_version_id: policy.id,
        assigned_at: now,
        window_ends_at: now + 7 * 86_400_000,
        status: "pending",
        resolved_at: null,
        resolution: null,
      })
      .execute();
  });
  afterEach(async () => {
    await db.destroy();
    install.remove();
  });

  it("should record a won order once per event id, resolve the assignment and update the profile", async () => {
    const args = [PHONE, "won", "--value", "49.90", "--currency", "USD", "--event-id", "order-17"];
    const run = await install.run("outcome", ...args);
    expect(run.code).toBe(0);
    expect(run.out).toBe("Recorded won for …4567: stage now won, 1 assignment resolved.");
    const again = await install.run("outcome", ...args);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/already recorded; nothing changed/);

    const outcomes = await db.selectFrom("outcomes").selectAll().execute();
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({
      outcome: "won",
      value: 49.9,
      currency: "USD",
      source: "cli",
      event_id: "order-17",
    });
    const assignment = await db.selectFrom("assignments").selectAll().executeTakeFirstOrThrow();
    expect(assignment).toMatchObject({ status: "success", resolution: "won" });
    const customer = await db.selectFrom("customers").selectAll().executeTakeFirstOrThrow();
    expect(customer.stage).toBe("won");
    const profile = parseProfile(cipher.decryptJson(customer.profile_enc, CUSTOMER_AAD.profile("cust-1")));
    expect(profile.purchaseProbability).toBe(1);
    expect(profile.recommendedApproach).toMatch(/They bought/);
  });

  it("should count a lost customer as a failure of the stage's arm", async () => {
    const run = await install.run("outcome", PHONE, "lost", "--reason", "too expensive");
    expect(run.code).toBe(0);
    const assignment = await db.selectFrom("assignments").selectAll().executeTakeFirstOrThrow();
    expect(assignment).toMatchObject({ status: "failure", resolution: "lost" });
    const report = JSON.parse((await install.run("experiments", "--json")).out) as {
      stages: { stage: string; arms: { variant: string; failures: number; pending: number }[] }[];
    };
    const reserve = report.stages.find((s) => s.stage === "closing")?.arms.find((a) => a.variant === "reserve-now");
    // The report counts a decision once its conversion window has closed (matured cohorts only).
    expect(reserve).toMatchObject({ failures: 0, pending: 1 });
  });

  it("should exit 1 with a message for a customer nobody knows", async () => {
    const run = await install.run("outcome", "+15559990000", "won");
    expect(run.code).toBe(1);
    expect(run.err).toBe("closer outcome: No customer has written from …0000; outcomes need a known customer.");
  });

  it.each([
    [[PHONE, "bought"], /outcome: /],
    [[PHONE, "won", "--value", "lots"], /--value: 'lots' is not a number/],
    [[PHONE, "won", "--currency", "dollars"], /currency: an ISO 4217 code/],
    [["not-a-phone", "won"], /not a phone number/],
    [[PHONE, "advanced", "--stage", "checkout"], /not a stage of the funnel/],
    [[PHONE], /give the phone number and the outcome/],
  ])("should exit 1 for %j", async (args, message) => {
    const run = await install.run("outcome", ...args);
    expect(run.code).toBe(1);
    expect(run.err).toMatch(message);
    expect(await db.selectFrom("outcomes").selectAll().execute()).toEqual([]);
  });
});
