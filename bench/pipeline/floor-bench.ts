/**
 * The floor phase of the pipeline benchmark: the same customers, the same sink
 * and the same generator as Closer's peak phase, against `floor-child.js`, the
 * least a server of this design does for a message (see that file).
 * @module
 */
import { join } from "node:path";
import { type IpcMessage, startChild } from "../support/child-process.js";
import type { CloserSecrets } from "../support/closer-env.js";
import { benchScript, childEnv } from "../support/paths.js";
import { cpuMsBetween, type LatencySummary, perSecond, round, summarize } from "../support/stats.js";
import { ConversationDriver } from "./conversation-driver.js";
import type { GowaSink } from "./gowa-sink.js";
import { WebhookClient } from "./webhook-client.js";

/** What the floor phase measured. */
export interface FloorResult {
  messagesPerSecond: number;
  /** Synced commits per message handled (intake, handling, `sending` and `sent` share them). */
  commitsPerMessage: number;
  serverCpuMsPerMessage: number;
  ackLatencyMs: LatencySummary;
  concurrency: number;
  windowSeconds: number;
  errors: number;
  unanswered: number;
}

/** Runs the floor server in a closed loop of `concurrency` customers. */
export async function measureFloor(options: {
  workDir: string;
  sink: GowaSink;
  secrets: CloserSecrets;
  rng: () => number;
  concurrency: number;
  warmupMs: number;
  measureMs: number;
}): Promise<FloorResult> {
  const child = await startChild(benchScript("pipeline/floor-child.js"), {
    env: childEnv({
      DATA_DIR: options.workDir,
      GOWA_URL: options.sink.url,
      GOWA_WEBHOOK_SECRET: options.secrets.webhookSecret,
    }),
    logFile: join(options.workDir, "floor.log"),
  });
  const client = new WebhookClient(`${child.ready["url"]}/webhooks/gowa`, options.concurrency * 2);
  const driver = new ConversationDriver({
    client,
    sink: options.sink,
    secret: options.secrets.webhookSecret,
    rng: options.rng,
  });
  try {
    const before = await child.request<FloorCpu>("cpu");
    const phase = await driver.closedLoop(options.concurrency, options.warmupMs, options.measureMs);
    const after = await child.request<FloorCpu>("cpu");
    const handled = Math.max(1, after.processed - before.processed);
    const cpuMs = cpuMsBetween(before.cpu, after.cpu);
    return {
      messagesPerSecond: round(perSecond(phase.replies, phase.windowMs), 1),
      commitsPerMessage: round((after.commits - before.commits) / handled, 3),
      serverCpuMsPerMessage: round(cpuMs / handled, 3),
      ackLatencyMs: summarize(phase.ackMs),
      concurrency: options.concurrency,
      windowSeconds: round(phase.windowMs / 1000, 2),
      errors: phase.errors,
      unanswered: phase.unanswered,
    };
  } finally {
    client.close();
    await child.stop();
  }
}

interface FloorCpu extends IpcMessage {
  cpu: NodeJS.CpuUsage;
  processed: number;
  commits: number;
}
