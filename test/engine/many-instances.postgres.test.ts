/**
 * Two Closer instances, each built as `closer serve` builds it, on one
 * PostgreSQL database (the run's temporary cluster), behind one fake gateway:
 * webhooks for the same chats land on either instance, as behind a load
 * balancer. Every message is handled once, every reply is sent once, each
 * chat's replies go out in order, whichever instance got the webhook, and a stopped
 * instance's claimed chats are taken over when the lease lapses. Scheduled
 * jobs run on one instance; the pacing caps hold for the number, across both.
 * @module
 */

import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { InboundMessage, OutboundText, SendResult, WhatsAppGateway } from "../../src/engine/gateway/index.js";
import { ManualClock } from "../../src/engine/index.js";
import { instanceCoordination, SEND_CLAIM_MS } from "../../src/engine/instances.js";
import { DEFAULT_PACING } from "../../src/engine/pacing.js";
import { runJobOnce } from "../../src/jobs.js";
import { silentLogger } from "../../src/log.js";
import {
  claimInboxRows,
  claimOutboxHeads,
  gatewayIdIndex,
  insertInboxEntry,
  lockPendingInboxRows,
  markInboxDone,
  startClaimedOutboxSend,
} from "../../src/store/index.js";
import { openPostgresDatabase } from "../../src/store/postgres-database.js";
import { type InProcessCloser, startInProcessCloser } from "../support/in-process-closer.js";
import {
  createTestDatabase,
  placeholderCustomerRow,
  TEST_DATA_KEY,
  type TestDatabase,
} from "../support/test-database.js";

const T0 = Date.UTC(2026, 2, 10, 12, 0, 0);
const TOKEN = "many-instances-admin-token-0123456789";

/** One gateway both instances send through, recording every send in the order it happened. */
function sharedGateway() {
  const sends: OutboundText[] = [];
  let counter = 0;
  const gateway = {
    name: "gowa",
    send: vi.fn(async (message: OutboundText): Promise<SendResult> => {
      sends.push(message);
      // A little latency, so sends of different instances overlap.
      await new Promise((resolve) => setTimeout(resolve, 2));
      return { gatewayMessageId: `WA${++counter}` };
    }),
    markRead: vi.fn(async () => undefined),
    setTyping: vi.fn(async () => undefined),
    health: vi.fn(async () => ({ connected: true, detail: "connected" })),
  } satisfies WhatsAppGateway;
  return { gateway, sends };
}

