/**
 * Fault injection on PostgreSQL: three real servers (the built CLI) sharing one database in the
 * run's temporary cluster, behind one fake GOWA whose webhooks a load balancer spreads over the
 * instances that are up; concurrent signed webhooks with redeliveries, failing and slow sends.
 * The instances are killed in turn with SIGKILL at random moments and restarted while the others
 * carry on (a killed instance's liveness lock goes with its session, so the others take its chats
 * and replies over at once; a send it had started once its claim lapses, first looking for it in the
 * gateway's history).
 * Afterwards nothing accepted is lost, no reply went out twice, each chat's replies kept the
 * order of its messages, and the database is intact (amcheck over every table and index).
 * Seeded; loopback and a unix socket only. (One instance on SQLite: fault-injection.e2e.test.ts.)
 */
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../../src/experiments/index.js";
import { gatewayIdIndex } from "../../src/store/index.js";
import {
  expectNothingLostNothingTwice,
  faultInjectionEnv,
  nextKillMoment,
  startCustomers,
  startFaultyGowa,
  waitUntilDrained,
} from "../support/fault-injection.js";
import { type RunningServer, startServer } from "../support/start-server.js";
import { createTestDatabase, TEST_DATA_KEY } from "../support/test-database.js";

const SEED = 20261204;
/** SIGKILLs in one run, over all instances (the issue asks for at least 50). */
const KILLS = Number(process.env["FAULT_INJECTION_KILLS"] ?? 51);
const INSTANCES = 3;
/** Fewer than on SQLite: three servers and PostgreSQL share the cores with the customers. */
const CUSTOMERS = 8;
/**
 * How long a dead instance's leases and claims hold, short for the test (a reply whose send had
 * started stays claimed for the gateway's timeout, 55 s, whatever this is).
 */
const LEASE_MS = 2_000;
/** A start on a busy machine (three servers, PostgreSQL and the customers on two cores) takes long. */
const STARTUP_TIMEOUT_MS = 180_000;

