/**
 * Scheduled jobs (node-cron): weight recomputation, conversion-window
 * resolution, follow-ups to quiet customers, the weekly report, and the weekly reflection when an LLM is
 * configured. Each run reports a status per stage instead of stopping at the
 * first failure; a failing run is logged, never thrown.
 * @module
 */
import { schedule } from "node-cron";
import type { Config } from "./config.js";
import type { Clock } from "./engine/index.js";
import { type ExperimentsService, type ReflectionDeps, runReflection } from "./experiments/index.js";
import type { Logger } from "./log.js";

/** Running jobs. */
export interface JobScheduler {
  stop(): void;
}

/** What the jobs use. */
export interface JobDeps {
  experiments: ExperimentsService;
  /** The weekly reflection's parts; undefined (no LLM) means the reflection job is not scheduled. */
  reflection?: ReflectionDeps | undefined;
  clock: Clock;
  logger: Logger;
  /**
   * Builds and delivers the weekly report (REPORT_CRON); returns what to log
   * (period, files, webhook status). Omitted: no report job.
   */
  weeklyReport?: () => Promise<Record<string, unknown>>;
  /** One pass of the follow-up runner (FOLLOW_UP_CRON); returns what to log. Omitted: no follow-up job. */
  followUps?: () => Promise<Record<string, number>>;
}

/** Starts the scheduled jobs. */
export function startJobs(config: Config, deps: JobDeps): JobScheduler {
  const { experiments, reflection, clock, logger } = deps;
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
  if (reflection !== undefined) {
    tasks.push(
      schedule(
        config.REFLECT_CRON,
        async function weeklyReflection() {
          try {
            const report = await runReflection(reflection);
            logger.info(
              {
                batchId: report.batchId,
                resumed: report.resumed,
                stages: report.runs.map((r) => ({
                  stage: r.stage,
                  accepted: r.accepted.map((a) => `${a.variant}@${a.version}`),
                  rejected: r.rejected.length,
                  costUsd: r.costUsd,
                  error: r.error,
                })),
              },
              "weekly reflection done",
            );
          } catch (error) {
            logger.error({ err: error }, "weekly reflection failed");
          }
        },
        options,
      ),
    );
  }
  const { followUps } = deps;
  if (followUps !== undefined) {
    tasks.push(
      schedule(
        config.FOLLOW_UP_CRON,
        async function runFollowUps() {
          try {
            const pass = await followUps();
            if (Object.values(pass).some((n) => n > 0)) logger.info(pass, "follow-ups");
          } catch (error) {
            logger.error({ err: error }, "follow-up pass failed");
          }
        },
        options,
      ),
    );
  }
  const { weeklyReport } = deps;
  if (weeklyReport !== undefined) {
    tasks.push(
      schedule(
        config.REPORT_CRON,
        async function writeWeeklyReport() {
          try {
            const run = await weeklyReport();
            const failed = run["webhook"] === "failed" || run["fileError"] !== null;
            logger[failed ? "warn" : "info"](
              run,
              failed ? "weekly report delivered in part" : "weekly report delivered",
            );
          } catch (error) {
            logger.error({ err: error }, "weekly report failed");
          }
        },
        options,
      ),
    );
  }
  return {
    stop() {
      for (const task of tasks) void task.stop();
    },
  };
}
