import { join } from "node:path";
import Sqlite from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SQLITE_FILE_NAME } from "../../src/store/sqlite-database.js";
import { FakeGowa } from "../support/fake-gowa.js";
import { type RunningServer, startServer } from "../support/start-server.js";
import { botLines, customerView, eventually, metric, pause } from "./gateways-helpers.js";

const SECRET = "crash-e2e-webhook-secret";

function env(fake: FakeGowa): Record<string, string> {
  return {
    GATEWAY: "gowa",
    GOWA_URL: fake.url,
    GOWA_WEBHOOK_SECRET: SECRET,
    GOWA_DEVICE_ID: "org_2",
    GOWA_BASIC_AUTH: "closer:pw",
    CLOSER_PACING: "off",
    CLOSER_RANDOM_SEED: "21",
  };
}

/** Opens the server's SQLite file beside it (WAL lets both processes use it). */
function openDataFile(server: RunningServer): Sqlite.Database {
  const db = new Sqlite(join(server.dataDir, SQLITE_FILE_NAME));
  db.pragma("busy_timeout = 5000");
  return db;
}

function count(db: Sqlite.Database, sql: string): number {
  return (db.prepare(sql).get() as { n: number }).n;
}

const sendsTo = (fake: FakeGowa, phone: string) => fake.sent.filter((s) => s.phone === `${phone}@s.whatsapp.net`);

describe("crash recovery: SIGKILL between intake and reply", () => {
  it("sends a reply that was queued when the server was killed exactly once after the restart", async () => {
    const fake = await FakeGowa.start({ basicAuth: "closer:pw", webhookSecret: SECRET });
    const first = await startServer({ env: env(fake) });
    fake.webhookUrl = `${first.url}/webhooks/gowa`;
    await fake.down();
    const phone = "6282222000001";

    const delivery = await fake.postMessage({ from: phone, text: "Hi! How much is the skillet?", id: "3ACRASH0001" });
    expect(delivery.status).toBe(200);
    expect(JSON.parse(delivery.body)).toMatchObject({ accepted: 1 });
    await eventually(
      async () => (await metric(first, 'closer_sends_total{gateway="gowa",result="retried"}')) >= 1,
      "a send that could not go out",
    );
    await first.kill();

    const file = openDataFile(first);
    try {
      expect(count(file, "select count(*) as n from inbox where status = 'done'")).toBe(1);
      expect(count(file, "select count(*) as n from outbox where status = 'pending'")).toBe(1);
    } finally {
      file.close();
    }

    await fake.up();
    const second = await startServer({ env: env(fake), dataDir: first.dataDir });
    fake.webhookUrl = `${second.url}/webhooks/gowa`;
    try {
      await eventually(() => sendsTo(fake, phone).length === 1, "the reply after the restart", 15_000);
      await eventually(
        async () => (await metric(second, 'closer_outbox_rows{status="pending"}')) === 0,
        "an empty outbox",
      );
      // GOWA delivers the same webhook again after the restart (its retries are at-least-once).
      const again = await fake.postMessage({ from: phone, text: "Hi! How much is the skillet?", id: "3ACRASH0001" });
      expect(JSON.parse(again.body)).toMatchObject({ accepted: 0, duplicates: 1 });
      await pause(1_200);
      expect(sendsTo(fake, phone)).toHaveLength(1);
      expect(sendsTo(fake, phone)[0]?.replyMessageId).toBe("3ACRASH0001");
      const view = await customerView(second, `+${phone}`);
      expect(view?.transcript.map((l) => l.author)).toEqual(["customer", "bot"]);
      expect(botLines(view)[0]?.status).toBe("sent");
    } finally {
      expect(await second.stop()).toBe(0);
      await fake.close();
    }
  });

  it("handles after the restart a message that was accepted (200) but not yet handled when the server was killed", async () => {
    const fake = await FakeGowa.start({ basicAuth: "closer:pw", webhookSecret: SECRET });
    const first = await startServer({ env: env(fake) });
    fake.webhookUrl = `${first.url}/webhooks/gowa`;
    const phone = "6282222000002";

    // The window, made deterministic: while these triggers exist the engine cannot store what it
    // decides (its transaction rolls back), but intake can still persist new inbox rows.
    const file = openDataFile(first);
    file.exec(`
      create trigger hold_handling before insert on messages begin select raise(abort, 'held by the test'); end;
      create trigger hold_inbox before update on inbox begin select raise(abort, 'held by the test'); end;
    `);
    try {
      const delivery = await fake.postMessage({ from: phone, text: "Hello, do you ship abroad?", id: "3ACRASH0002" });
      expect(delivery.status).toBe(200);
      expect(JSON.parse(delivery.body)).toMatchObject({ accepted: 1 });
      // The worker tries (and fails) at least once; the row stays pending and nothing is sent.
      await eventually(() => first.output().includes("inbox drain failed"), "a handling attempt");
      expect(count(file, "select count(*) as n from inbox where status = 'pending'")).toBe(1);
      expect(count(file, "select count(*) as n from messages")).toBe(0);
      await first.kill();
      file.exec("drop trigger hold_handling; drop trigger hold_inbox;");
    } finally {
      file.close();
    }
    expect(fake.sent).toHaveLength(0);

    const second = await startServer({ env: env(fake), dataDir: first.dataDir });
    try {
      await eventually(() => sendsTo(fake, phone).length === 1, "the reply after the restart", 15_000);
      await eventually(
        async () => (await metric(second, 'closer_outbox_rows{status="pending"}')) === 0,
        "an empty outbox",
      );
      await pause(1_200);
      expect(sendsTo(fake, phone)).toHaveLength(1);
      const view = await customerView(second, `+${phone}`);
      expect(view?.transcript.map((l) => [l.author, l.text.length > 0])).toEqual([
        ["customer", true],
        ["bot", true],
      ]);
      expect(view?.transcript[0]?.text).toBe("Hello, do you ship abroad?");
    } finally {
      expect(await second.stop()).toBe(0);
      await fake.close();
    }
  });
});
