/**
 * The scenario through the whole engine: Closer started as it ships (temporary
 * SQLite file, playground gateway, template replies, pacing off) on a simulated
 * clock, driven only through its HTTP API. Each simulated customer writes in the
 * playground; the engine classifies the stage, assigns the arm with the product's
 * policy and replies; the customer moves on by writing a message the next stage's
 * signals recognise, is won through `POST /api/outcomes`, or goes quiet and is
 * lost when the window job runs. The jobs run on the product's cadence in
 * simulated time, and the verdict is read from `GET /api/experiments` daily.
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config.js";
import { ManualClock, PlaygroundGateway } from "../engine/index.js";
import { CloserError } from "../errors.js";
import { createSeededRandom, deriveSeed } from "../experiments/index.js";
import { silentLogger } from "../log.js";
import { type Closer, startCloser } from "../main.js";
import { type Funnel, loadPlaybookSet, nodeFileReader, type PlaybookSet } from "../strategies/index.js";
import { arrivalTimes, customersSeed, MS_PER_DAY, type StageDraws, stageDraws } from "./customer-stream.js";
import type { StageLookRecord } from "./decision-looks.js";
import { type ApiClient, apiClient } from "./engine-api.js";
import { EventQueue } from "./event-queue.js";
import { MarketState, MS_PER_HOUR, planMarket } from "./market.js";
import { RunRecorder, type RunResult } from "./run-recorder.js";
import type { Scenario } from "./scenario-schema.js";

/** The window job's cadence (the `RESOLVE_CRON` default, every 5 minutes). */
const RESOLVE_EVERY_MS = 5 * 60_000;
/** The weight job's cadence (the `WEIGHTS_CRON` default, hourly). */
const WEIGHTS_EVERY_MS = MS_PER_HOUR;
/** The simulated clock starts on Monday 2 March 2026, 09:00 UTC. */
export const ENGINE_SIM_START = Date.UTC(2026, 2, 2, 9);
/** A cron expression that never fires during a run: the simulation runs the jobs itself, in simulated time. */
const NEVER_CRON = "0 0 1 1 *";

/** Options of {@link simulateThroughEngine}. */
export interface EngineSimulationOptions {
  readonly scenario: Scenario;
  /** The playbook folder: its funnel and variants must match the scenario's stages and arms. */
  readonly playbooksDir: string;
  readonly seed: number;
  /** Customers; default the scenario's. */
  readonly customers?: number;
  /** Called after each customer's first message. */
  readonly onCustomer?: (done: number) => void;
}

/**
 * Runs one seed of the scenario through the engine and returns the same figures
 * as the fast simulator (policy name `engine`). The temporary data folder is
 * removed afterwards.
 * @throws CloserError `playbook_invalid` when the playbooks do not load, or
 *   `bad_request` when scenario and playbooks disagree (stages, arms, windows) or
 *   the scenario adds arms during the run (the engine's arms come from files).
 */
