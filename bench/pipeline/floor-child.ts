/**
 * The floor of the pipeline's design: the least a server can do and still keep
 * Closer's promises for a text message, with nothing of Closer's own work. It
 * verifies the GOWA signature, stores the message and answers 200 after a
 * synced commit, queues a fixed reply in a second commit, records `sending` in
 * a third before calling the gateway (a keep-alive undici pool, as Closer), and
 * records `sent` in a fourth: four commit points a message, shared by the
 * messages that are ready in the same turn of the event loop, SQLite in WAL mode
 * with synchronous=FULL, one connection, raw prepared statements (no kysely),
 * no encryption, no customer, no stage, no bandit, no composition.
 *
 * Driven by the same customers as Closer and measured in the same run, it
 * shows how far a pipeline of this shape can go on this machine: what Closer's
 * own work per message may cost to reach a given ratio to the bare route.
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import Fastify from "fastify";
import { Pool } from "undici";
import { announceReady, serveParent } from "../support/child-process.js";

const dataDir = process.env["DATA_DIR"] ?? ".";
const secret = process.env["GOWA_WEBHOOK_SECRET"] ?? "";
const gatewayUrl = process.env["GOWA_URL"] ?? "";

const sqlite = new BetterSqlite3(join(dataDir, "floor.db"));
sqlite.pragma("journal_mode = WAL");
sqlite.pragma("synchronous = FULL");
sqlite.exec(`
  create table if not exists inbox (id integer primary key, message_id text not null unique, chat text not null,
    body text not null, status text not null);
  create table if not exists outbox (id integer primary key, inbox_id integer not null, chat text not null,
    text text not null, status text not null, gateway_id text);
`);
const insertInbox = sqlite.prepare(
  "insert into inbox (message_id, chat, body, status) values (?, ?, ?, 'pending') on conflict do nothing",
);
const insertOutbox = sqlite.prepare("insert into outbox (inbox_id, chat, text, status) values (?, ?, ?, 'pending')");
const markInboxDone = sqlite.prepare("update inbox set status = 'done' where id = ?");
const markSending = sqlite.prepare("update outbox set status = 'sending' where id = ?");
const markSent = sqlite.prepare("update outbox set status = 'sent', gateway_id = ? where id = ?");
const begin = sqlite.prepare("begin");
const commit = sqlite.prepare("commit");
const rollback = sqlite.prepare("rollback");

let commits = 0;
let handled = 0;

/** Units queued in one turn of the event loop share one transaction (one fsync). */
type Unit = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };
const queue: Unit[] = [];
function inCommit<T>(work: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
    if (queue.length === 1) setImmediate(flush);
  });
}
function flush(): void {
  const batch = queue.splice(0);
  let values: unknown[];
  try {
    begin.run();
    values = batch.map((unit) => unit.work());
    commit.run();
  } catch (error) {
    if (sqlite.inTransaction) rollback.run();
    for (const unit of batch) unit.reject(error);
    return;
  }
  commits += 1;
  batch.forEach((unit, i) => {
    unit.resolve(values[i]);
  });
}

const gateway = new Pool(gatewayUrl, { connections: 64, pipelining: 1 });

async function reply(inboxId: number, chat: string, messageId: string, body: string): Promise<void> {
  const text = `Thanks for your message: ${body.slice(0, 40)}`;
  const outboxId = await inCommit(() => {
    markInboxDone.run(inboxId);
    return Number(insertOutbox.run(inboxId, chat, text).lastInsertRowid);
  });
  await inCommit(() => markSending.run(outboxId));
  const response = await gateway.request({
    method: "POST",
    path: "/send/message",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ phone: chat, message: text, reply_message_id: messageId }),
  });
  const answer = (await response.body.json()) as { results?: { message_id?: string } };
  await inCommit(() => markSent.run(answer.results?.message_id ?? null, outboxId));
  handled += 1;
}

const app = Fastify({ logger: false });
app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => done(null, body));
app.post("/webhooks/gowa", async function receive(request, response) {
  const raw = request.body as string;
  const signature = String(request.headers["x-hub-signature-256"] ?? "");
  const expected = `sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`;
  if (signature.length !== expected.length || !timingSafeEqual(Buffer.from(signature), Buffer.from(expected))) {
    return response.status(401).send({ error: "bad signature" });
  }
  const envelope = JSON.parse(raw) as { event?: string; payload?: { id?: string; chat_id?: string; body?: string } };
  const { id, chat_id: chat, body } = envelope.payload ?? {};
  if (envelope.event !== "message" || id === undefined || chat === undefined || body === undefined) {
    return response.status(400).send({ error: "not a text message" });
  }
  const inboxId = await inCommit(() => {
    const inserted = insertInbox.run(id, chat, body);
    return inserted.changes === 1 ? Number(inserted.lastInsertRowid) : 0;
  });
  if (inboxId > 0)
    reply(inboxId, chat, id, body).catch((error: unknown) => console.error("floor: reply failed", error));
  return { accepted: 1 };
});
const url = await app.listen({ host: "127.0.0.1", port: 0 });

serveParent(
  {
    rss: () => ({ rss: process.memoryUsage().rss }),
    cpu: () => ({ cpu: process.cpuUsage(), processed: handled, commits }),
  },
  async () => {
    await app.close();
    await gateway.close();
    sqlite.close();
  },
);
announceReady({ url });