/** A reply queued for customer `customerId` and not yet sent: its transcript line and its outbox row. */
async function insertPendingReply(db: TestDatabase["db"], customerId: string, now: number): Promise<void> {
  const message = await db
    .insertInto("messages")
    .values({
      customer_id: customerId,
      direction: "out",
      author: "bot",
      text_enc: "enc",
      gateway_message_index: null,
      journey: 1,
      stage: "first_contact",
      assignment_id: null,
      variant_id: null,
      variant_version: null,
      intent: null,
      status: "queued",
      status_reason: null,
      created_at: now,
      status_at: now,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("outbox")
    .values({
      message_id: Number(message.id),
      customer_id: customerId,
      kind: "reply",
      status: "pending",
      attempts: 0,
      next_attempt_at: now,
      in_reply_to_at: null,
      in_reply_to_gateway_id_enc: null,
      last_error: null,
      created_at: now,
      sent_at: null,
      claimed_by: null,
      claim_expires_at: null,
    })
    .execute();
}

/** An inbound message `gatewayId` of chat `chat-1`, accepted and not yet handled (its inbox row). */
async function insertPendingMessage(t: TestDatabase, gatewayId: string): Promise<void> {
  await insertInboxEntry(t.db, {
    gateway: "gowa",
    gatewayMessageIndex: gatewayIdIndex(t.cipher, gatewayId),
    identityIndex: "chat-1",
    payloadEnc: "enc",
    receivedAt: T0,
  });
}

function inbound(id: string, phone: string, text: string): InboundMessage {
  return {
    kind: "message",
    gateway: "gowa",
    gatewayMessageId: id,
    phone,
    lid: null,
    name: null,
    text,
    fromMe: false,
    origin: "app",
    sentAt: T0,
  };
}

describe("many instances on one PostgreSQL database", () => {
  let t: TestDatabase;
  let clock: ManualClock;
  const started: InProcessCloser[] = [];

  beforeEach(async () => {
    t = await createTestDatabase();
    clock = new ManualClock(T0);
  });
  afterEach(async () => {
    for (const closer of started.splice(0)) await closer.close();
    await t.close();
  });

  async function instance(gateway: WhatsAppGateway): Promise<InProcessCloser> {
    const closer = await startInProcessCloser({
      token: TOKEN,
      clock,
      env: {
        DATABASE_URL: t.url ?? "",
        // One data key for all instances, as they would share it in production.
        CLOSER_DATA_KEY: TEST_DATA_KEY.toString("base64"),
        CLOSER_PACING: "off",
      },
      gateway,
    });
    started.push(closer);
    return closer;
  }

  it("handles every message once and sends every reply once, in order per chat, whichever instance receives the webhook", async () => {
    const { gateway, sends } = sharedGateway();
    const a = await instance(gateway);
    const b = await instance(gateway);
    const chats = Array.from({ length: 8 }, (_, i) => `1555000${String(1000 + i)}`);
    const texts = ["Hi", "How much is the skillet?", "Do you ship to Jakarta?"];
    // Each chat's messages arrive one after another, alternating between the instances, all chats at once.
    await Promise.all(
      chats.map(async (phone, c) => {
        for (const [m, text] of texts.entries()) {
          const target = (c + m) % 2 === 0 ? a : b;
          await target.closer.engine.receive([inbound(`${phone}-${m}`, phone, text)]);
          // A redelivery of the same webhook to the other instance changes nothing.
          await (target === a ? b : a).closer.engine.receive([inbound(`${phone}-${m}`, phone, text)]);
        }
      }),
    );

    await vi.waitFor(
      async () => {
        const inbox = await t.db.selectFrom("inbox").select("status").execute();
        expect(inbox.filter((row) => row.status === "done")).toHaveLength(chats.length * texts.length);
        const open = await t.db
          .selectFrom("outbox")
          .select("id")
          .where("status", "in", ["pending", "sending", "composing"])
          .execute();
        expect(open).toHaveLength(0);
      },
      { timeout: 90_000, interval: 100 },
    );

    const outbox = await t.db
      .selectFrom("outbox")
      .innerJoin("messages", "messages.id", "outbox.message_id")
      .select([
        "outbox.id",
        "outbox.status",
        "outbox.claimed_by",
        "messages.gateway_message_index",
        "outbox.customer_id",
      ])
      .orderBy("outbox.id")
      .execute();
    const sent = outbox.filter((row) => row.status === "sent");
    expect(sent.length).toBeGreaterThanOrEqual(chats.length * texts.length);
    // Exactly once: one gateway call per sent reply, and every recorded gateway id is distinct.
    expect(sends).toHaveLength(sent.length);
    expect(new Set(sent.map((row) => row.gateway_message_index)).size).toBe(sent.length);
    // Ids are stored as keyed hashes: map each back to its send counter (WA<n>).
    const counterOf = new Map(sends.map((_, i) => [gatewayIdIndex(t.cipher, `WA${i + 1}`) as string, i + 1]));
    // In order per chat: the gateway ids (counted up at each send) rise with the outbox ids of a chat.
    const byChat = new Map<string, number[]>();
    for (const row of sent) {
      const list = byChat.get(row.customer_id) ?? [];
      list.push(counterOf.get(String(row.gateway_message_index)) ?? -1);
      byChat.set(row.customer_id, list);
    }
    for (const order of byChat.values()) expect(order).toEqual([...order].sort((x, y) => x - y));
    // Each message was handled by exactly one of the two. Which one is whoever leases its chat first:
    // under load one instance may take every chat, which the design allows, so the split is not asserted.
    expect(a.closer.engine.metrics.inboundProcessed + b.closer.engine.metrics.inboundProcessed).toBe(
      chats.length * texts.length,
    );
  }, 120_000);

  it("takes over the chats and replies a stopped instance claimed once their lease lapses", async () => {
    const leaseMs = 60_000;
    const ghost = instanceCoordination(t.db, clock, leaseMs, "crashed-host:1:aaaaaa");
    await t.db.insertInto("customers").values(placeholderCustomerRow("c1")).execute();
    await insertPendingMessage(t, "m1");
    // The crashed instance leased the chat and never finished.
    expect(await ghost?.claimInbox(10)).toHaveLength(1);
    expect(await claimInboxRows(t.db, "survivor", 10, clock.now(), leaseMs)).toEqual([]);
    clock.advance(leaseMs + 1);
    const taken = await claimInboxRows(t.db, "survivor", 10, clock.now(), leaseMs);
    expect(taken.map((row) => row.gateway_message_index)).toEqual([gatewayIdIndex(t.cipher, "m1")]);

    // The same for a reply: claimed by the crashed instance, free for the survivor after the lease.
    await insertPendingReply(t.db, "c1", clock.now());
    expect(await ghost?.claimOutbox(10)).toHaveLength(1);
    expect(await claimOutboxHeads(t.db, "survivor", 10, clock.now(), leaseMs)).toEqual([]);
    clock.advance(leaseMs + 1);
    const [takenReply] = await claimOutboxHeads(t.db, "survivor", 10, clock.now(), leaseMs);
    expect(takenReply?.claimed_by).toBe("survivor");
    // The first instance was only slow, not dead: it must not send the reply the survivor now owns.
    const attempt = { sendHash: "h", startedAt: clock.now() };
    const id = Number(takenReply?.id);
    expect(await ghost?.startSend(t.db, id, attempt)).toBe(false);
    expect((await t.db.selectFrom("outbox").select("status").executeTakeFirstOrThrow()).status).toBe("pending");
    expect(await startClaimedOutboxSend(t.db, id, "survivor", attempt, clock.now(), leaseMs)).toBe(true);
    expect(await t.db.selectFrom("outbox").select(["status", "claimed_by"]).executeTakeFirstOrThrow()).toEqual({
      status: "sending",
      claimed_by: "survivor",
    });
    // Settled (sent, held or failed), a reply is never started again, even by the instance that claims it.
    await t.db.updateTable("outbox").set({ status: "sent" }).where("id", "=", id).execute();
    expect(await startClaimedOutboxSend(t.db, id, "survivor", attempt, clock.now(), leaseMs)).toBe(false);
  });

  it("handles a message once when a slow instance's lease lapsed and another instance took its chat", async () => {
    const leaseMs = 2_000;
    await t.db.insertInto("customers").values(placeholderCustomerRow("c1")).execute();
    await insertPendingMessage(t, "m1");
    const [slowRow] = await claimInboxRows(t.db, "slow", 10, clock.now(), leaseMs);
    clock.advance(leaseMs + 1);
    const [fastRow] = await claimInboxRows(t.db, "fast", 10, clock.now(), leaseMs);
    const id = Number(fastRow?.id);
    expect(Number(slowRow?.id)).toBe(id);

    // The other instance handles the row; the slow one starts its own batch before that commits.
    let handled!: () => void;
    const fastDone = new Promise<void>((resolve) => {
      handled = resolve;
    });
    let locked!: () => void;
    const fastLocked = new Promise<void>((resolve) => {
      locked = resolve;
    });
    const fast = t.db.transaction().execute(async (trx) => {
      expect(await lockPendingInboxRows(trx, [id])).toEqual(new Set([id]));
      locked();
      await fastDone;
      await markInboxDone(trx, id, clock.now());
    });
    await fastLocked;
    const slow = t.db.transaction().execute((trx) => lockPendingInboxRows(trx, [id]));
    // The slow instance waits for the other's commit, then finds the row done: nothing left to handle.
    await vi.waitFor(async () => {
      const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_locks where not granted`.execute(t.db);
      expect(waiting.rows[0]?.n).toBeGreaterThan(0);
    });
    handled();
    await fast;
    expect(await slow).toEqual(new Set());
  });

  it("takes over at once the chats and replies of an instance whose process died (a send it had started after its claim), never those of a live one", async () => {
    const leaseMs = 60_000;
    // The instance that dies has its own connection pool, as its own process would.
    const theirDb = openPostgresDatabase({ url: t.url as string });
    const doomed = instanceCoordination(theirDb, clock, leaseMs, "doomed-host:1:aaaaaa");
    const survivor = instanceCoordination(t.db, clock, leaseMs, "survivor-host:2:bbbbbb");
    if (doomed === undefined || survivor === undefined) throw new Error("PostgreSQL expected");
    await doomed.start(() => undefined);
    await survivor.start(() => undefined);
    try {
      await t.db.insertInto("customers").values(placeholderCustomerRow("c1")).execute();
      await insertPendingMessage(t, "m1");
      await insertPendingReply(t.db, "c1", clock.now());
      // A second chat, whose reply the doomed instance had started sending when it died.
      await t.db
        .insertInto("customers")
        .values(placeholderCustomerRow("c2", { phone_index: "idx-c2b" }))
        .execute();
      await insertPendingReply(t.db, "c2", clock.now());
      expect(await doomed.claimInbox(10)).toHaveLength(1);
      const doomedReplies = await doomed.claimOutbox(10);
      expect(doomedReplies).toHaveLength(2);
      const inFlight = doomedReplies.find((row) => row.customer_id === "c2");
      expect(await doomed.startSend(theirDb, Number(inFlight?.id), { sendHash: "h", startedAt: clock.now() })).toBe(
        true,
      );
      // Alive (its session holds its liveness lock): its chat and its reply stay its own.
      expect(await survivor.claimInbox(10)).toEqual([]);
      expect(await survivor.claimOutbox(10)).toEqual([]);

      // The process dies (SIGKILL): the server ends its sessions, and its lock goes with them.
      const doomedLock = sql`from pg_locks where locktype = 'advisory' and objsubid = 2
        and objid = (hashtext('doomed-host:1:aaaaaa')::int8 & 4294967295)::oid`;
      await sql`select pg_terminate_backend(pid) ${doomedLock}`.execute(t.db);
      await vi.waitFor(
        async () =>
          expect((await sql<{ n: number }>`select count(*)::int as n ${doomedLock}`.execute(t.db)).rows[0]?.n).toBe(0),
        { timeout: 5_000, interval: 50 },
      );

      // No clock advance: the lease has not lapsed, yet the survivor takes both over now.
      const taken = await survivor.claimInbox(10);
      expect(taken.map((row) => row.gateway_message_index)).toEqual([gatewayIdIndex(t.cipher, "m1")]);
      const replies = await survivor.claimOutbox(10);
      expect(replies.map((row) => [row.customer_id, row.claimed_by])).toEqual([["c1", "survivor-host:2:bbbbbb"]]);
      // The reply it was sending waits out its claim (the gateway's timeout): a live instance whose
      // session was only cut could still be waiting for the gateway, and would send it twice.
      clock.advance(Math.max(leaseMs, SEND_CLAIM_MS) - 1_000);
      expect((await survivor.claimOutbox(10)).map((row) => row.customer_id)).toEqual(["c1"]);
      clock.advance(1_001);
      expect((await survivor.claimOutbox(10)).map((row) => row.customer_id).sort()).toEqual(["c1", "c2"]);
    } finally {
      await survivor.releaseAll();
      await doomed.releaseAll().catch(() => undefined);
      await theirDb.destroy();
    }
  });

  it("does not send again a reply that another instance found in the gateway's history and recorded while this one held the claim", async () => {
    const { gateway, sends } = sharedGateway();
    // The other instance's reconcile, running while this one reads the history (its claim read before).
    let otherInstanceRecords: (() => Promise<void>) | undefined;
    const historyReads: number[] = [];
    const withHistory: WhatsAppGateway = {
      ...gateway,
      sentSince: async (_chat: string, since: number) => {
        historyReads.push(since);
        await otherInstanceRecords?.();
        return sends.map((message, i) => ({ gatewayMessageId: `WA${i + 1}`, text: message.text, at: T0 }));
      },
    };
    const survivor = await instance(withHistory);
    await survivor.closer.engine.receive([inbound("m-1", "15550001000", "Hi")]);
    const reply = await vi.waitFor(
      async () => {
        const row = await t.db.selectFrom("outbox").selectAll().where("status", "=", "sent").executeTakeFirst();
        expect(row).toBeDefined();
        return row!;
      },
      { timeout: 30_000, interval: 50 },
    );
    expect(sends).toHaveLength(1);

    // Make it a send a dead instance had started and never recorded (the gateway has it as WA1); its
    // claim lapses before the reconcile delay does.
    await t.db
      .updateTable("outbox")
      .set({ status: "sending", sent_at: null, claimed_by: "dead-host:9:dddddd", claim_expires_at: T0 + 10_000 })
      .where("id", "=", reply.id)
      .execute();
    await t.db
      .updateTable("messages")
      .set({ status: "queued", gateway_message_index: null })
      .where("id", "=", reply.message_id)
      .execute();
    // Another live instance reconciles the same reply first and records it as sent (WA1), while this one,
    // which took the claim over, is still reading the history.
    otherInstanceRecords = async () => {
      otherInstanceRecords = undefined;
      await t.db
        .updateTable("outbox")
        .set({ status: "sent", sent_at: clock.now() })
        .where("id", "=", reply.id)
        .execute();
      await t.db
        .updateTable("messages")
        .set({ status: "sent", gateway_message_index: gatewayIdIndex(t.cipher, "WA1") })
        .where("id", "=", reply.message_id)
        .execute();
    };
    clock.advance(16_000); // past the reconcile delay after the attempt began
    survivor.closer.engine.kickSender();
    await vi.waitFor(() => expect(historyReads).toHaveLength(1), { timeout: 30_000, interval: 50 });
    // Stopping waits for the send in hand: whatever this instance was going to do with the reply, it did.
    started.splice(started.indexOf(survivor), 1);
    await survivor.close();

    expect(sends).toHaveLength(1);
    expect(
      await t.db
        .selectFrom("outbox")
        .innerJoin("messages", "messages.id", "outbox.message_id")
        .select(["outbox.status", "messages.gateway_message_index"])
        .where("outbox.id", "=", reply.id)
        .executeTakeFirstOrThrow(),
    ).toEqual({ status: "sent", gateway_message_index: gatewayIdIndex(t.cipher, "WA1") });
  }, 60_000);

  it("runs a scheduled job on one instance when both fire at once, and not again within the same tick", async () => {
    const one = instanceCoordination(t.db, clock, 60_000, "one");
    const two = instanceCoordination(t.db, clock, 60_000, "two");
    let runs = 0;
    const job = async () => {
      runs++;
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const logger = silentLogger();
    await Promise.all([
      runJobOnce({ runOnce: one?.runOnce, logger }, "weights", job),
      runJobOnce({ runOnce: two?.runOnce, logger }, "weights", job),
    ]);
    // The slower instance's cron fires a second later: the run of this tick already happened.
    clock.advance(1_000);
    await runJobOnce({ runOnce: two?.runOnce, logger }, "weights", job);
    expect(runs).toBe(1);
    // The next tick runs again, on whichever instance gets there.
    clock.advance(3_600_000);
    await runJobOnce({ runOnce: two?.runOnce, logger }, "weights", job);
    expect(runs).toBe(2);
    const row = await t.db.selectFrom("job_runs").selectAll().where("name", "=", "weights").executeTakeFirstOrThrow();
    expect(row.holder).toBe("two");
    expect(row.finished_at).not.toBeNull();
  });

  it("holds the number's per-minute cap across instances", async () => {
    const pacing = { ...DEFAULT_PACING, maxPerMinute: 5, maxPerHour: 100 };
    const windows = ["one", "two", "three"].map((holder) => instanceCoordination(t.db, clock, 60_000, holder)?.window);
    const answers = await Promise.all(
      Array.from({ length: 12 }, (_, i) => windows[i % windows.length]?.admit(clock.now(), pacing)),
    );
    const admitted = answers.filter((answer) => answer !== undefined && !("notBefore" in answer));
    expect(admitted).toHaveLength(5);
    const waits = answers.filter((answer) => answer !== undefined && "notBefore" in answer);
    for (const wait of waits) expect((wait as { notBefore: number }).notBefore).toBe(T0 + 60_000);
  });
});