// Runs with the postgres project (about 5-10 minutes on 2 shared cores). Until 3 December one reply
// in 6,000-7,600 reached the gateway twice: an instance whose claim had lapsed while it read the
// gateway's history resent a reply another instance had just recorded (fixed: a send starts only on
// a row still open); three runs since passed (7,882-9,182 replies each).
describe("fault injection on PostgreSQL: three instances killed in turn", () => {
  it(`loses nothing and sends no reply twice over ${KILLS} kills of ${INSTANCES} instances`, {
    timeout: 1_500_000,
  }, async () => {
    const t = await createTestDatabase();
    const random = createSeededRandom(SEED);
    const fake = await startFaultyGowa(SEED + 1);
    const env = {
      ...faultInjectionEnv(fake),
      DATABASE_URL: t.url ?? "",
      // One data key for all instances, as they share it in production.
      CLOSER_DATA_KEY: TEST_DATA_KEY.toString("base64"),
      INSTANCE_LEASE_MS: String(LEASE_MS),
      INSTANCE_SYNC_MS: "500",
      // A dead instance's interrupted send is taken over once its claim lapses (55 s), long after this;
      // an instance restarted after a kill looks up its own interrupted sends after this long: past
      // the fake's slow acknowledgement (500 ms) plus the event-loop lag of a machine this loaded.
      CLOSER_RECONCILE_AFTER_MS: "5000",
    };
    const servers: (RunningServer | undefined)[] = [];
    /** Per instance, the restart under way (resolves once it listens). */
    const restarts: Promise<void>[] = [];
    for (let i = 0; i < INSTANCES; i++) servers.push(await startServer({ env, timeoutMs: STARTUP_TIMEOUT_MS }));

    const up = (): RunningServer[] => servers.filter((s): s is RunningServer => s !== undefined);
    // The load balancer: a random instance that is up (one always is: see below).
    const target = async (): Promise<string> => {
      for (;;) {
        const live = up();
        if (live.length > 0) return `${live[Math.floor(random.next() * live.length)]!.url}/webhooks/gowa`;
        await sleep(20);
      }
    };
    const customers = startCustomers({ fake, random, count: CUSTOMERS, target });

    const started = Date.now();
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        const victim = kill % INSTANCES;
        // The victim restarted after its last kill before it is killed again, and another instance is up.
        await restarts[victim];
        while (up().length < 2) await sleep(20);
        await nextKillMoment(fake, random);
        const server = servers[victim]!;
        servers[victim] = undefined;
        await server.kill();
        const restarting = Date.now();
        restarts[victim] = startServer({ env, timeoutMs: STARTUP_TIMEOUT_MS }).then((restarted) => {
          if (process.env["FAULT_INJECTION_VERBOSE"]) {
            console.info(`instance ${victim} restarted in ${Date.now() - restarting} ms`);
          }
          servers[victim] = restarted;
        });
        if (process.env["FAULT_INJECTION_VERBOSE"]) {
          console.info(
            `kill ${kill + 1} (instance ${victim}) at ${Date.now() - started} ms; ${customers.counts.posts} posts, ${fake.sent.length} sent`,
          );
        }
      }
      await Promise.all(restarts);
      await customers.stop();

      // Drained: every reply settled (slow sends, retries after 500s and lapsed claims included).
      await waitUntilDrained(async () => {
        const inbox = await t.db
          .selectFrom("inbox")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("status", "<>", "done")
          .executeTakeFirstOrThrow();
        const outbox = await t.db
          .selectFrom("outbox")
          .select((eb) => eb.fn.countAll<string>().as("n"))
          .where("status", "in", ["pending", "sending", "composing"])
          .executeTakeFirstOrThrow();
        return Number(inbox.n) + Number(outbox.n);
      }, 300_000);
    } finally {
      await customers.stop();
      await Promise.allSettled(restarts);
      if (process.env["FAULT_INJECTION_VERBOSE"]) {
        for (const server of up()) console.info(`instance output:\n${server.output().slice(-4_000)}`);
      }
      for (const server of servers) if (server !== undefined) expect(await server.stop()).toBe(0);
      await fake.close();
    }

    try {
      // Intact: amcheck finds no corrupt heap page or b-tree in any of our tables.
      await sql`create extension if not exists amcheck`.execute(t.db);
      const corrupt = await sql<{ relname: string; msg: string }>`
        select c.relname, v.msg from pg_class c, lateral verify_heapam(c.oid) v
        where c.relkind = 'r' and c.relnamespace = current_schema()::regnamespace`.execute(t.db);
      expect(corrupt.rows).toEqual([]);
      const indexes = await sql<{ checked: number }>`
        select count(bt_index_check(c.oid, true))::int as checked from pg_class c
        join pg_am am on am.oid = c.relam
        where c.relkind = 'i' and am.amname = 'btree' and c.relnamespace = current_schema()::regnamespace`.execute(
        t.db,
      );
      expect(indexes.rows[0]?.checked).toBeGreaterThan(10);

      const inbox = await t.db.selectFrom("inbox").select(["gateway_message_index as id", "status"]).execute();
      const outbox = await t.db
        .selectFrom("outbox")
        .select((eb) => ["status", eb.fn.countAll<string>().as("n")])
        .groupBy("status")
        .execute();
      const recorded = await t.db
        .selectFrom("messages")
        .select("gateway_message_index as id")
        .where("direction", "=", "out")
        .where("status", "<>", "queued")
        .execute();
      expectNothingLostNothingTwice(
        customers.accepted,
        fake,
        {
          inbox: new Map(inbox.map((r) => [r.id, r.status])),
          outboxByStatus: outbox.map((r) => ({ status: r.status, n: Number(r.n) })),
          recordedReplies: recorded.map((r) => r.id),
        },
        (id) => gatewayIdIndex(t.cipher, id),
      );
      const accepted = [...customers.accepted.values()].flat().length;
      console.info(
        `fault injection (PostgreSQL, ${INSTANCES} instances): ${KILLS} kills in ${Math.round((Date.now() - started) / 1000)} s; ` +
          `${accepted} messages accepted (${customers.counts.posts} posts, ${customers.counts.redeliveries} redeliveries), ` +
          `${fake.sent.length} replies sent`,
      );
    } finally {
      await t.close();
    }
  });
});
