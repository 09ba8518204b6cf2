/**
 * Follow-ups end to end over a real SQLite file with the in-process clock: the
 * runner schedules and queues them under the safety rules, the real outbox
 * sender delivers them through a fake gateway (or the fake Cloud API).
 */

import type { Kysely } from "kysely";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { followUpSection } from "../../../src/analytics/follow-up-section.js";
import type { Alerts } from "../../../src/engine/alerts.js";
import { ManualClock } from "../../../src/engine/clock.js";
import { profileSchema } from "../../../src/engine/customer-profile.js";
import { CloudGateway } from "../../../src/engine/gateway/cloud-gateway.js";
import type { OutboundText, SendResult, WhatsAppGateway } from "../../../src/engine/gateway/whatsapp-gateway.js";
import { EngineMetrics } from "../../../src/engine/metrics.js";
import { FollowUpRunner, type FollowUpSettings } from "../../../src/engine/outbound/index.js";
import { OutboxSender } from "../../../src/engine/outbox-sender.js";
import { DEFAULT_PACING, type PacingConfig } from "../../../src/engine/pacing.js";
import type { PlaybookRuntime } from "../../../src/engine/playbook-runtime.js";
import { createPlaybookRuntime } from "../../../src/engine/playbook-runtime-factory.js";
import { createSeededRandom } from "../../../src/experiments/index.js";
import { silentLogger } from "../../../src/log.js";
import {
  CUSTOMER_AAD,
  type Database,
  followUpsOfCustomer,
  gatewayIdIndex,
  insertConsentEvent,
  insertCustomer,
  insertMessage,
  insertOutboxEntry,
  MESSAGE_TEXT_AAD,
  updateCustomer,
  updateOutbox,
} from "../../../src/store/index.js";
import { openSqliteDatabase } from "../../../src/store/sqlite-database.js";
import { loadPlaybookSet, nodeFileReader } from "../../../src/strategies/index.js";
import { SHIPPED_DIR } from "../../strategies/playbook-fixtures.js";
import { FakeCloud } from "../../support/fake-cloud.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";

/** 2026-03-10 12:00 UTC: 12:00 in London (the customers' default time zone here), 19:00 in Jakarta. */
const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** The bot's reply went out 10 minutes before T0; reassurance-first's follow-ups come 4 h and 22 h later. */
const REPLIED = T0 - 10 * MINUTE;
const FIRST_DUE = REPLIED + 4 * HOUR;
const SECOND_DUE = REPLIED + 22 * HOUR;
const PHONE = "+15550001234";
const ARM = { variantId: "reassurance-first", version: 2 };
const PACING_OFF: PacingConfig = { ...DEFAULT_PACING, mode: "off" };
const SETTINGS: FollowUpSettings = { maxPerJourney: 2, minCustomerAgeHours: 2, optOutAlertRate: 0.1 };

let playbooks: PlaybookRuntime;

beforeAll(async () => {
  const loaded = await loadPlaybookSet(SHIPPED_DIR, nodeFileReader);
  if (!loaded.ok) throw new Error("shipped playbooks do not load");
  playbooks = createPlaybookRuntime(loaded.set);
});

/** A gateway that records what it was asked to send. */
function recordingGateway() {
  const sent: OutboundText[] = [];
  let n = 0;
  const gateway: WhatsAppGateway = {
    name: "gowa",
    send: async (message): Promise<SendResult> => {
      sent.push(message);
      return { gatewayMessageId: `WA${++n}` };
    },
    markRead: async () => undefined,
    setTyping: async () => undefined,
    health: async () => ({ connected: true, detail: "ok" }),
  };
  return { gateway, sent };
}

interface Harness {
  clock: ManualClock;
  customerId: string;
  runner: FollowUpRunner;
  /** Runs the sender until no outbox row is open; returns the statuses it settled. */
  send(): Promise<string[]>;
  alerts: { raise: ReturnType<typeof vi.fn> };
}

interface CustomerSetup {
  timeZone?: string | null;
  language?: string;
  firstContactAt?: number;
  lastInboundAt?: number;
  repliedAt?: number;
  windowEndsAt?: number;
  stage?: string;
  arm?: { variantId: string; version: number };
}

