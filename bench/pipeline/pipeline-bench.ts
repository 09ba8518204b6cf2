/**
 * The pipeline benchmark: Closer (a child process, GATEWAY=gowa, SQLite file,
 * no pacing, offline replies) takes signed GOWA webhooks from simulated
 * customers and replies through a sink on loopback. Measured: replies per
 * second at peak (closed loop), the webhook acknowledgement latency there and
 * at half that rate (open loop), and a bare fastify route as the baseline, all
 * with the same load generator, which shares the machine's cores with the server.
 * @module
 */
import { join } from "node:path";
import { createSeededRandom } from "../../src/experiments/index.js";
import { type BenchChild, type IpcMessage, startChild } from "../support/child-process.js";
import { closerEnv, newSecrets } from "../support/closer-env.js";
import { benchScript, childEnv } from "../support/paths.js";
import { cpuMs, cpuMsBetween, type LatencySummary, perSecond, round, summarize } from "../support/stats.js";
import { runBaselineLoad } from "./baseline-load.js";
import { ConversationDriver, type PhaseResult } from "./conversation-driver.js";
import { type FloorResult, measureFloor } from "./floor-bench.js";
import { GowaSink } from "./gowa-sink.js";
import { WebhookClient } from "./webhook-client.js";

/** Durations (ms) and concurrency of the pipeline benchmark. */
export interface PipelineBenchOptions {
  workDir: string;
  /** Customers chatting at once in the peak phase. */
  concurrency: number;
  /** Requests in flight against the baseline. */
  baselineConcurrency: number;
  warmupMs: number;
  measureMs: number;
  halfWarmupMs: number;
  halfMeasureMs: number;
  baselineWarmupMs: number;
  baselineMeasureMs: number;
  /** When set, the Closer child runs with `--cpu-prof` and writes its profile here. */
  profileDir?: string | undefined;
  /** Progress lines. */
  log: (line: string) => void;
}

/** The pipeline's figures. Latencies in ms. */
export interface PipelineResult {
  pipeline: {
    messagesPerSecond: number;
    ratioToBaseline: number;
    ackLatencyMs: LatencySummary;
    replyLatencyMs: LatencySummary;
    webhooksPerSecond: number;
    concurrency: number;
    windowSeconds: number;
    errors: number;
    unanswered: number;
    customers: number;
    halfPeak: {
      ratePerSecond: number;
      messagesPerSecond: number;
      ackLatencyMs: LatencySummary;
      ackLatencyFromDueMs: LatencySummary;
      replyLatencyMs: LatencySummary;
      errors: number;
      unanswered: number;
      windowSeconds: number;
    };
    /** Server CPU time (user + system) per message handled during the peak phase, warm-up included. */
    serverCpuMsPerMessage: number;
    /** The load generator's and sink's CPU time per message in the same phase. */
    generatorCpuMsPerMessage: number;
    serverRssMb: number;
    serverMetrics: Record<string, unknown>;
    /**
     * The floor of this design in the same run: a minimal server that keeps Closer's four synced
     * writes per message and its two HTTP exchanges, and does nothing else (floor-child.ts).
     */
    floor: FloorResult & { ratioToBaseline: number };
  };
  baseline: {
    requestsPerSecond: number;
    ackLatencyMs: LatencySummary;
    concurrency: number;
    windowSeconds: number;
    errors: number;
  };
}

