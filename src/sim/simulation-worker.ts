/**
 * A worker thread of {@link runSimulationInWorkers}: receives the simulation
 * options once, then seeds one at a time, and posts every finished run back.
 * @module
 */
import { parentPort, workerData } from "node:worker_threads";
import { runSeed, type SimulationOptions } from "./simulation.js";

/** A message from the pool: run this seed, or stop. */
export type WorkerRequest = { readonly seed: number } | { readonly stop: true };

/** A message to the pool: one run finished, or the seed is done, or it failed. */
export type WorkerReply =
  | { readonly kind: "run"; readonly run: ReturnType<typeof runSeed>[number] }
  | { readonly kind: "seed_done"; readonly seed: number }
  | { readonly kind: "failed"; readonly message: string };

const port = parentPort;
if (port !== null) {
  const options = workerData as SimulationOptions;
  port.on("message", function onRequest(request: WorkerRequest) {
    if ("stop" in request) {
      port.close();
      return;
    }
    try {
      runSeed(options, request.seed, (run) => port.postMessage({ kind: "run", run } satisfies WorkerReply));
      port.postMessage({ kind: "seed_done", seed: request.seed } satisfies WorkerReply);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      port.postMessage({ kind: "failed", message } satisfies WorkerReply);
    }
  });
}