export async function simulateThroughEngine(options: EngineSimulationOptions): Promise<RunResult> {
  const { scenario, seed } = options;
  const loaded = await loadPlaybookSet(options.playbooksDir, nodeFileReader);
  if (!loaded.ok) {
    const list = loaded.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`).join("\n");
    throw new CloserError("playbook_invalid", `The playbooks in ${options.playbooksDir} have problems:\n${list}`);
  }
  const mismatches = engineMismatches(scenario, loaded.set);
  if (mismatches.length > 0) {
    throw new CloserError("bad_request", `--engine cannot run this scenario:\n  ${mismatches.join("\n  ")}`);
  }
  const texts = stageTexts(loaded.set.funnel);
  const dataDir = mkdtempSync(join(tmpdir(), "closer-sim-engine-"));
  const clock = new ManualClock(ENGINE_SIM_START);
  const token = randomBytes(24).toString("hex");
  const config = loadConfig({
    DATA_DIR: dataDir,
    PLAYBOOKS_DIR: options.playbooksDir,
    PORT: "0",
    HOST: "127.0.0.1",
    GATEWAY: "playground",
    CLOSER_PACING: "off",
    CLOSER_ADMIN_TOKEN: token,
    CLOSER_DATA_KEY: randomBytes(32).toString("base64"),
    LOG_LEVEL: "silent",
    WEIGHTS_CRON: NEVER_CRON,
    RESOLVE_CRON: NEVER_CRON,
    // Simulated customers (and the jobs driving them) use the API far faster than people do.
    RATE_LIMIT_PLAYGROUND: "0",
    RATE_LIMIT_ADMIN: "0",
  });
  const closer = await startCloser(config, silentLogger(), {
    clock,
    rng: createSeededRandom(deriveSeed(seed, "engine")),
    gateway: new PlaygroundGateway({ clock }),
  });
  try {
    return await drive(closer, clock, token, texts, options);
  } finally {
    await closer.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Why the engine cannot run `scenario` with `set`; empty when it can. */
export function engineMismatches(scenario: Scenario, set: PlaybookSet): string[] {
  const problems: string[] = [];
  const funnel = set.funnel.stages;
  const ids = funnel.map((stage) => stage.id);
  const wanted = scenario.stages.map((stage) => stage.stage);
  if (ids.join(",") !== wanted.join(",")) {
    problems.push(`the funnel's stages are ${ids.join(", ")}; the scenario's are ${wanted.join(", ")}`);
  }
  if (scenario.new_arms.length > 0) problems.push("new_arms need variant files written during the run; drop them");
  for (const stage of scenario.stages) {
    const inFunnel = funnel.find((candidate) => candidate.id === stage.stage);
    if (inFunnel && inFunnel.windowHours !== stage.window_hours) {
      problems.push(
        `${stage.stage}: window_hours is ${inFunnel.windowHours} in the funnel, ${stage.window_hours} here`,
      );
    }
    const rotating = (set.variantsByStage.get(stage.stage) ?? [])
      .filter((variant) => variant.status !== "retired")
      .map((variant) => variant.id);
    const arms = stage.arms.map((arm) => arm.variant);
    if ([...new Set(rotating)].sort().join(",") !== [...arms].sort().join(",")) {
      problems.push(`${stage.stage}: the playbooks rotate ${rotating.join(", ")}; the scenario has ${arms.join(", ")}`);
    }
  }
  return problems;
}

/**
 * Per stage, a message that the stage machine puts in that stage coming from the
 * one before: the first plain signal of the stage that no later stage matches.
 * @throws CloserError `bad_request` when a stage has no such signal.
 */
export function stageTexts(funnel: Funnel): string[] {
  return funnel.stages.map(function textFor(stage, i) {
    const later = funnel.stages.slice(i + 1);
    const text = stage.signals.find(
      (signal) =>
        !signal.startsWith("/") &&
        stage.matcher.matches(signal) &&
        later.every((other) => !other.matcher.matches(signal)),
    );
    if (text === undefined) {
      throw new CloserError("bad_request", `stage ${stage.id} has no plain signal that only it recognises`);
    }
    return text;
  });
}

async function drive(
  closer: Closer,
  clock: ManualClock,
  token: string,
  texts: readonly string[],
  options: EngineSimulationOptions,
): Promise<RunResult> {
  const { scenario, seed } = options;
  const customers = options.customers ?? scenario.customers;
  const plan = planMarket(scenario);
  const market = new MarketState(plan);
  const arrivals = arrivalTimes(seed, customers, scenario.arrivals_per_day);
  const root = customersSeed(seed);
  const widest = Math.max(...plan.stages.map((stage) => stage.arms.length));
  const draws: StageDraws = { u: new Float64Array(widest), delayMs: new Float64Array(widest) };
  const recorder = new RunRecorder(plan, customers);
  const queue = new EventQueue<{ customer: number; stage: number }>();
  const looks: StageLookRecord[] = plan.stages.map(() => ({
    looks: 0,
    winnerLooks: 0,
    namedWinner: false,
    wrongWinner: false,
    firstCorrectDay: null,
  }));
  const api = apiClient(closer, token);
  const jobs = { resolve: RESOLVE_EVERY_MS, weights: WEIGHTS_EVERY_MS, look: MS_PER_DAY };
  let endMs = 0;

  const at = (ms: number) => clock.set(ENGINE_SIM_START + ms);
  const phone = (customer: number) => `+1555${String(customer).padStart(7, "0")}`;
  const runJobsUntil = async (ms: number) => {
    for (;;) {
      const due = Math.min(jobs.resolve, jobs.weights, jobs.look);
      if (due > ms) return;
      at(due);
      if (due === jobs.resolve) {
        await api.post("/api/jobs/expire-windows", {});
        jobs.resolve += RESOLVE_EVERY_MS;
      } else if (due === jobs.weights) {
        await api.post("/api/jobs/update-weights", {});
        jobs.weights += WEIGHTS_EVERY_MS;
      } else {
        await lookAtVerdicts(api, plan.stages, market, looks, due);
        jobs.look += MS_PER_DAY;
      }
    }
  };
  const enter = async (customer: number, s: number, now: number) => {
    at(now);
    const entered = await api.message(phone(customer), texts[s]!, plan.stages[s]!.stage);
    const k = plan.stages[s]!.arms.indexOf(entered.variant);
    if (k < 0 || k >= market.available(s)) {
      throw new Error(
        `the engine assigned ${entered.variant}, which the scenario does not have in ${plan.stages[s]!.stage}`,
      );
    }
    stageDraws(root, customer, s, market.available(s), plan.stages[s]!, draws);
    const success = draws.u[k]! < market.p(s, k);
    recorder.decided(customer, s, k, market, success);
    if (success) queue.push(now + draws.delayMs[k]!, { customer, stage: s });
  };

  for (let next = 0; next < customers || queue.size > 0; ) {
    const arrivalAt = next < customers ? arrivals[next]! : Number.POSITIVE_INFINITY;
    const eventAt = queue.peekTime();
    const now = Math.min(arrivalAt, eventAt);
    await runJobsUntil(now);
    endMs = now;
    if (eventAt <= arrivalAt) {
      const moved = queue.pop();
      if (moved.stage + 1 < plan.stages.length) await enter(moved.customer, moved.stage + 1, now);
      else {
        at(now);
        await api.post("/api/outcomes", { customer: phone(moved.customer), outcome: "won" });
        recorder.won(moved.customer);
      }
      continue;
    }
    market.advanceTo(next);
    await enter(next, 0, arrivalAt);
    next++;
    options.onCustomer?.(next);
  }
  // The customers still waiting go quiet: let every window close and the job resolve them.
  await runJobsUntil(endMs + Math.max(...plan.stages.map((stage) => stage.windowMs)) + RESOLVE_EVERY_MS);
  return recorder.result({ policy: "engine", seed, endMs, looks, arrivalsMs: arrivals });
}

/** One daily look at `GET /api/experiments`: did a stage's verdict name a winner, and was it the best arm? */
async function lookAtVerdicts(
  api: ApiClient,
  stages: readonly { stage: string; arms: readonly string[] }[],
  market: MarketState,
  looks: StageLookRecord[],
  now: number,
): Promise<void> {
  const report = (await api.get("/api/experiments")) as { stages: { stage: string; winner: string | null }[] };
  stages.forEach(function look(stage, s) {
    const record = looks[s]!;
    if (market.available(s) < 2) return;
    record.looks++;
    const winner = report.stages.find((candidate) => candidate.stage === stage.stage)?.winner ?? null;
    if (winner === null) return;
    const k = stage.arms.indexOf(winner.replace(/@\d+$/, ""));
    record.winnerLooks++;
    record.namedWinner = true;
    if (k < 0 || market.p(s, k) < market.best(s)) record.wrongWinner = true;
    else record.firstCorrectDay ??= now / MS_PER_DAY;
  });
}
