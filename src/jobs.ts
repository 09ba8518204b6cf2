/**
 * Scheduled jobs (node-cron): weight recomputation, conversion-window
 * resolution. Each run reports a status per stage instead of stopping at the
 * first failure.
 * @module
 */
import { schedule } from "node-cron";
import type { Config } from "./config.js";
import type { Clock } from "./engine/index.js";
import type { ExperimentsService } from "./experiments/index.js";
import type { Logger } from "./log.js";

/** Running jobs. */
export interface JobScheduler {
  stop(): void;
}

/** What the jobs use. */
export interface JobDeps {
  experiments: ExperimentsService;
  clock: Clock;
  logger: Logger;
}

/** Starts the scheduled jobs. */
export function startJobs(config: Config, deps: JobDeps): JobScheduler {
  const { experiments, clock, logger } = deps;
  const options = { timezone: config.SHOP_TIMEZONE };
  const tasks = [
    schedule(
      config.RESOLVE_CRON,
      async function resolveWindows() {
        try {
          const result = await experiments.expireWindows(clock.now());
          if (result.expired > 0) logger.info(result, "conversion windows resolved");
        } catch (error) {
          logger.error({ err: error }, "window resolution failed");
        }
      },
      options,
    ),
    schedule(
      config.WEIGHTS_CRON,
      async function recomputeWeights() {
        try {
          const statuses = await experiments.updateWeights(clock.now(), "schedule");
          logger.info({ stages: statuses }, "weights recomputed");
        } catch (error) {
          logger.error({ err: error }, "weight recomputation failed");
        }
      },
      options,
    ),
  ];
  return {
    stop() {
      for (const task of tasks) void task.stop();
    },
  };
}
