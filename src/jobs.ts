/**
 * Scheduled jobs (node-cron): weight recomputation, conversion-window
 * resolution, follow-ups to quiet customers, the weekly report, the weekly reflection when an LLM is
 * configured, the daily retention run and the daily backup. Each run reports a status per stage instead of stopping at the
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
  /** The daily retention run (RETENTION_CRON); returns what it erased. Omitted: no retention job. */
  retention?: () => Promise<Record<string, unknown>>;
  /** The daily backup (BACKUP_CRON); returns what it wrote and pruned. Omitted: no backup job. */
  backup?: () => Promise<Record<string, unknown>>;
  /**
   * Many instances on PostgreSQL: runs a job unless another instance runs it or just ran it
   * (an advisory lock and `job_runs`); resolves true when it ran here. Unset: every job runs here.
   */
  runOnce?: ((name: string, fn: () => Promise<void>) => Promise<boolean>) | undefined;
}

/**
 * Runs `fn` as the job `name`: through `runOnce` when instances share the database, so one of
 * them runs it; failures of the guard itself are logged like the job's own.
 */
export async function runJobOnce(
  deps: Pick<JobDeps, "runOnce" | "logger">,
  name: string,
  fn: () => Promise<void>,
): Promise<void> {
  if (deps.runOnce === undefined) return fn();
  try {
    const ran = await deps.runOnce(name, fn);
    if (!ran) deps.logger.debug({ job: name }, "job skipped: another instance runs it");
  } catch (error) {
    deps.logger.error({ err: error, job: name }, "job failed");
  }
}

/** Starts the scheduled jobs. */
export function startJobs(config: Config, deps: JobDeps): JobScheduler {
  const { experiments, reflection, clock, logger } = deps;
  const options = { timezone: config.SHOP_TIMEZONE };
  const tasks = [
    schedule(
      config.RESOLVE_CRON,
      () =>
        runJobOnce(deps, "windows", async function resolveWindows() {
          try {
            const result = await experiments.expireWindows(clock.now());
            if (result.expired > 0) logger.info(result, "conversion windows resolved");
          } catch (error) {
            logger.error({ err: error }, "window resolution failed");
          }
        }),
      options,
    ),
    schedule(
      config.WEIGHTS_CRON,
      () =>
        runJobOnce(deps, "weights", async function recomputeWeights() {
          try {
            const statuses = await experiments.updateWeights(clock.now(), "schedule");
            logger.info({ stages: statuses }, "weights recomputed");
          } catch (error) {
            logger.error({ err: error }, "weight recomputation failed");
          }
        }),
      options,
    ),
  ];
  if (reflection !== undefined) {
    tasks.push(
      schedule(
        config.REFLECT_CRON,
        () =>
          runJobOnce(deps, "reflection", async function weeklyReflection() {
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
          }),
        options,
      ),
    );
  }
  const { followUps } = deps;
  if (followUps !== undefined) {
    tasks.push(
      schedule(
        config.FOLLOW_UP_CRON,
        () =>
          runJobOnce(deps, "follow-ups", async function runFollowUps() {
            try {
              const pass = await followUps();
              if (Object.values(pass).some((n) => n > 0)) logger.info(pass, "follow-ups");
            } catch (error) {
              logger.error({ err: error }, "follow-up pass failed");
            }
          }),
        options,
      ),
    );
  }
  const { weeklyReport } = deps;
  if (weeklyReport !== undefined) {
    tasks.push(
      schedule(
        config.REPORT_CRON,
        () =>
          runJobOnce(deps, "report", async function writeWeeklyReport() {
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
          }),
        options,
      ),
    );
  }
  const daily = [
    {
      name: "retention",
      cron: config.RETENTION_CRON,
      run: deps.retention,
      done: "retention done",
      failed: "retention failed",
    },
    { name: "backup", cron: config.BACKUP_CRON, run: deps.backup, done: "backup written", failed: "backup failed" },
  ];
  for (const job of daily) {
    const run = job.run;
    if (run === undefined) continue;
    tasks.push(
      schedule(
        job.cron,
        () =>
          runJobOnce(deps, job.name, async function dailyPrivacyJob() {
            try {
              logger.info(await run(), job.done);
            } catch (error) {
              logger.error({ err: error }, job.failed);
            }
          }),
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
