import { describe, expect, it } from "vitest";
import { plannedWorkers, runSimulationInWorkers } from "../../src/sim/parallel-simulation.js";
import { runSimulation } from "../../src/sim/simulation.js";
import { CLEAR } from "./sim-fixtures.js";

describe("runSimulationInWorkers", () => {
  const options = { scenario: CLEAR, customers: 300, seeds: 3, policies: ["uniform", "oracle"] as const };

  it("should plan one thread per seed at most, and one when asked", () => {
    expect(plannedWorkers(options, 1)).toBe(1);
    expect(plannedWorkers({ ...options, seeds: 1 }, 8)).toBe(1);
  });

  // Under vitest the worker script is TypeScript and not compiled, so this runs in-thread; the
  // compiled CLI uses real threads, whose runs depend on the seed alone in the same way.
  it("should return the same runs as the in-thread simulation, sorted by seed then policy", async () => {
    const runs = await runSimulationInWorkers(options, { workers: 2 });
    expect(runs.map((run) => `${run.seed}:${run.policy}`)).toEqual([
      "1:uniform",
      "1:oracle",
      "2:uniform",
      "2:oracle",
      "3:uniform",
      "3:oracle",
    ]);
    expect(runs).toEqual(runSimulation(options));
  });
});
