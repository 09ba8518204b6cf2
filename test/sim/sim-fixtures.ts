/**
 * Small scenarios and helpers shared by the simulator tests.
 * @module
 */
import { planMarket } from "../../src/sim/market.js";
import type { RunResult } from "../../src/sim/run-recorder.js";
import { type Scenario, scenarioSchema } from "../../src/sim/scenario-schema.js";
import type { SimPolicy } from "../../src/sim/sim-policy.js";
import { simulateRun } from "../../src/sim/simulator.js";

/** Builds a valid scenario from YAML-shaped data (defaults filled). */
export function scenario(data: unknown): Scenario {
  return scenarioSchema.parse(data);
}

/** Two stages with clearly different arms: the bandit has something to find quickly. */
export const CLEAR = scenario({
  name: "clear",
  customers: 3000,
  arrivals_per_day: 500,
  stages: [
    {
      stage: "first_contact",
      window_hours: 24,
      delay_hours: { median: 3 },
      arms: [
        { variant: "a", p: 0.5 },
        { variant: "b", p: 0.35 },
        { variant: "c", p: 0.2 },
      ],
    },
    {
      stage: "closing",
      window_hours: 48,
      delay_hours: { median: 6 },
      arms: [
        { variant: "x", p: 0.3 },
        { variant: "y", p: 0.45 },
      ],
    },
  ],
});

/** Runs `policy` once on `s` with `seed`, without verdict looks. */
export function runOnce(s: Scenario, policy: SimPolicy, seed: number, customers = s.customers): RunResult {
  return simulateRun(
    { market: planMarket(s), customers, arrivalsPerDay: s.arrivals_per_day, seed, looks: false },
    policy,
  );
}

/** A policy that always offers arm `arm`. */
export function fixedArmPolicy(arm: (stage: number) => number): SimPolicy {
  return { name: "fixed", observe() {}, choose: (decision) => arm(decision.stage) };
}
