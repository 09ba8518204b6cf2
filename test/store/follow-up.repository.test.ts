import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { insertConsentEvent } from "../../src/store/consent.repository.js";
import { insertCustomer } from "../../src/store/customer.repository.js";
import {
  countWrittenFollowUps,
  dueFollowUps,
  followUpFiguresByArm,
  scheduleFollowUp,
  settleFollowUpOfOutbox,
  updateScheduledFollowUp,
} from "../../src/store/follow-up.repository.js";
import type { NewFollowUpRow } from "../../src/store/follow-up.table.js";
import { insertMessage } from "../../src/store/message.repository.js";
import { createTestDatabase, placeholderCustomerRow, type TestDatabase } from "../support/test-database.js";

const HOUR = 3_600_000;

function row(customer: string, assignment: number, step: number, dueAt: number): NewFollowUpRow {
  return {
    customer_id: customer,
    journey: 1,
    stage: "closing",
    assignment_id: assignment,
    variant_id: "reassurance-first",
    variant_version: 2,
    step,
    quiet_since: dueAt - 4 * HOUR,
    due_at: dueAt,
    status: "scheduled",
    reason: null,
    language: null,
    cloud_template_json: null,
    outbox_id: null,
    message_id: null,
    created_at: 0,
    updated_at: 0,
    sent_at: null,
  };
}

describe("follow-up repository", () => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await createTestDatabase();
    for (const id of ["c1", "c2", "c3"]) await insertCustomer(t.db, placeholderCustomerRow(id));
  });
  afterEach(async () => {
    await t.close();
  });

  it("should schedule one follow-up per assignment and step, and let only one claim it", async () => {
    expect(await scheduleFollowUp(t.db, row("c1", 1, 0, 10 * HOUR))).toBe(true);
    expect(await scheduleFollowUp(t.db, row("c1", 1, 0, 11 * HOUR))).toBe(false);
    expect(await dueFollowUps(t.db, 10 * HOUR - 1, 10)).toEqual([]);
    const [due] = await dueFollowUps(t.db, 10 * HOUR, 10);
    expect(due).toMatchObject({ customer_id: "c1", step: 0, due_at: 10 * HOUR });
    const claim = { status: "queued", outbox_id: 7, updated_at: 10 * HOUR };
    expect(await updateScheduledFollowUp(t.db, Number(due!.id), claim)).toBe(true);
    expect(await updateScheduledFollowUp(t.db, Number(due!.id), claim)).toBe(false);
    expect(await countWrittenFollowUps(t.db, "c1", 1)).toBe(1);
    await settleFollowUpOfOutbox(t.db, 7, "sent", 10 * HOUR + 5, null);
    expect(await countWrittenFollowUps(t.db, "c1", 1)).toBe(1);
  });

  it("should count per arm the follow-ups sent, answered within 24 hours and followed by an opt-out", async () => {
    for (const [i, customer] of ["c1", "c2", "c3"].entries()) {
      await scheduleFollowUp(t.db, row(customer, i + 1, 0, HOUR));
      await updateScheduledFollowUp(t.db, i + 1, { status: "queued", outbox_id: 100 + i, updated_at: HOUR });
      await settleFollowUpOfOutbox(t.db, 100 + i, "sent", 2 * HOUR, null);
    }
    const answer = (customer: string, at: number) =>
      insertMessage(t.db, {
        customerId: customer,
        direction: "in",
        author: "customer",
        textEnc: "enc",
        gatewayMessageIndex: null,
        journey: 1,
        stage: "closing",
        assignmentId: null,
        variantId: null,
        variantVersion: null,
        intent: null,
        status: "received",
        createdAt: at,
      });
    await answer("c1", 3 * HOUR);
    await answer("c2", 30 * HOUR);
    await insertConsentEvent(t.db, "c3", "opt_out", 5 * HOUR);
    expect(await followUpFiguresByArm(t.db, 0, 24 * HOUR)).toEqual([
      {
        stage: "closing",
        variantId: "reassurance-first",
        variantVersion: 2,
        sent: 3,
        answered: 1,
        optOuts: 1,
        skipped: 0,
      },
    ]);
    expect(await followUpFiguresByArm(t.db, 3 * HOUR, 24 * HOUR)).toEqual([]);
  });
});
