import { randomUUID } from "node:crypto";
import Sqlite from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Alerts } from "../../src/engine/alerts.js";
import { ManualClock } from "../../src/engine/clock.js";
import { profileSchema } from "../../src/engine/customer-profile.js";
import { GatewayError, type GatewayErrorInit } from "../../src/engine/gateway/gateway-error.js";
import type {
  GatewayName,
  OutboundText,
  SendResult,
  SentHistoryEntry,
  WhatsAppGateway,
} from "../../src/engine/gateway/whatsapp-gateway.js";
import { EngineMetrics } from "../../src/engine/metrics.js";
import {
  AUTH_PROBLEM_RETRY_MS,
  MAX_SEND_ATTEMPTS,
  OutboxSender,
  PAUSED_UNTIL_KEY,
  REACHOUT_PAUSE_MS,
  sendHash,
} from "../../src/engine/outbox-sender.js";
import { DEFAULT_PACING, type PacingConfig } from "../../src/engine/pacing.js";
import { createSeededRandom } from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import {
  CUSTOMER_AAD,
  gatewayIdIndex,
  getSetting,
  insertCustomer,
  insertMessage,
  insertOutboxEntry,
  MESSAGE_TEXT_AAD,
  OUTBOX_REPLY_TO_AAD,
  type OutboxRow,
  updateOutbox,
} from "../../src/store/index.js";
import { createTestDatabase, type TestDatabase } from "../support/test-database.js";

/** 2026-03-10 12:00 UTC: 19:00 in Jakarta, 08:00 in New York (outside quiet hours in both). */
const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const PACING_OFF: PacingConfig = { ...DEFAULT_PACING, mode: "off" };
/** Human pacing with no real waiting, so order and limits can be checked quickly. */
const HUMAN_QUICK: PacingConfig = {
  ...DEFAULT_PACING,
  mode: "human",
  seenDelayMs: 0,
  typingBaseMs: 0,
  typingPerCharMs: 0,
  typingMaxMs: 0,
  minGapPerChatMs: 0,
};

type SendScript = (message: OutboundText) => SendResult | Error;

/** A fake gateway: a plain object with spies; `script` decides each send's answer. */
function fakeGateway(name: GatewayName = "gowa") {
  const calls: string[] = [];
  let counter = 0;
  let script: SendScript = () => ({ gatewayMessageId: `WA${++counter}` });
  const gateway = {
    name,
    send: vi.fn(async (message: OutboundText): Promise<SendResult> => {
      calls.push(`send:${message.to}:${message.text}`);
      const answer = script(message);
      if (answer instanceof Error) throw answer;
      return answer;
    }),
    markRead: vi.fn(async (chat: string, id: string) => {
      calls.push(`read:${chat}:${id}`);
    }),
    setTyping: vi.fn(async (chat: string, typing: boolean) => {
      calls.push(`typing:${chat}:${typing}`);
    }),
    health: vi.fn(async () => ({ connected: true, detail: "connected" })),
  } satisfies WhatsAppGateway;
  return {
    gateway,
    calls,
    /** Sets how the next sends answer (default: success). */
    answer(next: SendScript) {
      script = next;
    },
    ok(message: OutboundText): SendResult {
      return { gatewayMessageId: `WA${++counter}-${message.to}` };
    },
  };
}

function gatewayError(code: GatewayError["code"], init: Partial<GatewayErrorInit> = {}): GatewayError {
  return new GatewayError(code, `scripted ${code}`, { gateway: "gowa", ...init });
}

