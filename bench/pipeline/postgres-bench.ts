/**
 * The pipeline benchmark on PostgreSQL: the same Closer child, load generator
 * and GOWA sink as the SQLite run (pipeline-bench.ts), with `DATABASE_URL`
 * pointing at a temporary cluster started by the project's own test support
 * (Debian's `postgresql` package, unix socket only, durable settings kept:
 * fsync and synchronous commit on, as SQLite keeps `synchronous=FULL`). Run
 * with one instance and with two sharing the database, the webhooks spread
 * over them round-robin as a load balancer would. Each configuration runs
 * `runs` times on a fresh database; the median run is reported with all runs.
 * Skipped with a message when no PostgreSQL binaries are installed.
 * @module
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { sql } from "kysely";
import { createSeededRandom } from "../../src/experiments/index.js";
import { openPostgresDatabase } from "../../src/store/postgres-database.js";
import {
  findPostgresBinaries,
  type PostgresCluster,
  postgresDatabaseUrl,
  startPostgresCluster,
} from "../../test/support/postgres-cluster.js";
import { type BenchChild, type IpcMessage, startChild } from "../support/child-process.js";
import { closerEnv, newSecrets } from "../support/closer-env.js";
import { benchScript } from "../support/paths.js";
import { cpuMsBetween, type LatencySummary, median, perSecond, round, summarize } from "../support/stats.js";
import { ConversationDriver } from "./conversation-driver.js";
import { GowaSink } from "./gowa-sink.js";
import { WebhookClient } from "./webhook-client.js";

/** Options of {@link runPostgresPipelineBench}. */
export interface PostgresPipelineBenchOptions {
  workDir: string;
  /** Customers chatting at once (as in the SQLite run). */
  concurrency: number;
  warmupMs: number;
  measureMs: number;
  /** Runs per configuration; the median is reported. */
  runs: number;
  log: (line: string) => void;
}

/** One measured run. */
export interface PostgresRun {
  messagesPerSecond: number;
  ackLatencyMs: LatencySummary;
  replyLatencyMs: LatencySummary;
  /** CPU time (user + system) of all Closer instances per message handled, warm-up included. */
  serverCpuMsPerMessage: number;
  errors: number;
  unanswered: number;
  windowSeconds: number;
}

/** One configuration (one or two instances): the median run and every run. */
export interface PostgresConfigurationResult {
  instances: number;
  /** Median over the runs of replies per second at the sink. */
  messagesPerSecond: number;
  /** Of the run with the median throughput. */
  ackLatencyMs: LatencySummary;
  replyLatencyMs: LatencySummary;
  serverCpuMsPerMessage: number;
  runs: PostgresRun[];
}

/** What `results.postgres` holds. */
export type PostgresPipelineResult =
  | {
      skipped: false;
      server: string;
      durable: true;
      concurrency: number;
      oneInstance: PostgresConfigurationResult;
      twoInstances: PostgresConfigurationResult;
    }
  | { skipped: true; reason: string };

/** Runs the pipeline on PostgreSQL with one, then two instances. */
export async function runPostgresPipelineBench(options: PostgresPipelineBenchOptions): Promise<PostgresPipelineResult> {
  const bin = findPostgresBinaries();
  if (bin === undefined) {
    const reason =
      "no PostgreSQL binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql, or set POSTGRES_BIN)";
    options.log(`postgres: skipped: ${reason}`);
    return { skipped: true, reason };
  }
  const server = execFileSync(join(bin, "postgres"), ["--version"]).toString().trim();
  options.log(`postgres: ${server}, a temporary durable cluster`);
  const cluster = startPostgresCluster({ durable: true });
  try {
    const oneInstance = await runConfiguration(cluster, 1, options);
    const twoInstances = await runConfiguration(cluster, 2, options);
    return { skipped: false, server, durable: true, concurrency: options.concurrency, oneInstance, twoInstances };
  } finally {
    cluster.stop();
  }
}