async function seedCustomer(db: Kysely<Database>, t: TestDatabase, setup: CustomerSetup = {}): Promise<string> {
  const id = `c-${Math.random().toString(36).slice(2, 8)}`;
  const repliedAt = setup.repliedAt ?? REPLIED;
  const stage = setup.stage ?? "closing";
  const arm = setup.arm ?? ARM;
  await insertCustomer(db, {
    id,
    phone_index: t.cipher.blindIndex(`${PHONE}${id}`),
    phone_enc: t.cipher.encrypt(PHONE, CUSTOMER_AAD.phone(id)),
    lid_index: null,
    name_enc: t.cipher.encrypt("Ada Lovelace", CUSTOMER_AAD.name(id)),
    stage,
    journey: 1,
    stage_entered_at: repliedAt - MINUTE,
    profile_enc: t.cipher.encryptJson(
      {
        ...profileSchema.parse({}),
        timeZone: setup.timeZone === undefined ? "Europe/London" : setup.timeZone,
        language: setup.language ?? "en",
      },
      CUSTOMER_AAD.profile(id),
    ),
    opted_out: 0,
    handoff_until: null,
    first_contact_at: setup.firstContactAt ?? repliedAt - 3 * HOUR,
    last_inbound_at: setup.lastInboundAt ?? repliedAt - MINUTE,
    last_interaction_at: repliedAt,
    conversation_count: 1,
    referral_json: null,
    created_at: repliedAt - 3 * HOUR,
    updated_at: repliedAt,
  });
  const policy = await db
    .insertInto("policy_versions")
    .values({
      stage,
      algorithm: "thompson",
      weights_json: "{}",
      floor: 0.05,
      seed: 1,
      counts_json: "{}",
      reason: "test",
      created_at: repliedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const assignment = await db
    .insertInto("assignments")
    .values({
      customer_id: id,
      journey: 1,
      stage,
      variant_id: arm.variantId,
      variant_version: arm.version,
      propensity: 0.25,
      policy_version_id: Number(policy.id),
      assigned_at: repliedAt - MINUTE,
      window_ends_at: setup.windowEndsAt ?? repliedAt + 168 * HOUR,
      status: "pending",
      resolved_at: null,
      resolution: null,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const messageId = await insertMessage(db, {
    customerId: id,
    direction: "out",
    author: "bot",
    textEnc: t.cipher.encrypt("Totally understandable to want to be sure.", MESSAGE_TEXT_AAD(id)),
    gatewayMessageIndex: gatewayIdIndex(t.cipher, "WA-reply"),
    journey: 1,
    stage,
    assignmentId: Number(assignment.id),
    variantId: arm.variantId,
    variantVersion: arm.version,
    intent: "default",
    status: "sent",
    createdAt: repliedAt,
  });
  const outboxId = await insertOutboxEntry(db, {
    messageId,
    customerId: id,
    kind: "reply",
    inReplyToAt: repliedAt - MINUTE,
    inReplyToGatewayIdEnc: null,
    createdAt: repliedAt,
  });
  await updateOutbox(db, outboxId, { status: "sent", sent_at: repliedAt });
  return id;
}

function harness(
  db: Kysely<Database>,
  t: TestDatabase,
  gateway: WhatsAppGateway,
  customerId: string,
  options: { settings?: Partial<FollowUpSettings>; pacing?: PacingConfig; start?: number } = {},
): Harness {
  const clock = new ManualClock(options.start ?? T0);
  const alerts = { raise: vi.fn() };
  const pacing = options.pacing ?? PACING_OFF;
  const runner = new FollowUpRunner({
    db,
    cipher: t.cipher,
    playbooks,
    clock,
    gateway: gateway.name,
    pacing,
    shopTimeZone: "UTC",
    settings: { ...SETTINGS, ...options.settings },
    alerts: alerts as unknown as Alerts,
    logger: silentLogger(),
  });
  async function send(): Promise<string[]> {
    const settled: string[] = [];
    const sender = new OutboxSender({
      db,
      cipher: t.cipher,
      gateway,
      clock,
      rng: createSeededRandom(1),
      pacing,
      logger: silentLogger(),
      alerts: { raise: () => undefined },
      metrics: new EngineMetrics({ gateway: gateway.name }),
      onSettled: (_id, status) => settled.push(status),
    });
    sender.start(5);
    for (let i = 0; i < 400; i++) {
      const open = await db
        .selectFrom("outbox")
        .select("id")
        .where("status", "in", ["pending", "sending"])
        .where("next_attempt_at", "<=", clock.now())
        .execute();
      if (open.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await sender.stop();
    return settled;
  }
  return { clock, customerId, runner, send, alerts };
}

async function statuses(db: Kysely<Database>, customerId: string) {
  return (await followUpsOfCustomer(db, customerId))
    .reverse()
    .map((f) => ({ step: f.step, status: f.status, reason: f.reason }));
}

describe("follow-ups", () => {
  let t: TestDatabase;
  let recorder: ReturnType<typeof recordingGateway>;

  beforeEach(async () => {
    t = await createTestDatabase();
    recorder = recordingGateway();
  });

  afterEach(async () => {
    await t.close();
  });

  it("sends a quiet customer the arm's next follow-up at its time, once, then the second, then nothing more", async () => {
    const id = await seedCustomer(t.db, t);
    const h = harness(t.db, t, recorder.gateway, id);
    h.clock.set(FIRST_DUE - MINUTE);
    expect(await h.runner.run()).toMatchObject({ scheduled: 1, queued: 0 });
    await h.send();
    expect(recorder.sent).toEqual([]);

    h.clock.set(FIRST_DUE);
    expect(await h.runner.run()).toMatchObject({ queued: 1 });
    expect(await h.send()).toEqual(["sent"]);
    expect(recorder.sent).toHaveLength(1);
    expect(recorder.sent[0]).toMatchObject({ to: PHONE, inReplyTo: null });
    expect(recorder.sent[0]?.text).toMatch(/^Still thinking it over, Ada\? That's fine\./);

    // Later passes before the second one's time send nothing more.
    for (const at of [FIRST_DUE + MINUTE, FIRST_DUE + HOUR, SECOND_DUE - MINUTE]) {
      h.clock.set(at);
      await h.runner.run();
      await h.send();
    }
    expect(recorder.sent).toHaveLength(1);

    h.clock.set(SECOND_DUE);
    await h.runner.run();
    await h.send();
    expect(recorder.sent.map((m) => m.text.slice(0, 17))).toEqual(["Still thinking it", "Last note from me"]);
    h.clock.set(SECOND_DUE + 72 * HOUR);
    expect(await h.runner.run()).toMatchObject({ scheduled: 0, queued: 0 });
    expect(await statuses(t.db, id)).toEqual([
      { step: 0, status: "sent", reason: null },
      { step: 1, status: "sent", reason: null },
    ]);
    // The transcript shows them as the arm's messages.
    const transcript = await t.db
      .selectFrom("messages")
      .select(["intent", "variant_id", "variant_version", "status"])
      .where("customer_id", "=", id)
      .where("intent", "=", "follow_up")
      .execute();
    expect(transcript).toEqual([
      { intent: "follow_up", variant_id: "reassurance-first", variant_version: 2, status: "sent" },
      { intent: "follow_up", variant_id: "reassurance-first", variant_version: 2, status: "sent" },
    ]);
  });

  it("writes in the customer's profile language", async () => {
    const id = await seedCustomer(t.db, t, { language: "es" });
    const h = harness(t.db, t, recorder.gateway, id);
    await h.runner.run();
    h.clock.set(FIRST_DUE);
    await h.runner.run();
    await h.send();
    expect(recorder.sent[0]?.text).toMatch(/^¿Lo sigues pensando, Ada\?/);
    expect((await followUpsOfCustomer(t.db, id))[0]?.language).toBe("es");
  });

  it("sends nothing to a customer who answered, and counts from the bot's next reply", async () => {
    const id = await seedCustomer(t.db, t);
    const h = harness(t.db, t, recorder.gateway, id);
    await h.runner.run();
    await updateCustomer(t.db, id, { last_inbound_at: FIRST_DUE - HOUR });
    h.clock.set(FIRST_DUE);
    expect(await h.runner.run()).toMatchObject({ unscheduled: 1, queued: 0 });
    await h.send();
    expect(recorder.sent).toEqual([]);
    expect(await statuses(t.db, id)).toEqual([]);
  });

  it("waits for the morning in the customer's quiet hours", async () => {
    // Jakarta is UTC+7: the first follow-up falls due at 22:50 there, in quiet hours (21–8).
    const id = await seedCustomer(t.db, t, { timeZone: "Asia/Jakarta" });
    const h = harness(t.db, t, recorder.gateway, id);
    await h.runner.run();
    h.clock.set(FIRST_DUE);
    expect(await h.runner.run()).toMatchObject({ waiting: 1 });
    const morning = Date.UTC(2026, 2, 11, 1, 0, 0); // 08:00 in Jakarta
    expect((await followUpsOfCustomer(t.db, id))[0]).toMatchObject({ due_at: morning, reason: "waits: quiet hours" });
    h.clock.set(morning - MINUTE);
    await h.runner.run();
    await h.send();
    expect(recorder.sent).toEqual([]);
    h.clock.set(morning);
    await h.runner.run();
    await h.send();
    expect(recorder.sent).toHaveLength(1);
  });

  it("keeps quiet hours in the shop's time zone when the customer's is unknown", async () => {
    const id = await seedCustomer(t.db, t, { timeZone: null });
    const h = harness(t.db, t, recorder.gateway, id);
    await h.runner.run();
    h.clock.set(Date.UTC(2026, 2, 10, 22, 0, 0)); // 22:00 UTC, the shop's quiet hours
    expect(await h.runner.run()).toMatchObject({ waiting: 1 });
    expect(recorder.sent).toEqual([]);
  });

  it("never writes to an opted-out customer, even one who opted out after it was queued", async () => {
    const id = await seedCustomer(t.db, t);
    const h = harness(t.db, t, recorder.gateway, id);
    await h.runner.run();
    await updateCustomer(t.db, id, { opted_out: 1 });
    h.clock.set(FIRST_DUE);
    expect(await h.runner.run()).toMatchObject({ skipped: 1 });
    await h.send();
    expect(recorder.sent).toEqual([]);
    expect(await statuses(t.db, id)).toEqual([{ step: 0, status: "skipped", reason: "the customer opted out" }]);

    const other = await seedCustomer(t.db, t);
    h.clock.set(T0);
    await h.runner.run();
    h.clock.set(FIRST_DUE);
    expect(await h.runner.run()).toMatchObject({ queued: 1 });
    await updateCustomer(t.db, other, { opted_out: 1 });
    expect(await h.send()).toEqual(["held"]);
    expect(recorder.sent).toEqual([]);
    expect(await statuses(t.db, other)).toEqual([{ step: 0, status: "held", reason: "customer opted out" }]);
  });

  it("waits out a handoff and sends after it if the window is still open", async () => {
    const id = await seedCustomer(t.db, t);
    const h = harness(t.db, t, recorder.gateway, id);
    await h.runner.run();
    await updateCustomer(t.db, id, { handoff_until: FIRST_DUE + HOUR });
    h.clock.set(FIRST_DUE);
    expect(await h.runner.run()).toMatchObject({ waiting: 1 });
    await h.send();
    expect(recorder.sent).toEqual([]);
    h.clock.set(FIRST_DUE + HOUR);
    await h.runner.run();
    await h.send();
    expect(recorder.sent).toHaveLength(1);
  });

  it("skips a follow-up past the stage's window", async () => {
    const id = await seedCustomer(t.db, t, { windowEndsAt: FIRST_DUE + 30 * MINUTE });
    const h = harness(t.db, t, recorder.gateway, id);
    await h.runner.run();
    h.clock.set(FIRST_DUE + 30 * MINUTE);
    expect(await h.runner.run()).toMatchObject({ skipped: 1 });
    await h.send();
    expect(recorder.sent).toEqual([]);
    expect(await statuses(t.db, id)).toEqual([
      { step: 0, status: "skipped", reason: "past the stage's conversion window" },
    ]);
  });

  it("stops at FOLLOW_UP_MAX per journey", async () => {
    const id = await seedCustomer(t.db, t);
    const h = harness(t.db, t, recorder.gateway, id, { settings: { maxPerJourney: 1 } });
    await h.runner.run();
    h.clock.set(FIRST_DUE);
    await h.runner.run();
    await h.send();
    h.clock.set(SECOND_DUE + HOUR);
    expect(await h.runner.run()).toMatchObject({ scheduled: 0, queued: 0 });
    await h.send();
    expect(recorder.sent).toHaveLength(1);
  });

  it("waits until the customer first wrote FOLLOW_UP_MIN_AGE_HOURS ago", async () => {
    const id = await seedCustomer(t.db, t, { firstContactAt: REPLIED - 2 * MINUTE });
    const h = harness(t.db, t, recorder.gateway, id, { settings: { minCustomerAgeHours: 6 } });
    await h.runner.run();
    h.clock.set(FIRST_DUE);
    expect(await h.runner.run()).toMatchObject({ waiting: 1 });
    expect((await followUpsOfCustomer(t.db, id))[0]?.due_at).toBe(REPLIED - 2 * MINUTE + 6 * HOUR);
  });

  it("waits when the pacing caps are reached", async () => {
    const id = await seedCustomer(t.db, t);
    const h = harness(t.db, t, recorder.gateway, id, { pacing: { ...PACING_OFF, maxPerHour: 1 } });
    await h.runner.run();
    h.clock.set(FIRST_DUE);
    // Another customer got a reply 10 minutes ago: the hour's one send is used.
    await seedCustomer(t.db, t, {
      repliedAt: FIRST_DUE - 10 * MINUTE,
      stage: "intent",
      arm: { variantId: "fit-finder", version: 2 },
    });
    expect(await h.runner.run()).toMatchObject({ waiting: 1 });
    expect((await followUpsOfCustomer(t.db, id))[0]?.due_at).toBe(FIRST_DUE + 50 * MINUTE);
  });

  it("raises an alert when an arm's follow-ups are followed by opt-outs above the threshold", async () => {
    const h0 = harness(t.db, t, recorder.gateway, "");
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await seedCustomer(t.db, t));
    h0.clock.set(T0);
    await h0.runner.run();
    h0.clock.set(FIRST_DUE);
    const fresh = harness(t.db, t, recorder.gateway, "", { start: FIRST_DUE });
    await fresh.runner.run();
    await fresh.send();
    for (const id of ids.slice(0, 2)) await insertConsentEvent(t.db, id, "opt_out", FIRST_DUE + HOUR);
    // Three answered: two within 24 hours, one two days later.
    for (const [i, at] of [FIRST_DUE + HOUR, FIRST_DUE + 23 * HOUR, FIRST_DUE + 48 * HOUR].entries()) {
      await insertMessage(t.db, {
        customerId: ids[2 + i]!,
        direction: "in",
        author: "customer",
        textEnc: t.cipher.encrypt("ok", MESSAGE_TEXT_AAD(ids[2 + i]!)),
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
    }
    expect(await followUpSection(t.db, { from: T0, to: T0 + 7 * 24 * HOUR }, playbooks.stageIds)).toEqual([
      { stage: "closing", arm: "reassurance-first@2", sent: 10, answered: 2, optOuts: 2, optOutRate: 0.2, skipped: 0 },
    ]);
    const later = harness(t.db, t, recorder.gateway, "", { start: FIRST_DUE + 2 * HOUR });
    await later.runner.run();
    expect(later.alerts.raise).toHaveBeenCalledWith(
      "follow_up_opt_outs",
      expect.stringContaining("closing/reassurance-first@2"),
      expect.objectContaining({ sent: 10, optOuts: 2, rate: 0.2 }),
    );
  });
});

describe("follow-ups through the Cloud API", () => {
  let t: TestDatabase;
  let fake: FakeCloud;
  let clock: ManualClock;

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = new ManualClock(T0);
    fake = await FakeCloud.start({
      enforceWindow: true,
      approvedTemplates: ["order_reminder"],
      now: () => clock.now(),
    });
  });

  afterEach(async () => {
    await fake.close();
    await t.close();
  });

  it("sends free text inside the 24-hour window, the named template outside it, and nothing without one", async () => {
    const gateway = new CloudGateway({
      apiUrl: fake.apiUrl,
      phoneNumberId: "106540352242922",
      accessToken: "test-access-token",
    });
    const wrote = T0 - 25 * HOUR;
    const id = await seedCustomer(t.db, t, { lastInboundAt: wrote, repliedAt: wrote + MINUTE });
    const h = harness(t.db, t, gateway, id, { start: wrote + MINUTE });
    // A person holds the chat until T0, so both follow-ups fall due after the window closed.
    await updateCustomer(t.db, id, { handoff_until: T0 });
    await h.runner.run();
    h.clock.set(wrote + 4 * HOUR + MINUTE);
    clock.set(h.clock.now());
    expect(await h.runner.run()).toMatchObject({ waiting: 1 });
    h.clock.set(T0);
    clock.set(T0);
    // The first names no template: skipped. The second names `order_reminder`: sent as a template.
    const first = await h.runner.run();
    const second = await h.runner.run();
    expect(first).toMatchObject({ skipped: 1 });
    expect(second).toMatchObject({ scheduled: 1, queued: 1 });
    expect(await h.send()).toEqual(["sent"]);
    expect(fake.sent).toEqual([]);
    expect(fake.templates).toEqual([
      expect.objectContaining({
        to: "15550001234",
        name: "order_reminder",
        language: "en_US",
        parameters: ["your order"],
      }),
    ]);
    expect(await statuses(t.db, id)).toEqual([
      { step: 0, status: "skipped", reason: "outside the Cloud API's 24-hour window and no cloud_template named" },
      { step: 1, status: "sent", reason: null },
    ]);
    expect((await followUpsOfCustomer(t.db, id))[0]?.language).toBe("template:order_reminder");
  });

  it("sends the follow-up as free text while the window is open", async () => {
    const gateway = new CloudGateway({
      apiUrl: fake.apiUrl,
      phoneNumberId: "106540352242922",
      accessToken: "test-access-token",
    });
    const id = await seedCustomer(t.db, t);
    fake.openWindow("15550001234");
    const h = harness(t.db, t, gateway, id);
    await h.runner.run();
    h.clock.set(FIRST_DUE);
    clock.set(FIRST_DUE);
    await h.runner.run();
    expect(await h.send()).toEqual(["sent"]);
    expect(fake.sent.map((s) => s.body.slice(0, 22))).toEqual(["Still thinking it over"]);
    expect(fake.templates).toEqual([]);
  });
});

describe("a crash between scheduling and sending", () => {
  let t: TestDatabase;

  beforeEach(async () => {
    t = await createTestDatabase();
  });

  afterEach(async () => {
    await t.close();
  });

  it("neither loses nor repeats a follow-up (the database file reopened after each crash)", async () => {
    const recorder = recordingGateway();
    const id = await seedCustomer(t.db, t);
    // Process 1 schedules it, then dies.
    await harness(t.db, t, recorder.gateway, id).runner.run();
    let db = openSqliteDatabase({ file: t.file, synchronous: "normal" });
    // Process 2: a fault inside the queueing transaction (the outbox insert fails) rolls it all back.
    await sqlRun(db, "CREATE TRIGGER crash BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'crash'); END");
    const second = harness(db, t, recorder.gateway, id, { start: FIRST_DUE });
    expect(await second.runner.run()).toMatchObject({ queued: 0, failed: 1 });
    expect(await statuses(db, id)).toEqual([{ step: 0, status: "scheduled", reason: null }]);
    expect(await db.selectFrom("messages").select("id").where("intent", "=", "follow_up").execute()).toEqual([]);
    await sqlRun(db, "DROP TRIGGER crash");
    await db.destroy();
    // Process 3 queues it, then dies before sending.
    db = openSqliteDatabase({ file: t.file, synchronous: "normal" });
    expect(await harness(db, t, recorder.gateway, id, { start: FIRST_DUE }).runner.run()).toMatchObject({ queued: 1 });
    await db.destroy();
    // Process 4 runs the job again and the sender: exactly one follow-up goes out.
    db = openSqliteDatabase({ file: t.file, synchronous: "normal" });
    const fourth = harness(db, t, recorder.gateway, id, { start: FIRST_DUE + MINUTE });
    expect(await fourth.runner.run()).toMatchObject({ queued: 0, scheduled: 0 });
    expect(await fourth.send()).toEqual(["sent"]);
    await fourth.runner.run();
    await fourth.send();
    expect(recorder.sent).toHaveLength(1);
    // The arm's second follow-up is now scheduled from the same quiet time; nothing else.
    expect(await statuses(db, id)).toEqual([
      { step: 0, status: "sent", reason: null },
      { step: 1, status: "scheduled", reason: null },
    ]);
    await db.destroy();
  });
});

async function sqlRun(db: Kysely<Database>, statement: string): Promise<void> {
  const { sql } = await import("kysely");
  await sql.raw(statement).execute(db);
}