describe("the outbox sender", () => {
  let t: TestDatabase;
  let clock: ManualClock;
  let alerts: { raise: ReturnType<typeof vi.fn<Alerts["raise"]>> };
  let sender: OutboxSender | undefined;
  let settled: { id: number; status: string }[];

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = new ManualClock(T0);
    alerts = { raise: vi.fn<Alerts["raise"]>() };
    settled = [];
  });
  afterEach(async () => {
    await sender?.stop();
    sender = undefined;
    await t.close();
  });

  function startSender(
    gateway: WhatsAppGateway,
    pacing: PacingConfig = PACING_OFF,
    reconcileAfterMs?: number,
  ): OutboxSender {
    sender = new OutboxSender({
      ...(reconcileAfterMs === undefined ? {} : { reconcileAfterMs }),
      db: t.db,
      cipher: t.cipher,
      gateway,
      clock,
      rng: createSeededRandom(7),
      pacing,
      logger: silentLogger(),
      alerts,
      metrics: new EngineMetrics(),
      onSettled: (id, status) => settled.push({ id, status }),
    });
    // The first pass follows recovery; the tests drive every later one with kick() (no poll in practice).
    void sender.start(HOUR);
    return sender;
  }

  interface CustomerOptions {
    phone?: string;
    lastInboundAt?: number | null;
    optedOut?: boolean;
    handoffUntil?: number | null;
    timeZone?: string | null;
  }

  async function customer({
    phone = "6281234500001",
    lastInboundAt = T0 - MINUTE,
    optedOut = false,
    handoffUntil = null,
    timeZone = "Asia/Jakarta",
  }: CustomerOptions = {}): Promise<string> {
    const id = randomUUID();
    await insertCustomer(t.db, {
      id,
      phone_index: t.cipher.blindIndex(phone),
      phone_enc: t.cipher.encrypt(phone, CUSTOMER_AAD.phone(id)),
      lid_index: null,
      name_enc: null,
      stage: "first_contact",
      journey: 1,
      stage_entered_at: T0 - HOUR,
      profile_enc: t.cipher.encryptJson({ ...profileSchema.parse({}), timeZone }, CUSTOMER_AAD.profile(id)),
      opted_out: optedOut ? 1 : 0,
      handoff_until: handoffUntil,
      first_contact_at: T0 - HOUR,
      last_inbound_at: lastInboundAt,
      last_interaction_at: T0 - MINUTE,
      conversation_count: 1,
      created_at: T0 - HOUR,
      updated_at: T0 - MINUTE,
    });
    return id;
  }

  async function queue(
    customerId: string,
    text: string,
    {
      kind = "reply",
      inReplyToAt = T0 - MINUTE,
    }: { kind?: "reply" | "confirmation"; inReplyToAt?: number | null } = {},
  ): Promise<number> {
    const messageId = await insertMessage(t.db, {
      customerId,
      direction: "out",
      author: "bot",
      textEnc: t.cipher.encrypt(text, MESSAGE_TEXT_AAD(customerId)),
      gatewayMessageIndex: null,
      journey: 1,
      stage: "first_contact",
      assignmentId: null,
      variantId: null,
      variantVersion: null,
      intent: kind,
      status: "queued",
      createdAt: clock.now(),
    });
    return insertOutboxEntry(t.db, {
      messageId,
      customerId,
      kind,
      inReplyToAt,
      inReplyToGatewayIdEnc: t.cipher.encrypt(`IN-${text}`, OUTBOX_REPLY_TO_AAD(customerId)),
      createdAt: clock.now(),
    });
  }

  async function outbox(id: number): Promise<OutboxRow> {
    return t.db.selectFrom("outbox").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  }

  async function messageOf(outboxId: number) {
    const row = await outbox(outboxId);
    return t.db.selectFrom("messages").selectAll().where("id", "=", row.message_id).executeTakeFirstOrThrow();
  }

  /** Polls until `probe` holds (the sender works in the background). */
  async function until(probe: () => Promise<boolean> | boolean, what: string): Promise<void> {
    const deadline = Date.now() + 3_000;
    while (!(await probe())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Lets a pass run to its end when nothing observable is expected to change. */
  const quiet = () => new Promise((resolve) => setTimeout(resolve, 60));

  it("sends one chat's replies in order, and a later reply never overtakes one waiting to be retried", async () => {
    const fake = fakeGateway();
    const a = await customer();
    const b = await customer({ phone: "6281234500002" });
    const ids = [await queue(a, "one"), await queue(b, "other chat"), await queue(a, "two"), await queue(a, "three")];
    let failFirst = true;
    fake.answer((m) => {
      if (m.text === "one" && failFirst) {
        failFirst = false;
        return gatewayError("gateway_unreachable", { gatewayCode: "ECONNREFUSED" });
      }
      return fake.ok(m);
    });
    startSender(fake.gateway).kick();
    await until(async () => (await outbox(ids[0] ?? -1)).attempts === 1, "the first attempt to fail");
    await until(() => settled.some((s) => s.id === ids[1]), "the other chat to be sent");
    await quiet();
    expect(fake.gateway.send.mock.calls.map(([m]) => m.text)).toEqual(["one", "other chat"]);

    clock.advance(5 * MINUTE);
    sender?.kick();
    await until(() => settled.filter((s) => s.status === "sent").length === 4, "every reply sent");
    const chatA = fake.gateway.send.mock.calls.map(([m]) => m).filter((m) => m.to === "6281234500001");
    expect(chatA.map((m) => m.text)).toEqual(["one", "one", "two", "three"]);
    expect(chatA[1]?.inReplyTo).toBe("IN-one");
  });

  it("sends replies queued in named chats (kickChats) at once, each chat's in order, and a later one queued during a send", async () => {
    const fake = fakeGateway();
    const a = await customer();
    const b = await customer({ phone: "6281234500002" });
    const s = startSender(fake.gateway);
    await quiet();
    // Two replies in one chat and one in another, as one inbox batch queues them: the poll is an hour away.
    await queue(a, "a one");
    await queue(a, "a two");
    await queue(b, "b one");
    s.kickChats([a, b]);
    await until(() => settled.filter((x) => x.status === "sent").length === 3, "the three replies to be sent");
    const texts = () => fake.gateway.send.mock.calls.map(([m]) => m.text);
    expect(texts().filter((t) => t.startsWith("a "))).toEqual(["a one", "a two"]);
    expect(texts()).toContain("b one");
    // A reply queued in chat a while a send there is in flight goes out when that send ends.
    let sendStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      sendStarted = resolve;
    });
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    fake.gateway.send.mockImplementationOnce(async (m) => {
      sendStarted();
      await held;
      return fake.ok(m);
    });
    await queue(a, "a three");
    s.kickChats([a]);
    await started;
    await queue(a, "a four");
    s.kickChats([a]);
    await quiet();
    release();
    await until(() => settled.filter((x) => x.status === "sent").length === 5, "the later replies to be sent");
    expect(texts().filter((t) => t.startsWith("a "))).toEqual(["a one", "a two", "a three", "a four"]);
  });

  it("retries an unreachable gateway with growing, capped, jittered backoff, then gives up as failed", async () => {
    const fake = fakeGateway();
    fake.answer(() => gatewayError("gateway_unreachable", { httpStatus: 502 }));
    const id = await queue(await customer(), "hello");
    startSender(fake.gateway).kick();
    const delays: number[] = [];
    for (let attempt = 1; attempt <= 4; attempt++) {
      await until(async () => (await outbox(id)).attempts === attempt, `attempt ${attempt}`);
      const row = await outbox(id);
      expect(row.status).toBe("pending");
      expect(row.last_error).toMatch(/scripted gateway_unreachable/);
      delays.push(row.next_attempt_at - clock.now());
      clock.set(row.next_attempt_at);
      sender?.kick();
    }
    // Exponential from 2 s: attempt n waits between half and all of 2 s × 2^(n−1).
    delays.forEach((delay, i) => {
      const cap = 2_000 * 2 ** i;
      expect(delay).toBeGreaterThanOrEqual(cap / 2);
      expect(delay).toBeLessThanOrEqual(cap);
    });
    expect(new Set(delays).size).toBe(delays.length);

    await until(async () => (await outbox(id)).attempts === 5, "attempt 5");
    await updateOutbox(t.db, id, { attempts: MAX_SEND_ATTEMPTS - 1, next_attempt_at: clock.now() });
    sender?.kick();
    await until(() => settled.some((s) => s.id === id), "giving up");
    expect(await outbox(id)).toMatchObject({ status: "failed" });
    const message = await messageOf(id);
    expect(message.status).toBe("failed");
    expect(message.status_reason).toMatch(new RegExp(`gave up after ${MAX_SEND_ATTEMPTS} attempts`));
  });

  it("marks a permanently refused reply failed without retrying", async () => {
    const fake = fakeGateway();
    fake.answer(() => gatewayError("gateway_rejected", { httpStatus: 400, gatewayCode: "INVALID_JID" }));
    const id = await queue(await customer(), "hello");
    startSender(fake.gateway).kick();
    await until(() => settled.some((s) => s.id === id), "the refusal");
    expect(settled).toEqual([{ id, status: "failed" }]);
    expect((await messageOf(id)).status).toBe("failed");
    clock.advance(HOUR);
    sender?.kick();
    await quiet();
    expect(fake.gateway.send).toHaveBeenCalledTimes(1);
  });

  it("pauses the whole number on WhatsApp's reach-out timelock, raises an alert, and resumes after the pause", async () => {
    const fake = fakeGateway();
    let limited = true;
    fake.answer((m) => {
      if (limited) {
        limited = false;
        return gatewayError("gateway_rate_limited", {
          httpStatus: 429,
          gatewayCode: "WA_REACHOUT_TIMELOCK",
          longPause: true,
        });
      }
      return fake.ok(m);
    });
    const first = await queue(await customer(), "hello");
    const s = startSender(fake.gateway);
    s.kick();
    await until(async () => (await getSetting(t.db, PAUSED_UNTIL_KEY)) !== undefined, "the pause");
    expect(Number(await getSetting(t.db, PAUSED_UNTIL_KEY))).toBe(T0 + REACHOUT_PAUSE_MS);
    expect(alerts.raise).toHaveBeenCalledWith(
      "number_paused",
      expect.any(String),
      expect.objectContaining({ gatewayCode: "WA_REACHOUT_TIMELOCK" }),
    );
    expect((await outbox(first)).next_attempt_at).toBe(T0 + REACHOUT_PAUSE_MS);

    const second = await queue(await customer({ phone: "6281234500002" }), "another chat");
    clock.advance(REACHOUT_PAUSE_MS - MINUTE);
    s.kick();
    await quiet();
    expect(fake.gateway.send).toHaveBeenCalledTimes(1);

    clock.advance(2 * MINUTE);
    s.kick();
    await until(() => settled.length === 2, "both replies after the pause");
    expect(settled.map((x) => x.id).sort()).toEqual([first, second].sort());
  });

  it("pauses for the time a plain 429 asks for", async () => {
    const fake = fakeGateway();
    let limited = true;
    fake.answer((m) => {
      if (limited) {
        limited = false;
        return gatewayError("gateway_rate_limited", { httpStatus: 429, retryAfterMs: 30_000 });
      }
      return fake.ok(m);
    });
    await queue(await customer(), "hello");
    startSender(fake.gateway).kick();
    await until(async () => (await getSetting(t.db, PAUSED_UNTIL_KEY)) !== undefined, "the pause");
    expect(Number(await getSetting(t.db, PAUSED_UNTIL_KEY))).toBe(T0 + 30_000);
  });

  it("keeps a reply waiting while the gateway is logged out, and sends it as soon as the gateway is back", async () => {
    const fake = fakeGateway();
    fake.answer(() =>
      gatewayError("gateway_rejected", { httpStatus: 401, gatewayCode: "AUTHENTICATION_ERROR", authProblem: true }),
    );
    const id = await queue(await customer(), "hello");
    const s = startSender(fake.gateway);
    s.kick();
    await until(async () => (await outbox(id)).next_attempt_at === T0 + AUTH_PROBLEM_RETRY_MS, "the wait");
    expect(await outbox(id)).toMatchObject({ status: "pending", attempts: 0 });
    expect(settled).toEqual([]);
    expect(alerts.raise).toHaveBeenCalledWith("gateway_disconnected", expect.any(String), expect.anything());

    fake.answer((m) => fake.ok(m));
    clock.advance(MINUTE);
    expect(await s.retryWaitingNow()).toBe(1);
    await until(() => settled.some((x) => x.id === id && x.status === "sent"), "the send after recovery");
  });

  it("holds a reply to a customer who opted out, but still sends the opt-out confirmation", async () => {
    const fake = fakeGateway();
    const c = await customer({ optedOut: true });
    const reply = await queue(c, "a sales reply");
    const confirmation = await queue(c, "You're unsubscribed", { kind: "confirmation" });
    startSender(fake.gateway).kick();
    await until(() => settled.length === 2, "both settled");
    expect(settled).toEqual([
      { id: reply, status: "held" },
      { id: confirmation, status: "sent" },
    ]);
    expect(fake.gateway.send.mock.calls.map(([m]) => m.text)).toEqual(["You're unsubscribed"]);
    expect((await messageOf(reply)).status_reason).toBe("customer opted out");
  });

  it("holds a reply in a chat a person has taken over", async () => {
    const fake = fakeGateway();
    const id = await queue(await customer({ handoffUntil: T0 + HOUR }), "a sales reply");
    startSender(fake.gateway).kick();
    await until(() => settled.length === 1, "settled");
    expect(settled).toEqual([{ id, status: "held" }]);
    expect(fake.gateway.send).not.toHaveBeenCalled();
  });

  it("holds a reply when the customer opts out while the bot is still typing it", async () => {
    const fake = fakeGateway();
    const c = await customer();
    fake.gateway.setTyping.mockImplementation(async (_chat: string, typing: boolean) => {
      if (typing) await t.db.updateTable("customers").set({ opted_out: 1 }).where("id", "=", c).execute();
    });
    const id = await queue(c, "a sales reply");
    startSender(fake.gateway, HUMAN_QUICK).kick();
    await until(() => settled.length === 1, "settled");
    expect(settled).toEqual([{ id, status: "held" }]);
    expect(fake.gateway.send).not.toHaveBeenCalled();
  });

  it("does not send again a reply the gateway did not answer in time (it may have gone out)", async () => {
    const fake = fakeGateway();
    fake.answer(() => gatewayError("gateway_unreachable", { gatewayCode: "TIMEOUT", timedOut: true }));
    const id = await queue(await customer(), "hello");
    startSender(fake.gateway).kick();
    await until(() => settled.some((s) => s.id === id), "settled");
    expect(settled).toEqual([{ id, status: "failed" }]);
    clock.advance(HOUR);
    sender?.kick();
    await quiet();
    expect(fake.gateway.send).toHaveBeenCalledTimes(1);
    expect(alerts.raise).toHaveBeenCalledWith("send_failures", expect.any(String), expect.any(Object));
  });

  it("never writes first to a number that has not written to us", async () => {
    const fake = fakeGateway();
    const id = await queue(await customer({ lastInboundAt: null }), "hello", { inReplyToAt: null });
    startSender(fake.gateway).kick();
    await until(() => settled.length === 1, "settled");
    expect(settled).toEqual([{ id, status: "failed" }]);
    expect((await messageOf(id)).status_reason).toMatch(/never wrote first/);
    expect(fake.gateway.send).not.toHaveBeenCalled();
  });

  it("fails a Cloud API reply outside the 24-hour customer-service window with the reason, and sends inside it", async () => {
    const fake = fakeGateway("cloud");
    const late = await queue(await customer({ lastInboundAt: T0 - 25 * HOUR }), "too late");
    const inTime = await queue(await customer({ phone: "6281234500002", lastInboundAt: T0 - 23 * HOUR }), "in time");
    startSender(fake.gateway).kick();
    await until(() => settled.length === 2, "both settled");
    expect(settled.find((s) => s.id === late)?.status).toBe("failed");
    expect((await messageOf(late)).status_reason).toMatch(/24-hour customer-service window/);
    expect(settled.find((s) => s.id === inTime)?.status).toBe("sent");
    expect(fake.gateway.send.mock.calls.map(([m]) => m.text)).toEqual(["in time"]);
  });

  describe("with human pacing", () => {
    it("marks the message seen, shows typing, sends, then stops typing, waiting the paced delays", async () => {
      const fake = fakeGateway();
      const pacing: PacingConfig = { ...HUMAN_QUICK, seenDelayMs: 40, typingBaseMs: 60, typingMaxMs: 60, jitter: 0 };
      await queue(await customer(), "hello there");
      const started = performance.now();
      const stamps: number[] = [];
      const mark = () => stamps.push(performance.now() - started);
      fake.gateway.markRead.mockImplementation(async (chat, id) => {
        fake.calls.push(`read:${chat}:${id}`);
        mark();
      });
      startSender(fake.gateway, pacing).kick();
      await until(() => fake.calls.length === 4, "the four steps");
      expect(fake.calls).toEqual([
        "read:6281234500001:IN-hello there",
        "typing:6281234500001:true",
        "send:6281234500001:hello there",
        "typing:6281234500001:false",
      ]);
      expect(stamps[0]).toBeGreaterThanOrEqual(35);
      expect(performance.now() - started).toBeGreaterThanOrEqual(95);
    });

    it("holds a reply that is not to a fresh message until quiet hours end in the customer's time zone", async () => {
      const fake = fakeGateway();
      // 22:30 in Jakarta (UTC+7): inside the default 21→8 quiet hours, which end at 01:00 UTC.
      clock.set(Date.UTC(2026, 2, 10, 15, 30));
      const stale = await queue(await customer(), "follow-up", { inReplyToAt: Date.UTC(2026, 2, 10, 13, 0) });
      const fresh = await queue(await customer({ phone: "6281234500002" }), "reply", {
        inReplyToAt: clock.now() - MINUTE,
      });
      startSender(fake.gateway, HUMAN_QUICK).kick();
      await until(() => settled.some((s) => s.id === fresh), "the fresh reply");
      await until(async () => (await outbox(stale)).next_attempt_at === Date.UTC(2026, 2, 11, 1, 0), "the deferral");
      expect(fake.gateway.send.mock.calls.map(([m]) => m.text)).toEqual(["reply"]);
    });

    it("caps the sends per minute across all chats, even when many chats are due at once", async () => {
      const fake = fakeGateway();
      const pacing: PacingConfig = { ...HUMAN_QUICK, maxPerMinute: 2 };
      const ids: number[] = [];
      for (let i = 0; i < 5; i++) ids.push(await queue(await customer({ phone: `628123450010${i}` }), `hello ${i}`));
      const s = startSender(fake.gateway, pacing);
      s.kick();
      await until(() => settled.length >= 2, "two sends");
      await quiet();
      expect(fake.gateway.send).toHaveBeenCalledTimes(2);
      const waiting = await Promise.all(ids.map((id) => outbox(id)));
      for (const row of waiting.filter((r) => r.status === "pending")) {
        expect(row.next_attempt_at).toBeGreaterThanOrEqual(T0 + MINUTE);
      }

      clock.advance(MINUTE);
      s.kick();
      await until(() => settled.length >= 4, "two more sends a minute later");
      await quiet();
      expect(fake.gateway.send).toHaveBeenCalledTimes(4);
    });
  });

  describe("after a crash during a send", () => {
    const RECONCILE_MS = 10_000;

    /** The fake gateway with a chat history (GOWA, WAHA): `history` holds what "went out", per chat. */
    function historyGateway() {
      const fake = fakeGateway();
      const history: (SentHistoryEntry & { chat: string })[] = [];
      const sentSince = vi.fn(async (chat: string, since: number) =>
        history.filter((h) => h.chat === chat && h.at >= Math.floor(since / 1000) * 1000),
      );
      return { ...fake, history, gateway: { ...fake.gateway, sentSince } };
    }

    /** A row as a crash leaves it: committed `sending` with the text's hash, the gateway call's outcome unknown. */
    async function interrupted(customerId: string, text: string, startedAt: number): Promise<number> {
      const id = await queue(customerId, text);
      await t.db
        .updateTable("outbox")
        .set({ status: "sending", send_hash: sendHash(text), send_started_at: startedAt })
        .where("id", "=", id)
        .execute();
      return id;
    }

    it("commits the attempt as sending, with the text's hash and time, before the gateway is called", async () => {
      const fake = fakeGateway();
      const id = await queue(await customer(), "hello there");
      const seen: Pick<OutboxRow, "status" | "send_hash" | "send_started_at">[] = [];
      // Another connection reads what is committed in the file at the moment of the call.
      const file = new Sqlite(t.file, { readonly: true });
      fake.answer((m) => {
        const row = file.prepare("select status, send_hash, send_started_at from outbox where id = ?").get(id);
        seen.push(row as (typeof seen)[number]);
        return fake.ok(m);
      });
      startSender(fake.gateway);
      await until(() => settled.some((s) => s.id === id), "the send");
      file.close();
      expect(seen).toEqual([{ status: "sending", send_hash: sendHash("hello there"), send_started_at: T0 }]);
      expect((await outbox(id)).status).toBe("sent");
    });

    it("records a reply the gateway's history shows went out, with its id, and does not send it again", async () => {
      const fake = historyGateway();
      const a = await customer();
      const started = T0 - 20_000;
      const id = await interrupted(a, "Yes, it is in stock.", started);
      const next = await queue(a, "Anything else?");
      // An older identical text before the attempt, and one already recorded for another reply, do not count.
      fake.history.push(
        { chat: "6281234500001", gatewayMessageId: "WA-OLD", text: "Yes, it is in stock.", at: started - 60_000 },
        { chat: "6281234500001", gatewayMessageId: "WA-GONE", text: "Yes, it is in stock.", at: started + 400 },
      );
      startSender(fake.gateway, PACING_OFF, RECONCILE_MS);
      await until(() => settled.filter((s) => s.status === "sent").length === 2, "both replies settled");
      expect(fake.gateway.sentSince).toHaveBeenCalledTimes(1);
      expect(fake.gateway.send.mock.calls.map(([m]) => m.text)).toEqual(["Anything else?"]);
      expect(await outbox(id)).toMatchObject({ status: "sent" });
      expect(await messageOf(id)).toMatchObject({
        status: "sent",
        gateway_message_index: gatewayIdIndex(t.cipher, "WA-GONE"),
      });
      expect(settled.map((s) => s.id)).toEqual([id, next]);
    });

    it("sends again, once, a reply the history does not show, and nothing in that chat goes before it", async () => {
      const fake = historyGateway();
      const a = await customer();
      const id = await interrupted(a, "Yes, it is in stock.", T0 - 20_000);
      await queue(a, "Anything else?");
      fake.history.push({ chat: "6281234500001", gatewayMessageId: "WA-X", text: "something else", at: T0 - 19_000 });
      startSender(fake.gateway, PACING_OFF, RECONCILE_MS);
      await until(() => settled.filter((s) => s.status === "sent").length === 2, "both replies sent");
      expect(fake.gateway.send.mock.calls.map(([m]) => m.text)).toEqual(["Yes, it is in stock.", "Anything else?"]);
      expect(await outbox(id)).toMatchObject({ status: "sent", send_started_at: T0 });
    });

    it("waits before asking about a recent attempt (a slow send may still go out), and other chats go on", async () => {
      const fake = historyGateway();
      const a = await customer();
      const b = await customer({ phone: "6281234500002" });
      const id = await interrupted(a, "Yes, it is in stock.", T0 - 3_000);
      const other = await queue(b, "hello b");
      startSender(fake.gateway, PACING_OFF, RECONCILE_MS);
      await until(() => settled.some((s) => s.id === other), "the other chat");
      await quiet();
      expect(fake.gateway.sentSince).not.toHaveBeenCalled();
      expect(await outbox(id)).toMatchObject({ status: "sending", next_attempt_at: T0 - 3_000 + RECONCILE_MS });

      // The slow send went out meanwhile; asked once due, the history has it.
      fake.history.push({ chat: "6281234500001", gatewayMessageId: "WA-SLOW", text: "Yes, it is in stock.", at: T0 });
      clock.advance(RECONCILE_MS);
      sender?.kick();
      await until(() => settled.some((s) => s.id === id), "the reconciled reply");
      expect(fake.gateway.send.mock.calls.map(([m]) => m.text)).toEqual(["hello b"]);
      expect(await messageOf(id)).toMatchObject({ gateway_message_index: gatewayIdIndex(t.cipher, "WA-SLOW") });
    });

    it("asks again later when the history cannot be read, without sending", async () => {
      const fake = historyGateway();
      const id = await interrupted(await customer(), "Yes, it is in stock.", T0 - 20_000);
      fake.gateway.sentSince.mockRejectedValueOnce(
        gatewayError("gateway_unreachable", { gatewayCode: "ECONNREFUSED" }),
      );
      startSender(fake.gateway, PACING_OFF, RECONCILE_MS);
      await until(async () => (await outbox(id)).next_attempt_at > T0, "the deferral");
      expect(await outbox(id)).toMatchObject({ status: "sending" });
      expect(fake.gateway.send).not.toHaveBeenCalled();
      clock.set((await outbox(id)).next_attempt_at);
      sender?.kick();
      await until(() => settled.some((s) => s.id === id), "the resend");
      expect(fake.gateway.sentSince).toHaveBeenCalledTimes(2);
      expect(fake.gateway.send).toHaveBeenCalledTimes(1);
    });

    it("sends again at once on a gateway without history (the Cloud API: at-least-once)", async () => {
      const fake = fakeGateway("cloud");
      const id = await interrupted(await customer(), "Yes, it is in stock.", T0 - 1_000);
      startSender(fake.gateway, PACING_OFF, RECONCILE_MS);
      await until(() => settled.some((s) => s.id === id), "the resend");
      expect(fake.gateway.send).toHaveBeenCalledTimes(1);
    });
  });
});
