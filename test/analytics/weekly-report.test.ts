/**
 * The weekly report's figures against the week before, on a real SQLite file
 * with assignments and outcomes written directly: what moved on counts as known
 * at each period's end, revenue per currency compares week on week, and LLM
 * usage, when a source records it, gives the cost per won customer.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildWeeklyReport, type WeeklyReportDeps } from "../../src/analytics/index.js";
import { CUSTOMER_AAD } from "../../src/store/index.js";
import { fakePlaybooks, seedArms, seedAssignments, seedPolicy, T0, times } from "../experiments/experiment-fixtures.js";
import { createTestDatabase, placeholderCustomerRow, type TestDatabase } from "../support/test-database.js";

const A = "reserve-now@1";
const B = "simple-steps@1";
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = { from: T0, to: T0 + 7 * DAY };

describe("the weekly report's figures", () => {
  let t: TestDatabase;
  let deps: WeeklyReportDeps;

  beforeEach(async () => {
    t = await createTestDatabase();
    await seedArms(t.db, [
      { key: A, stage: "closing", status: "champion" },
      { key: B, stage: "closing" },
    ]);
    const policyId = await seedPolicy(t.db, "closing", { [A]: 0.5, [B]: 0.5 }, T0 - 14 * DAY);
    const week = (days: number, hours = 0) => T0 + days * DAY + hours * HOUR;
    await seedAssignments(t.db, [
      // the week before: 20 customers entered closing, half moved on
      ...times(10, { arm: A, stage: "closing", policyId, status: "success", at: week(-5) }),
      ...times(10, { arm: B, stage: "closing", policyId, status: "failure", at: week(-5) }),
      // this week: 20 customers, 5 moved on, 14 did not, and 1 moved on only after the week ended
      ...times(5, { arm: A, stage: "closing", policyId, status: "success", at: week(1) }),
      ...times(14, { arm: B, stage: "closing", policyId, status: "failure", at: week(1) }),
      { arm: A, stage: "closing", policyId, status: "success", at: week(7, -0.5) },
    ]);
    const outcome = (outcome: string, at: number, value: number | null, currency: string | null, id: string) =>
      t.db
        .insertInto("outcomes")
        .values({
          customer_id: id,
          event_id: null,
          outcome,
          stage: "closing",
          value,
          currency,
          reason: null,
          source: "api",
          created_at: at,
        })
        .execute();
    await outcome("won", week(-4), 50, "EUR", "c-before");
    await outcome("won", week(2), 100, "EUR", "c-now-1");
    await outcome("won", week(3), 60, "EUR", "c-now-2");
    await outcome("won", week(3), null, null, "c-now-3");
    deps = {
      db: t.db,
      cipher: t.cipher,
      playbooks: fakePlaybooks([A, B]),
      clock: { now: () => T0 + 30 * DAY },
      timeZone: "UTC",
    };
  });
  afterEach(async () => {
    await t.close();
  });

  it("should compare each stage with the week before, counting moves known by each week's end", async () => {
    const report = await buildWeeklyReport(deps, WEEK);
    const closing = report.funnel.stages.find((s) => s.stage === "closing")!;
    expect(closing.entered).toEqual({ value: 20, previous: 20, delta: 0 });
    expect(closing.movedOn).toEqual({ value: 5, previous: 10, delta: -5 });
    expect(closing.conversion).toEqual({ value: 0.25, previous: 0.5, delta: -0.25 });
    expect(closing.pending).toBe(1);
    expect(closing.medianHoursInStage).toEqual({ value: 1, previous: 1, delta: 0 });
    expect(report.nextActions.map((a) => [a.kind, a.stage])).toContainEqual(["falling_conversion", "closing"]);
  });

  it("should name where the week's customers came from: the ad's app and headline, or direct", async () => {
    const ad = {
      sourceType: "ad",
      sourceId: "1202",
      sourceUrl: null,
      headline: "Winter cooking sale",
      app: "facebook",
    };
    await t.db
      .insertInto("customers")
      .values([
        placeholderCustomerRow("from-ad", {
          profile_enc: t.cipher.encryptJson({}, CUSTOMER_AAD.profile("from-ad")),
          referral_json: JSON.stringify(ad),
        }),
        placeholderCustomerRow("direct", { profile_enc: t.cipher.encryptJson({}, CUSTOMER_AAD.profile("direct")) }),
      ])
      .execute();
    for (const id of ["from-ad", "direct"]) {
      await t.db
        .insertInto("messages")
        .values({
          customer_id: id,
          direction: "in",
          author: "customer",
          text_enc: "enc",
          gateway_message_index: null,
          journey: 1,
          stage: "first_contact",
          assignment_id: null,
          variant_id: null,
          variant_version: null,
          intent: null,
          status: "received",
          status_reason: null,
          created_at: T0 + DAY,
          status_at: T0 + DAY,
          content_enc: null,
        })
        .execute();
    }
    const report = await buildWeeklyReport(deps, WEEK);
    expect(report.customers.sources).toEqual(
      expect.arrayContaining([
        { name: "facebook: Winter cooking sale", count: 1 },
        { name: "direct (no ad)", count: 1 },
      ]),
    );
  });

  it("should sum revenue per currency against the week before, with orders and average order", async () => {
    const report = await buildWeeklyReport(deps, WEEK);
    expect(report.sales.wonCustomers).toEqual({ value: 3, previous: 1, delta: 2 });
    expect(report.sales.revenue).toEqual([
      {
        currency: "EUR",
        revenue: { value: 160, previous: 50, delta: 110 },
        orders: { value: 2, previous: 1, delta: 1 },
        averageOrderValue: { value: 80, previous: 50, delta: 30 },
      },
    ]);
  });

  it("should give the cost per won customer when a source records LLM usage", async () => {
    const spans: number[][] = [];
    const report = await buildWeeklyReport(
      {
        ...deps,
        sources: {
          llmUsage: async ({ fromMs, toMs }) => {
            spans.push([fromMs, toMs]);
            return fromMs === WEEK.from
              ? { calls: 40, fallbacks: 2, tokens: 12_000, costUsd: 0.6 }
              : { calls: 10, fallbacks: 0, tokens: 3_000, costUsd: 0.15 };
          },
        },
      },
      WEEK,
    );
    expect(spans).toEqual([
      [WEEK.from, WEEK.to],
      [WEEK.from - 7 * DAY, WEEK.from],
    ]);
    expect(report.service.llm).toEqual({
      calls: { value: 40, previous: 10, delta: 30 },
      fallbacks: { value: 2, previous: 0, delta: 2 },
      tokens: { value: 12_000, previous: 3_000, delta: 9_000 },
      costUsd: { value: 0.6, previous: 0.15, delta: expect.closeTo(0.45, 12) },
      costPerWonCustomerUsd: { value: expect.closeTo(0.2, 12), previous: 0.15, delta: expect.closeTo(0.05, 12) },
    });
  });
});
