/**
 * @module
 * Simulated customers for offline evaluation: scenario files, a fast
 * discrete-event simulator that runs the product's Thompson-sampling policy (from
 * `src/experiments`, unchanged) against baselines on common random numbers, the
 * metrics and decision quality it reports, and the HTML report.
 */

export {
  countingSimPolicy,
  epsilonGreedySimPolicy,
  oracleSimPolicy,
  ucb1SimPolicy,
  uniformSimPolicy,
} from "./baseline-sim-policies.js";
export { arrivalTimes, customersSeed, MS_PER_DAY, stageDraws } from "./customer-stream.js";
export type { StageLookRecord, VerdictCounts } from "./decision-looks.js";
// the whole engine
export type { EngineSimulationOptions } from "./engine-simulation.js";
export { ENGINE_SIM_START, engineMismatches, simulateThroughEngine, stageTexts } from "./engine-simulation.js";
// the simulator
export type { MarketPlan, MarketStage } from "./market.js";
export { MarketState, MS_PER_HOUR, planMarket } from "./market.js";
export type { ParallelOptions } from "./parallel-simulation.js";
export { plannedWorkers, runSimulationInWorkers } from "./parallel-simulation.js";
// simulations over seeds
export type { ReflectionCounts } from "./reflection-sim.js";
export { SIM_REVIEW_EVERY_MS, SimReflection } from "./reflection-sim.js";
export type { ReportMeta } from "./report-html.js";
export { renderSimulationReport } from "./report-html.js";
export type { RunIdentity, RunResult, StageRunStats } from "./run-recorder.js";
export { DEFAULT_CURVE_POINTS, RunRecorder } from "./run-recorder.js";
// scenarios
export type { ScenarioLoadResult } from "./scenario-loader.js";
export { parseScenario } from "./scenario-loader.js";
export type { Scenario, ScenarioChange, ScenarioNewArm, ScenarioReflection, ScenarioStage } from "./scenario-schema.js";
export { scenarioSchema } from "./scenario-schema.js";
export type { PolicyName, PolicySettings } from "./sim-policies.js";
export { createSimPolicy, DEFAULT_POLICY_NAMES, isPolicyName, POLICY_NAMES } from "./sim-policies.js";
export type { SimDecision, SimOutcome, SimPolicy } from "./sim-policy.js";
export type { RunPlan, SimulationOptions } from "./simulation.js";
export {
  DEFAULT_SEEDS,
  REFLECTION_RUN,
  reflectionOn,
  runSeed,
  runSimulation,
  simulationPolicies,
  simulationRuns,
  simulationSeeds,
} from "./simulation.js";
export type { RunSpec } from "./simulator.js";
export { simulateRun } from "./simulator.js";
// reporting
export type {
  MeanSe,
  PolicyCurves,
  PolicyDecisionQuality,
  PolicySummary,
  SimulationSummary,
  StagePolicySummary,
} from "./summary.js";
export { meanSe, simulationJson, summarise } from "./summary.js";
export {
  formatChangeDetection,
  formatDecisionTable,
  formatFollowUpTable,
  formatMeanSe,
  formatStageTable,
  formatSummaryTable,
  formatWeeklyTable,
} from "./summary-table.js";
export type { ThompsonSimSettings } from "./thompson-sim-policy.js";
export { DEFAULT_RECOMPUTE_HOURS, ThompsonSimPolicy, thompsonSimPolicy } from "./thompson-sim-policy.js";
