/**
 * Resident memory with 100,000 customers: the customers are written to a
 * SQLite file, Closer starts over it (GOWA at the sink), a few customers write
 * and get their replies, the operator reads a customer, the experiment report,
 * health and metrics; then the server's resident set size is read.
 * @module
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { gowaMessageBody, signGowaBody } from "../pipeline/conversations.js";
import { GowaSink } from "../pipeline/gowa-sink.js";
import { WebhookClient } from "../pipeline/webhook-client.js";
import { startChild } from "../support/child-process.js";
import { closerEnv, newSecrets } from "../support/closer-env.js";
import { benchScript } from "../support/paths.js";
import { round } from "../support/stats.js";
import { prepareBenchDatabase } from "./bench-database.js";
import { fixturePhone, writeCustomers } from "./customers-fixture.js";

/** The memory figures. */
export interface MemoryResult {
  rssMbAt100kCustomers: number;
  /** Resident set right after start, before any request, MB. */
  rssMbAfterStart: number;
  heapUsedMb: number;
  customers: number;
  /** Webhooks and admin GETs sent before the reading. */
  requests: number;
  /** Replies the sink received (opted-out customers get none). */
  replies: number;
  fixtureMillis: number;
}

/** Writes the customers, starts Closer over them, sends a few requests, reads the RSS. */
export async function runMemoryBench(
  workDir: string,
  now: number,
  { customers = 100_000, log }: { customers?: number; log: (line: string) => void },
): Promise<MemoryResult> {
  const dataDir = join(workDir, "memory-data");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets = newSecrets();
  const stages = await prepareBenchDatabase(dataDir, now);
  log(`memory: writing ${customers.toLocaleString("en-US")} customers with encrypted profiles`);
  const fixtureMillis = writeCustomers(
    dataDir,
    secrets.dataKey,
    stages.map((s) => s.id),
    customers,
    now,
  );
  const sink = await GowaSink.start();
  const closer = await startChild(benchScript("pipeline/closer-child.js"), {
    env: closerEnv({ dataDir, gowaUrl: sink.url, secrets }),
    logFile: join(workDir, "memory-closer.log"),
  });
  try {
    const afterStart = await closer.request<{ type: string; rss: number }>("rss");
    const url = String(closer.ready["url"]);
    const client = new WebhookClient(`${url}/webhooks/gowa`, 8);
    let requests = 0;
    const texts = ["Hi, I'm back", "How much is the skillet?", "How do I order?"];
    for (let i = 0; i < 30; i++) {
      const n = Math.floor((i * customers) / 30);
      const body = gowaMessageBody({
        id: `3C${String(i).padStart(18, "0")}`,
        phone: fixturePhone(n),
        name: "Budi",
        text: texts[i % texts.length] ?? "hi",
        at: Date.now(),
      });
      const result = await client.post(body, { "x-hub-signature-256": signGowaBody(body, secrets.webhookSecret) });
      if (result.status !== 200) throw new Error(`memory: webhook answered ${result.status}`);
      requests += 1;
    }
    client.close();
    // Some fixture customers opted out and get no reply: wait until the engine handled every message.
    let processed = 0;
    await waitUntil(async () => {
      processed = (await closer.request<{ type: string; processed: number }>("cpu")).processed;
      return processed >= requests;
    }, 30_000);
    await settle(() => sink.sends, 300);
    const replies = sink.sends;
    const auth = { authorization: `Bearer ${secrets.adminToken}` };
    for (const path of ["/healthz", "/metrics", "/api/experiments", `/api/customers/%2B${fixturePhone(0)}`]) {
      const response = await fetch(`${url}${path}`, { headers: auth });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`memory: GET ${path} answered ${response.status}`);
      requests += 1;
    }
    const rss = await closer.request<{ type: string; rss: number; heapUsed: number }>("rss");
    return {
      rssMbAt100kCustomers: round(rss.rss / 1_048_576, 1),
      rssMbAfterStart: round(afterStart.rss / 1_048_576, 1),
      heapUsedMb: round(rss.heapUsed / 1_048_576, 1),
      customers,
      requests,
      replies,
      fixtureMillis,
    };
  } finally {
    await closer.stop();
    await sink.close();
  }
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("memory: timed out waiting for the engine");
    await sleep(20);
  }
}

/** Waits until `count()` has not changed for `quietMs`. */
async function settle(count: () => number, quietMs: number): Promise<void> {
  let last = count();
  for (;;) {
    await sleep(quietMs);
    const now = count();
    if (now === last) return;
    last = now;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
