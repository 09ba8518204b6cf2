/**
 * Running a simulation's seeds on several threads. Seeds are handed out one at a
 * time to whichever worker is free; results are the same as in one thread,
 * because each run depends on its seed alone.
 * @module
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { RunResult } from "./run-recorder.js";
import type { SimulationOptions } from "./simulation.js";
import { runSimulation, simulationRuns, simulationSeeds } from "./simulation.js";
import type { WorkerReply } from "./simulation-worker.js";

/** Options of {@link runSimulationInWorkers}. */
export interface ParallelOptions {
  /** Worker threads; default the machine's available parallelism, at most one per seed. 1 runs in this thread. */
  readonly workers?: number;
  /** Called after each (seed, policy) run. */
  readonly onRun?: (run: RunResult) => void;
}

/** The compiled worker script, when there is one (not when running from TypeScript sources). */
function workerScript(): URL | undefined {
  const url = new URL("./simulation-worker.js", import.meta.url);
  return url.protocol === "file:" && existsSync(fileURLToPath(url)) ? url : undefined;
}

/** How many threads {@link runSimulationInWorkers} would use for `options`. */
export function plannedWorkers(options: SimulationOptions, requested?: number): number {
  const wanted = requested ?? availableParallelism();
  const threads = Math.max(1, Math.min(wanted, simulationSeeds(options).length));
  return threads > 1 && workerScript() === undefined ? 1 : threads;
}

/**
 * Runs the simulation on worker threads (in this thread when one worker is
 * planned or the worker script is not compiled). Runs come back sorted by seed,
 * then in the order of the policies.
 * @throws Error when a worker fails.
 */
export async function runSimulationInWorkers(
  options: SimulationOptions,
  { workers, onRun }: ParallelOptions = {},
): Promise<RunResult[]> {
  const threads = plannedWorkers(options, workers);
  const script = workerScript();
  if (threads === 1 || script === undefined) return runSimulation(options, onRun);
  const seeds = simulationSeeds(options);
  const order = new Map(seeds.map((seed, i) => [seed, i]));
  const runs: RunResult[] = [];
  let nextSeed = 0;
  await new Promise<void>(function runPool(resolve, reject) {
    let running = threads;
    let failed = false;
    const pool = Array.from({ length: threads }, () => new Worker(script, { workerData: options }));
    const feed = (worker: Worker): void => {
      const seed = seeds[nextSeed++];
      if (seed === undefined || failed) {
        worker.postMessage({ stop: true });
        return;
      }
      worker.postMessage({ seed });
    };
    for (const worker of pool) {
      worker.on("message", function onReply(reply: WorkerReply) {
        if (reply.kind === "run") {
          runs.push(reply.run);
          onRun?.(reply.run);
        } else if (reply.kind === "seed_done") feed(worker);
        else fail(new Error(reply.message));
      });
      worker.on("error", fail);
      worker.on("exit", function onExit() {
        running--;
        if (running === 0 && !failed) resolve();
      });
      feed(worker);
    }
    function fail(error: Error): void {
      if (failed) return;
      failed = true;
      for (const worker of pool) void worker.terminate();
      reject(error);
    }
  });
  const names = simulationRuns(options).map((plan) => plan.name);
  const rank = (run: RunResult) => names.indexOf(run.policy);
  return runs.sort((a, b) => order.get(a.seed)! - order.get(b.seed)! || rank(a) - rank(b));
}