/** Runs the baseline, then the pipeline at peak, then at half the peak. */
export async function runPipelineBench(options: PipelineBenchOptions): Promise<PipelineResult> {
  const { log } = options;
  const secrets = newSecrets();
  const rng = createSeededRandom(5150);
  const next = () => rng.next();

  log(`baseline: bare fastify, ${options.baselineConcurrency} requests in flight`);
  const baselineChild = await startChild(benchScript("pipeline/baseline-child.js"), { env: childEnv({}) });
  const baselineClient = new WebhookClient(`${baselineChild.ready["url"]}/webhooks/gowa`, options.baselineConcurrency);
  const baseline = await runBaselineLoad(baselineClient, secrets.webhookSecret, next, {
    concurrency: options.baselineConcurrency,
    warmupMs: options.baselineWarmupMs,
    measureMs: options.baselineMeasureMs,
  });
  baselineClient.close();
  await baselineChild.stop();
  log(`baseline: ${Math.round(baseline.requestsPerSecond)} requests/s`);

  const sink = await GowaSink.start();
  const execArgv = options.profileDir ? ["--cpu-prof", `--cpu-prof-dir=${options.profileDir}`] : [];
  const closer: BenchChild = await startChild(benchScript("pipeline/closer-child.js"), {
    env: closerEnv({ dataDir: join(options.workDir, "pipeline-data"), gowaUrl: sink.url, secrets }),
    execArgv,
    logFile: join(options.workDir, "pipeline-closer.log"),
  });
  const client = new WebhookClient(`${closer.ready["url"]}/webhooks/gowa`, options.concurrency * 2);
  const driver = new ConversationDriver({ client, sink, secret: secrets.webhookSecret, rng: next });
  try {
    log(`pipeline: ${options.concurrency} customers chatting at once`);
    const cpuBefore = await closer.request<CpuAnswer>("cpu");
    const generatorBefore = process.cpuUsage();
    const peak = await driver.closedLoop(options.concurrency, options.warmupMs, options.measureMs);
    const generatorCpu = process.cpuUsage(generatorBefore);
    const cpuAfter = await closer.request<CpuAnswer>("cpu");
    const processed = cpuAfter.processed - cpuBefore.processed;
    const serverCpuMs = cpuMsBetween(cpuBefore.cpu, cpuAfter.cpu);
    const messagesPerSecond = perSecond(peak.replies, peak.windowMs);
    log(
      `pipeline: ${Math.round(messagesPerSecond)} messages/s replied, ack p99 ${round(summarize(peak.ackMs).p99)} ms`,
    );

    const rate = Math.max(1, messagesPerSecond / 2);
    log(`pipeline: open loop at ${Math.round(rate)} messages/s (half the peak)`);
    const half = await driver.openLoop(rate, options.halfWarmupMs, options.halfMeasureMs);
    const rss = await closer.request<{ type: string; rss: number }>("rss");
    const metrics = await closer.request<{ type: string; metrics: Record<string, unknown> }>("metrics");
    await closer.stop();
    log(`floor: the least a server of this design does, ${options.concurrency} customers`);
    const floor = await measureFloor({
      workDir: options.workDir,
      sink,
      secrets,
      rng: next,
      concurrency: options.concurrency,
      warmupMs: options.halfWarmupMs,
      measureMs: options.halfMeasureMs,
    });
    log(`floor: ${Math.round(floor.messagesPerSecond)} messages/s, ${floor.serverCpuMsPerMessage} ms CPU a message`);
    return {
      pipeline: {
        messagesPerSecond: round(messagesPerSecond, 1),
        ratioToBaseline: round(messagesPerSecond / baseline.requestsPerSecond, 3),
        ackLatencyMs: summarize(peak.ackMs),
        replyLatencyMs: summarize(peak.replyMs),
        webhooksPerSecond: round(perSecond(peak.acked, peak.windowMs), 1),
        concurrency: options.concurrency,
        windowSeconds: round(peak.windowMs / 1000, 2),
        errors: peak.errors,
        unanswered: peak.unanswered,
        customers: peak.customers,
        halfPeak: halfPeakOf(rate, half),
        serverCpuMsPerMessage: round(serverCpuMs / Math.max(1, processed), 3),
        generatorCpuMsPerMessage: round(cpuMs(generatorCpu) / Math.max(1, processed), 3),
        serverRssMb: round(rss.rss / 1_048_576, 1),
        serverMetrics: metrics.metrics,
        floor: { ...floor, ratioToBaseline: round(floor.messagesPerSecond / baseline.requestsPerSecond, 3) },
      },
      baseline: {
        requestsPerSecond: round(baseline.requestsPerSecond, 1),
        ackLatencyMs: summarize(baseline.ackMs),
        concurrency: options.baselineConcurrency,
        windowSeconds: round(baseline.windowMs / 1000, 2),
        errors: baseline.errors,
      },
    };
  } finally {
    client.close();
    await closer.stop();
    await sink.close();
  }
}

function halfPeakOf(rate: number, half: PhaseResult): PipelineResult["pipeline"]["halfPeak"] {
  return {
    ratePerSecond: round(rate, 1),
    messagesPerSecond: round(perSecond(half.replies, half.windowMs), 1),
    ackLatencyMs: summarize(half.ackMs),
    ackLatencyFromDueMs: summarize(half.ackFromDueMs),
    replyLatencyMs: summarize(half.replyMs),
    errors: half.errors,
    unanswered: half.unanswered,
    windowSeconds: round(half.windowMs / 1000, 2),
  };
}

interface CpuAnswer extends IpcMessage {
  cpu: NodeJS.CpuUsage;
  processed: number;
}
