/**
 * What the fault-injection runs share (one instance on SQLite, three on
 * PostgreSQL): a fake GOWA with failing and slow sends, customers posting
 * signed webhooks with redeliveries until each is accepted, the moment of the
 * next kill, and the checks afterwards (nothing accepted lost, no reply twice,
 * per-chat order). Seeded; loopback only.
 * @module
 */
import { setTimeout as sleep } from "node:timers/promises";
import { expect } from "vitest";
import { createSeededRandom, type Random } from "../../src/experiments/index.js";
import { FakeGowa } from "./fake-gowa.js";

/** The webhook secret of every fault-injection run. */
export const FAULT_WEBHOOK_SECRET = "fault-injection-webhook-secret";
/** How long a slow send takes at the fake, ms. */
export const SLOW_SEND_MS = 500;
/** Longer than a slow send: an interrupted send is looked up only once it cannot still be in flight. */
export const RECONCILE_AFTER_MS = 900;

const TEXTS = [
  "Hi! How much is the cast-iron skillet?",
  "Do you ship to Bandung?",
  "Is the large one in stock?",
  "What colours do you have?",
  "How long does delivery take?",
  "Can I pay by bank transfer?",
  "Do you have any discount this week?",
  "Is it good for induction stoves?",
  "ok, and the small one?",
  "How do I order?",
];

/** One customer message as posted. */
export interface SentMessage {
  id: string;
  from: string;
  text: string;
}

/** A fake GOWA whose sends fail (3%, answered 500) or are slow (5%), drawn from `seed`. */
export function startFaultyGowa(seed: number): Promise<FakeGowa> {
  const faults = createSeededRandom(seed);
  return FakeGowa.start({
    basicAuth: "closer:pw",
    webhookSecret: FAULT_WEBHOOK_SECRET,
    sendFaults: { random: () => faults.next(), failRate: 0.03, slowRate: 0.05, slowMs: SLOW_SEND_MS },
  });
}

/** The environment of a Closer behind `fake`: GOWA, no pacing, quiet logs, a short reconcile delay. */
export function faultInjectionEnv(fake: FakeGowa): Record<string, string> {
  return {
    GATEWAY: "gowa",
    GOWA_URL: fake.url,
    GOWA_WEBHOOK_SECRET: FAULT_WEBHOOK_SECRET,
    GOWA_DEVICE_ID: "org_2",
    GOWA_BASIC_AUTH: "closer:pw",
    CLOSER_PACING: "off",
    CLOSER_RANDOM_SEED: "5",
    CLOSER_RECONCILE_AFTER_MS: String(RECONCILE_AFTER_MS),
    LOG_LEVEL: "error",
  };
}

/** Options of {@link startCustomers}. */
export interface CustomersOptions {
  fake: FakeGowa;
  random: Random;
  count: number;
  /**
   * Where the next webhook goes (as a load balancer picks an instance), or a
   * promise of it when no instance is up (the customers wait, as GOWA's
   * retries back off).
   */
  target(): string | Promise<string>;
}

/** Customers chatting until stopped; what was accepted, per customer in the order they wrote. */
export interface Customers {
  /** Per customer phone: every message that got a 200, in the order written. */
  readonly accepted: Map<string, SentMessage[]>;
  readonly counts: { posts: number; redeliveries: number };
  /** Stops writing and resolves once every message in flight was accepted. */
  stop(): Promise<void>;
}

/**
 * Starts `count` customers, each writing a message every 40–300 ms and posting
 * it until a 200 (the server may be down or restarting); 15% of the messages
 * are delivered again a little later, half of them while the customer goes on.
 */
export function startCustomers({ fake, random, count, target }: CustomersOptions): Customers {
  const accepted = new Map<string, SentMessage[]>();
  const counts = { posts: 0, redeliveries: 0 };
  let stopped = false;

  async function deliver(message: SentMessage): Promise<void> {
    for (;;) {
      const url = await target();
      try {
        counts.posts++;
        // postMessage reads webhookUrl synchronously, before its first await.
        fake.webhookUrl = url;
        const delivery = await fake.postMessage(message);
        if (delivery.status === 200) return;
      } catch {
        // Killed mid-request or not listening yet: try again.
      }
      await sleep(25);
    }
  }

  async function customer(index: number): Promise<void> {
    const from = `62812700${String(index).padStart(5, "0")}`;
    const mine: SentMessage[] = [];
    accepted.set(from, mine);
    for (let n = 0; !stopped; n++) {
      const message = { id: `3AFI${String(index).padStart(4, "0")}${String(n).padStart(6, "0")}`, from, text: "" };
      message.text = TEXTS[Math.floor(random.next() * TEXTS.length)]!;
      await deliver(message);
      mine.push(message);
      // GOWA sometimes delivers the same webhook again, sooner or later.
      if (random.next() < 0.15) {
        counts.redeliveries++;
        const again = sleep(random.next() * 400).then(() => deliver(message));
        await (random.next() < 0.5 ? again : Promise.resolve());
      }
      await sleep(40 + random.next() * 260);
    }
  }

  const running = Array.from({ length: count }, (_, i) => customer(i));
  return {
    accepted,
    counts,
    async stop() {
      stopped = true;
      await Promise.all(running);
    },
  };
}