async function runConfiguration(
  cluster: PostgresCluster,
  instances: number,
  options: PostgresPipelineBenchOptions,
): Promise<PostgresConfigurationResult> {
  const runs: PostgresRun[] = [];
  for (let run = 0; run < options.runs; run++) {
    const result = await runOnce(cluster, instances, run, options);
    options.log(
      `postgres: ${instances} instance${instances > 1 ? "s" : ""}, run ${run + 1}: ` +
        `${Math.round(result.messagesPerSecond)} messages/s replied, ack p99 ${result.ackLatencyMs.p99} ms`,
    );
    runs.push(result);
  }
  const throughputs = runs.map((r) => r.messagesPerSecond);
  const middle = median(throughputs);
  const chosen = runs.reduce((best, r) =>
    Math.abs(r.messagesPerSecond - middle) < Math.abs(best.messagesPerSecond - middle) ? r : best,
  );
  return {
    instances,
    messagesPerSecond: round(middle, 1),
    ackLatencyMs: chosen.ackLatencyMs,
    replyLatencyMs: chosen.replyLatencyMs,
    serverCpuMsPerMessage: chosen.serverCpuMsPerMessage,
    runs,
  };
}

/** A fresh database, `instances` Closer children on it, one closed-loop phase. */
async function runOnce(
  cluster: PostgresCluster,
  instances: number,
  run: number,
  options: PostgresPipelineBenchOptions,
): Promise<PostgresRun> {
  const name = `bench_${instances}_${run}`;
  const admin = openPostgresDatabase({ url: cluster.url, maxConnections: 1 });
  try {
    await sql`create database ${sql.id(name)}`.execute(admin);
  } finally {
    await admin.destroy();
  }
  const url = postgresDatabaseUrl(cluster.url, name);
  const secrets = newSecrets();
  const rng = createSeededRandom(5150 + run);
  const sink = await GowaSink.start();
  const children: BenchChild[] = [];
  const clients: WebhookClient[] = [];
  try {
    // One after another: the first runs the migrations.
    for (let i = 0; i < instances; i++) {
      const env = closerEnv({
        dataDir: join(options.workDir, `${name}-instance-${i}`),
        gowaUrl: sink.url,
        secrets,
      });
      env["DATABASE_URL"] = url;
      const child = await startChild(benchScript("pipeline/closer-child.js"), {
        env,
        logFile: join(options.workDir, `${name}-instance-${i}.log`),
        // Starting on a busy machine can take long (tens of seconds seen on a shared 2-core VM).
        readyTimeoutMs: 180_000,
      });
      children.push(child);
      clients.push(new WebhookClient(`${child.ready["url"]}/webhooks/gowa`, options.concurrency * 2));
    }
    let turn = 0;
    const spread: Pick<WebhookClient, "post"> = {
      post: (body, headers, startedAt) => clients[turn++ % clients.length]!.post(body, headers, startedAt),
    };
    const driver = new ConversationDriver({
      client: spread,
      sink,
      secret: secrets.webhookSecret,
      rng: () => rng.next(),
    });
    const before = await Promise.all(children.map((c) => c.request<CpuAnswer>("cpu")));
    const peak = await driver.closedLoop(options.concurrency, options.warmupMs, options.measureMs);
    const after = await Promise.all(children.map((c) => c.request<CpuAnswer>("cpu")));
    let processed = 0;
    let cpuMs = 0;
    for (const [i, a] of after.entries()) {
      const b = before[i]!;
      processed += a.processed - b.processed;
      cpuMs += cpuMsBetween(b.cpu, a.cpu);
    }
    return {
      messagesPerSecond: round(perSecond(peak.replies, peak.windowMs), 1),
      ackLatencyMs: summarize(peak.ackMs),
      replyLatencyMs: summarize(peak.replyMs),
      serverCpuMsPerMessage: round(cpuMs / Math.max(1, processed), 3),
      errors: peak.errors,
      unanswered: peak.unanswered,
      windowSeconds: round(peak.windowMs / 1000, 2),
    };
  } finally {
    for (const client of clients) client.close();
    for (const child of children) await child.stop();
    await sink.close();
  }
}

interface CpuAnswer extends IpcMessage {
  cpu: NodeJS.CpuUsage;
  processed: number;
}
