/**
 * `closer simulate`: runs a scenario's simulated customers through the product's
 * bandit and the baselines, and prints (and optionally writes) the comparison.
 * @module
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { withDotEnv } from "../../config.js";
import {
  formatChangeDetection,
  formatDecisionTable,
  formatFollowUpTable,
  formatStageTable,
  formatSummaryTable,
  formatWeeklyTable,
  isPolicyName,
  POLICY_NAMES,
  type PolicyName,
  parseScenario,
  plannedWorkers,
  type RunResult,
  renderSimulationReport,
  runSeed,
  runSimulationInWorkers,
  type SimulationOptions,
  type SimulationSummary,
  simulateThroughEngine,
  simulationJson,
  simulationPolicies,
  simulationRuns,
  simulationSeeds,
  summarise,
} from "../../sim/index.js";
import { formatProblem } from "../../strategies/index.js";
import type { Command, CommandIo } from "../command.js";

const HELP = `closer simulate — compare the bandit with A/B rotation on simulated customers

Usage: closer simulate [--scenario FILE] [--policies a,b,…] [--seeds N] [--customers N]
                       [--json FILE] [--report FILE.html] [--engine] [--no-reflection] [--no-follow-ups]

Runs every policy on the same seeded customer streams and prints, per policy, the
mean ± standard error over seeds of pseudo-regret and customers won, the share of
each stage's traffic that went to its best arm, and regret over the Lai–Robbins
term; then per stage the decisions and regret, and how often the verdict (looked at
daily) named a winner and a wrong one.

Options:
  --scenario FILE    scenario YAML (default: PLAYBOOKS_DIR/scenarios/default.yaml)
  --policies LIST    comma-separated, from ${POLICY_NAMES.join(", ")} (default: all but thompson-known-changes)
  --seeds N          independent customer streams (default 20)
  --first-seed N     the first seed; seeds are N, N+1, … (default 1)
  --customers N      customers per run (default: the scenario's)
  --draws N          posterior draws of Thompson's weights and of the verdict (default 10000, the product's)
  --recompute-hours H  hours between Thompson weight updates (default 1, the product's)
  --workers N        threads (default: every core; 1 runs in this thread)
  --known-changes-stages LIST
                     thompson-known-changes is told the changes of these stages only
                     (comma-separated stage ids; default every stage): the bound of a
                     perfect detector there, the other stages keeping thompson's own
  --verdict-counts resolved|matured
                     what the daily verdict counts: only assignments whose window has
                     closed, as the product does (default), or every resolved outcome
  --json FILE        write the figures as JSON
  --report FILE      write an HTML page with tables and regret and conversion charts
  --no-follow-ups    leave out the arms' follow_up models (compare a scenario with and without follow-ups)
  --no-reflection    run a scenario that has a reflection block without it. With the
                     block (the default), the product's policy runs twice per seed on the
                     same customers, with reflection (thompson+reflection) and without
                     (thompson), and the report adds conversion per simulated week
  --engine           run the scenario through the whole engine as it ships (a temporary
                     SQLite file, the playground gateway, template replies, a simulated
                     clock, the playbooks in PLAYBOOKS_DIR), beside the fast simulator's
                     policies on the same customers (default: thompson); defaults to
                     1 seed and at most 2,000 customers

Exit status: 0 done, 1 invalid scenario, 2 usage error or failure.`;

/** Seeds and customers of an --engine run unless told otherwise: it is slower, so the horizon is smaller. */
const ENGINE_DEFAULT_SEEDS = 1;
const ENGINE_DEFAULT_CUSTOMERS = 2000;

