/**
 * Fault injection: the real server (the built CLI) behind a fake GOWA, under concurrent signed
 * webhooks with redeliveries, failing and slow sends, killed with SIGKILL at random moments and
 * restarted each time. Afterwards nothing accepted is lost, no reply went out twice, each chat's
 * replies kept the order of its messages, and the database is intact. Seeded; loopback only.
 * (The same with three instances on PostgreSQL: fault-injection-instances.postgres.test.ts.)
 */
import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../../src/experiments/index.js";
import { createFieldCipher, gatewayIdIndex, loadDataKey } from "../../src/store/index.js";
import { SQLITE_FILE_NAME } from "../../src/store/sqlite-database.js";
import {
  expectNothingLostNothingTwice,
  faultInjectionEnv,
  nextKillMoment,
  startCustomers,
  startFaultyGowa,
  waitUntilDrained,
} from "../support/fault-injection.js";
import { type RunningServer, startServer } from "../support/start-server.js";

const SEED = 20261203;
/** SIGKILLs in one run (the issue asks for at least 50). */
const KILLS = Number(process.env["FAULT_INJECTION_KILLS"] ?? 50);
const CUSTOMERS = 24;

function openDataFile(dataDir: string): Sqlite.Database {
  const db = new Sqlite(join(dataDir, SQLITE_FILE_NAME));
  db.pragma("busy_timeout = 5000");
  return db;
}

describe("fault injection: SIGKILL at random moments under concurrent webhooks and flaky sends", () => {
  it(`loses nothing and sends no reply twice over ${KILLS} kills and restarts`, { timeout: 600_000 }, async () => {
    const random = createSeededRandom(SEED);
    const fake = await startFaultyGowa(SEED + 1);
    const env = faultInjectionEnv(fake);
    let server: RunningServer = await startServer({ env, timeoutMs: 60_000 });
    const dataDir = server.dataDir;

    // While the server is down the customers wait for it (GOWA's retries back off), so the restart
    // gets the CPU rather than a storm of refused connections.
    let serverUp: Promise<string> = Promise.resolve(`${server.url}/webhooks/gowa`);
    let markUp: (url: string) => void = () => {};
    const customers = startCustomers({ fake, random, count: CUSTOMERS, target: () => serverUp });

    let leftSending = 0;
    const started = Date.now();
    try {
      for (let kill = 0; kill < KILLS; kill++) {
        await nextKillMoment(fake, random);
        serverUp = new Promise((resolve) => {
          markUp = resolve;
        });
        await server.kill();
        const file = openDataFile(dataDir);
        try {
          leftSending += (
            file.prepare("select count(*) as n from outbox where status = 'sending'").get() as { n: number }
          ).n;
        } finally {
          file.close();
        }
        server = await startServer({ env, dataDir, timeoutMs: 60_000 });
        markUp(`${server.url}/webhooks/gowa`);
        if (process.env["FAULT_INJECTION_VERBOSE"]) {
          console.info(
            `kill ${kill + 1} at ${Date.now() - started} ms; ${customers.counts.posts} posts, ${fake.sent.length} sent`,
          );
        }
      }
      await customers.stop();

      // Drained: every reply settled (slow sends and retries after 500s included).
      await waitUntilDrained(async () => {
        const file = openDataFile(dataDir);
        try {
          return (
            file
              .prepare(
                "select (select count(*) from inbox where status <> 'done') + (select count(*) from outbox where status in ('pending', 'sending', 'composing')) as n",
              )
              .get() as { n: number }
          ).n;
        } finally {
          file.close();
        }
      });
    } finally {
      await customers.stop();
      expect(await server.stop()).toBe(0);
      await fake.close();
    }

    const file = openDataFile(dataDir);
    // Gateway ids are stored as keyed hashes (issue 12): hash ours the same way to find them.
    const cipher = createFieldCipher({ primary: loadDataKey({ dataDir }).key });
    try {
      expect(file.pragma("integrity_check", { simple: true })).toBe("ok");
      const inbox = file.prepare("select gateway_message_index as id, status from inbox").all() as {
        id: string;
        status: string;
      }[];
      expectNothingLostNothingTwice(
        customers.accepted,
        fake,
        {
          inbox: new Map(inbox.map((r) => [r.id, r.status])),
          outboxByStatus: file.prepare("select status, count(*) as n from outbox group by status").all() as {
            status: string;
            n: number;
          }[],
          recordedReplies: (
            file
              .prepare(
                "select gateway_message_index as id from messages where direction = 'out' and status <> 'queued'",
              )
              .all() as { id: string | null }[]
          ).map((r) => r.id),
        },
        (id) => gatewayIdIndex(cipher, id),
      );
      const accepted = [...customers.accepted.values()].flat().length;
      console.info(
        `fault injection: ${KILLS} kills in ${Math.round((Date.now() - started) / 1000)} s; ${accepted} messages accepted ` +
          `(${customers.counts.posts} posts, ${customers.counts.redeliveries} redeliveries), ${fake.sent.length} replies sent, ` +
          `${leftSending} replies found 'sending' after a kill`,
      );
    } finally {
      file.close();
    }
  });
});