/** How a run picks the moment of each kill. */
export interface KillTiming {
  /** A timed kill comes after a run of uniform [min, min + spread) ms. */
  runMinMs: number;
  runSpreadMs: number;
  /** Share of kills that come instead just after the gateway receives the n-th send (n in 1..6), within 15 ms. */
  sendKillShare: number;
}

/** Default timing: 200–1,200 ms runs, half the kills in the send window. */
export const KILL_TIMING: KillTiming = { runMinMs: 200, runSpreadMs: 1_000, sendKillShare: 0.5 };

/**
 * Resolves at the moment of the next kill: either after a random run, or in
 * the window that repeats replies, between a send reaching the gateway and the
 * server's record of it.
 */
export async function nextKillMoment(fake: FakeGowa, random: Random, timing = KILL_TIMING): Promise<void> {
  if (random.next() < timing.sendKillShare) {
    let sends = 1 + Math.floor(random.next() * 6);
    const delay = random.next() * 15;
    await new Promise<void>((resolve) => {
      const fallback = setTimeout(resolve, 5_000);
      fake.onSendRequest = () => {
        if (--sends > 0) return;
        fake.onSendRequest = undefined;
        clearTimeout(fallback);
        setTimeout(resolve, delay);
      };
    });
  } else {
    await sleep(timing.runMinMs + random.next() * timing.runSpreadMs);
  }
}

/**
 * Polls `openRows` (inbox rows not done plus outbox rows pending, sending or
 * composing) until 0, then waits out a slow send; throws after `timeoutMs`.
 */
export async function waitUntilDrained(openRows: () => Promise<number>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await openRows();
    if (open === 0) break;
    if (process.env["FAULT_INJECTION_VERBOSE"]) console.info(`draining: ${open} open`);
    if (Date.now() > deadline) throw new Error(`${open} inbox or outbox rows still open`);
    await sleep(200);
  }
  await sleep(SLOW_SEND_MS + 200);
}

/** What the database holds at the end of a run, read by the dialect's own client. */
export interface FinalState {
  /** Inbox rows: gateway id index → status. */
  inbox: Map<string, string>;
  /** Outbox rows per status. */
  outboxByStatus: { status: string; n: number }[];
  /** Gateway id indexes of the replies recorded as sent (not queued). */
  recordedReplies: (string | null)[];
}

/**
 * The run's promises, asserted: every accepted message is in the inbox and
 * handled (0 lost), every outbox row is sent, each send the gateway saw is
 * exactly one recorded reply and back (0 twice), every message got exactly one reply
 * and each chat's replies went out in the order of its messages. `index` turns
 * a gateway id into its stored keyed hash.
 */
export function expectNothingLostNothingTwice(
  accepted: Map<string, SentMessage[]>,
  fake: FakeGowa,
  state: FinalState,
  index: (gatewayId: string) => string,
): void {
  const all = [...accepted.values()].flat();
  expect(all.filter((m) => state.inbox.get(index(m.id)) !== "done")).toEqual([]);
  expect(state.inbox.size).toBe(all.length);

  expect(state.outboxByStatus).toEqual([{ status: "sent", n: expect.any(Number) }]);
  const recorded = state.recordedReplies;
  const sentIds = fake.sent.map((s) => index(s.messageId));
  expect(new Set(recorded).size).toBe(recorded.length);
  expect([...recorded].sort()).toEqual([...sentIds].sort());

  for (const [from, messages] of accepted) {
    const order = new Map(messages.map((m, i) => [m.id, i]));
    const replies = fake.sent.filter((s) => s.phone === `${from}@s.whatsapp.net`);
    const answered = replies.map((s) => order.get(s.replyMessageId ?? "") ?? -1);
    // One reply per message: a message handled twice would show as a second reply to it.
    expect(answered).toHaveLength(messages.length);
    expect(new Set(answered)).toEqual(new Set(messages.map((_, i) => i)));
    expect(answered).toEqual([...answered].sort((a, b) => a - b));
  }
}