const OPTIONS = {
  scenario: { type: "string" },
  policies: { type: "string" },
  seeds: { type: "string" },
  "first-seed": { type: "string" },
  customers: { type: "string" },
  draws: { type: "string" },
  "recompute-hours": { type: "string" },
  workers: { type: "string" },
  "verdict-counts": { type: "string" },
  "known-changes-stages": { type: "string" },
  json: { type: "string" },
  report: { type: "string" },
  engine: { type: "boolean" },
  "no-reflection": { type: "boolean" },
  "no-follow-ups": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** Parsed command line. */
type Values = ReturnType<
  typeof parseArgs<{ args: string[]; options: typeof OPTIONS; allowPositionals: false }>
>["values"];

/** Runs `closer simulate`; exit 0 done, 1 invalid scenario, 2 usage error or failure. */
export const simulateCommand: Command = async (argv, io) => {
  let values: Values;
  try {
    values = parseArgs({ args: argv, options: OPTIONS, allowPositionals: false }).values;
  } catch (error) {
    return usage(io, error instanceof Error ? error.message : String(error));
  }
  if (values.help) {
    io.out(HELP);
    return 0;
  }
  const env = withDotEnv(io.env, join(io.cwd, ".env"));
  const scenarioPath = resolve(
    io.cwd,
    values.scenario ?? join(env["PLAYBOOKS_DIR"] ?? "playbooks", "scenarios", "default.yaml"),
  );
  const shown = relative(io.cwd, scenarioPath) || scenarioPath;
  let text: string;
  try {
    text = readFileSync(scenarioPath, "utf8");
  } catch (error) {
    io.err(`closer simulate: cannot read ${shown}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const loaded = parseScenario(text, shown);
  if (!loaded.ok) {
    for (const problem of loaded.problems) io.err(formatProblem(problem));
    return 1;
  }
  let options: SimulationOptions;
  let workers: number | undefined;
  try {
    options = simulationOptions(values, loaded.scenario);
    workers = positive(values.workers, "--workers");
  } catch (error) {
    return usage(io, error instanceof Error ? error.message : String(error));
  }
  if (values.engine) {
    const playbooksDir = resolve(io.cwd, env["PLAYBOOKS_DIR"] ?? "playbooks");
    return simulateEngine(io, engineDefaults(options, values), playbooksDir, values, argv);
  }
  return simulate(io, options, workers, values, argv);
};

/** With --engine: one seed, at most 2,000 customers and the fast simulator's Thompson beside it, unless told. */
function engineDefaults(options: SimulationOptions, values: Values): SimulationOptions {
  return {
    ...options,
    seeds: options.seeds ?? ENGINE_DEFAULT_SEEDS,
    customers: options.customers ?? Math.min(options.scenario.customers, ENGINE_DEFAULT_CUSTOMERS),
    policies: values.policies === undefined ? ["thompson"] : (options.policies ?? []),
    // The engine runs the playbooks as they are; reflection is simulated by the fast simulator only.
    reflection: false,
  };
}

async function simulateEngine(
  io: CommandIo,
  options: SimulationOptions,
  playbooksDir: string,
  values: Values,
  argv: readonly string[],
): Promise<number> {
  const seeds = simulationSeeds(options);
  const customers = options.customers ?? options.scenario.customers;
  const progress = io.isTty && process.stderr.isTTY ? progressBar(seeds.length * customers, "customers") : undefined;
  const started = performance.now();
  const runs: RunResult[] = [];
  try {
    for (const seed of seeds) {
      runs.push(
        await simulateThroughEngine({
          scenario: options.scenario,
          playbooksDir,
          seed,
          customers,
          ...(progress ? { onCustomer: () => progress() } : {}),
        }),
      );
    }
  } catch (error) {
    if (progress) process.stderr.write("\r\x1b[2K");
    io.err(`closer simulate --engine: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
  const engineMs = performance.now() - started;
  if (progress) process.stderr.write("\r\x1b[2K");
  const fast = seeds.flatMap((seed) => runSeed(options, seed));
  const elapsedMs = performance.now() - started;
  const summary = summarise(options, [...runs, ...fast], ["engine", ...simulationPolicies(options)]);
  io.out(
    `${summary.scenario} through the engine: ${plural(seeds.length, "seed")} × ${customers.toLocaleString("en-US")} ` +
      `customers in ${(engineMs / 1000).toFixed(1)} s (${(engineMs / (seeds.length * customers)).toFixed(1)} ms ` +
      "per customer); the fast simulator's policies on the same customers beside it\n",
  );
  await printAndWrite(io, summary, values, argv, elapsedMs);
  return 0;
}

async function simulate(
  io: CommandIo,
  options: SimulationOptions,
  workers: number | undefined,
  values: Values,
  argv: readonly string[],
): Promise<number> {
  const policies = simulationPolicies(options);
  const total = simulationSeeds(options).length * simulationRuns(options).length;
  const threads = plannedWorkers(options, workers);
  const progress = io.isTty && process.stderr.isTTY ? progressBar(total) : undefined;
  const started = performance.now();
  const runs = await runSimulationInWorkers(options, { workers: threads, ...(progress ? { onRun: progress } : {}) });
  const elapsedMs = performance.now() - started;
  if (progress) process.stderr.write("\r\x1b[2K");
  const summary = summarise(options, runs);
  const customers = summary.customers.toLocaleString("en-US");
  const runsPerSeed = simulationRuns(options).length;
  const perSeed =
    runsPerSeed === policies.length ? plural(policies.length, "policy", "policies") : plural(runsPerSeed, "run");
  io.out(
    `${summary.scenario}: ${plural(summary.seeds, "seed")} × ${perSeed} × ` +
      `${customers} customers in ${(elapsedMs / 1000).toFixed(1)} s on ${plural(threads, "thread")}\n`,
  );
  await printAndWrite(io, summary, values, argv, elapsedMs, options.scenario.reflection !== undefined);
  return 0;
}

/** Prints the tables and writes --json and --report. */
async function printAndWrite(
  io: CommandIo,
  summary: SimulationSummary,
  values: Values,
  argv: readonly string[],
  elapsedMs: number,
  weekly = false,
): Promise<void> {
  io.out(formatSummaryTable(summary));
  const followUps = formatFollowUpTable(summary);
  if (followUps !== null) io.out(`\nfollow-ups to quiet customers per run:\n${followUps}`);
  io.out(`\n${formatStageTable(summary)}`);
  io.out(`\nDecision quality (the verdict looked at daily):\n${formatDecisionTable(summary)}`);
  if (weekly) io.out(`\nConversion per simulated week:\n${formatWeeklyTable(summary)}`);
  if (Object.keys(summary.changeDetection).length > 0) {
    io.out(`\nChange detection (false alarms on arms whose p never changed):\n${formatChangeDetection(summary)}`);
  }
  if (values.json !== undefined) {
    writeFileSync(resolve(io.cwd, values.json), `${JSON.stringify(simulationJson(summary), null, 2)}\n`);
    io.out(`\nwrote ${values.json}`);
  }
  if (values.report !== undefined) {
    const command = ["closer simulate", ...argv.filter((arg) => !arg.startsWith("--workers"))].join(" ");
    writeFileSync(
      resolve(io.cwd, values.report),
      await renderSimulationReport(summary, { command, elapsedMs, weekly }),
    );
    io.out(`${values.json === undefined ? "\n" : ""}wrote ${values.report}`);
  }
}

function simulationOptions(values: Values, scenario: SimulationOptions["scenario"]): SimulationOptions {
  const policies = values.policies?.split(",").map((name) => name.trim());
  const unknown = policies?.find((name) => !isPolicyName(name));
  if (unknown !== undefined) throw new Error(`unknown policy '${unknown}' (known: ${POLICY_NAMES.join(", ")})`);
  if (policies?.length === 0) throw new Error("--policies needs at least one policy");
  const draws = positive(values.draws, "--draws");
  const recomputeHours = positiveNumber(values["recompute-hours"], "--recompute-hours");
  const seeds = positive(values.seeds, "--seeds");
  const firstSeed = integer(values["first-seed"], "--first-seed");
  const customers = positive(values.customers, "--customers");
  const verdictCounts = values["verdict-counts"];
  if (verdictCounts !== undefined && verdictCounts !== "resolved" && verdictCounts !== "matured") {
    throw new Error(`--verdict-counts must be resolved or matured, got '${verdictCounts}'`);
  }
  const knownChangeStages = stageIndexes(values["known-changes-stages"], scenario);
  return {
    scenario,
    ...(policies ? { policies: [...new Set(policies)] as PolicyName[] } : {}),
    ...(seeds === undefined ? {} : { seeds }),
    ...(firstSeed === undefined ? {} : { firstSeed }),
    ...(customers === undefined ? {} : { customers }),
    ...(draws === undefined ? {} : { verdictDraws: draws }),
    ...(verdictCounts === undefined ? {} : { verdictCounts }),
    ...(values["no-reflection"] ? { reflection: false } : {}),
    ...(values["no-follow-ups"] ? { followUps: false } : {}),
    policySettings: {
      thompson: {
        ...(draws === undefined ? {} : { draws }),
        ...(recomputeHours === undefined ? {} : { recomputeHours }),
        ...(knownChangeStages === undefined ? {} : { knownChangeStages }),
      },
    },
  };
}

/** The indexes of the comma-separated stage ids in `value`. */
function stageIndexes(value: string | undefined, scenario: SimulationOptions["scenario"]): number[] | undefined {
  if (value === undefined) return undefined;
  const ids = scenario.stages.map((stage) => stage.stage);
  return value.split(",").map((id) => {
    const index = ids.indexOf(id.trim());
    if (index < 0) throw new Error(`--known-changes-stages: no stage '${id.trim()}' (stages: ${ids.join(", ")})`);
    return index;
  });
}

function positive(value: string | undefined, name: string): number | undefined {
  const n = integer(value, name);
  if (n !== undefined && n < 1) throw new Error(`${name} must be at least 1, got ${value}`);
  return n;
}

function integer(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`${name} must be a whole number, got '${value}'`);
  return n;
}

function positiveNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`${name} must be a positive number, got '${value}'`);
  return n;
}

function usage(io: CommandIo, message: string): number {
  io.err(`closer simulate: ${message}`);
  io.err(
    "usage: closer simulate [--scenario FILE] [--policies a,b,…] [--seeds N] [--customers N] [--json FILE] [--report FILE.html] [--engine] [--no-reflection] [--no-follow-ups]",
  );
  return 2;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** A progress bar on standard error: one tick per finished unit. */
function progressBar(total: number, unit = "runs"): () => void {
  const width = 30;
  let done = 0;
  return function tick() {
    done++;
    const filled = Math.round((done / total) * width);
    process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} ${unit}`);
  };
}
