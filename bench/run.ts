/**
 * `npm run bench`: every benchmark of issue 5 in one run, on this machine, over
 * loopback and temporary SQLite files. Writes `bench/results.json` and prints a
 * table. Targets are reported, never asserted.
 *
 *   node dist/bench/run.js [--only pipeline,postgres,bandit,experiments,memory] [--quick] [--profile]
 *
 * `postgres` runs the same pipeline on a temporary PostgreSQL cluster with one
 * and with two instances (skipped with a message without Debian's postgresql).
 *
 * `--quick` shortens every phase (a smoke test, not a measurement); `--profile`
 * runs the pipeline's Closer with `--cpu-prof` and prints where its time went.
 * @module
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, platform, release, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runBanditBench } from "./bandit-bench.js";
import { runPipelineBench } from "./pipeline/pipeline-bench.js";
import { runPostgresPipelineBench } from "./pipeline/postgres-bench.js";
import { summarizeProfile } from "./profile-summary.js";
import { runExperimentsBench } from "./reports/experiments-bench.js";
import { runMemoryBench } from "./reports/memory-bench.js";
import { checkTargets, formatTable } from "./results.js";
import { probeFsyncCommitsPerSecond } from "./support/fsync-probe.js";
import { REPO_ROOT } from "./support/paths.js";

const BENCHES = ["bandit", "pipeline", "postgres", "experiments", "memory"] as const;

const { values } = parseArgs({
  options: {
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
  },
});
const only = new Set(values.only?.split(",").map((s) => s.trim()) ?? BENCHES);
for (const name of only) {
  if (!(BENCHES as readonly string[]).includes(name)) throw new Error(`--only: unknown benchmark '${name}'`);
}
const quick = values.quick === true;
const scale = quick ? 0.25 : 1;
const workDir = mkdtempSync(join(tmpdir(), "closer-bench-"));
const log = (line: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(1)} s] ${line}`);
const t0 = performance.now();
// Reports are computed "now" at a fixed instant, so generated histories end at the same moment every run.
const now = Date.UTC(2026, 10, 28, 12);

const meta: Record<string, unknown> = {
  startedAt: new Date().toISOString(),
  node: process.version,
  platform: `${platform()} ${release()}`,
  cpu: cpus()[0]?.model ?? "unknown",
  cpuCount: cpus().length,
  totalMemoryMb: Math.round(totalmem() / 1_048_576),
  loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  fsyncCommitsPerSecondAtStart: probeFsyncCommitsPerSecond(workDir),
  quick,
  notes: [
    "The load generator, the GOWA sink and the server share this machine's cores; the server is one node process.",
    "Throughput is replies received by the sink per second while customers chat in a closed loop.",
    "Half-peak latency comes from an open-loop generator at half the measured peak.",
    "Each inbound message is written four times (intake, handling, the `sending` record, the `sent` record); what is ready together shares one commit (one disk sync: see fsyncCommitsPerSecond), about 0.6 commits per message in the pipeline.",
  ],
};
const results: Record<string, unknown> = { meta };

try {
  if (only.has("bandit")) {
    log("bandit: chooseArm, assignOnEntry, thompsonWeights");
    results["bandit"] = await runBanditBench(workDir);
  }
  if (only.has("pipeline")) {
    const profileDir = values.profile ? join(workDir, "profile") : undefined;
    const pipeline = await runPipelineBench({
      workDir,
      concurrency: 32,
      baselineConcurrency: 32,
      warmupMs: 5000 * scale,
      measureMs: 20_000 * scale,
      halfWarmupMs: 3000 * scale,
      halfMeasureMs: 15_000 * scale,
      baselineWarmupMs: 2000 * scale,
      baselineMeasureMs: 8000 * scale,
      profileDir,
      log,
    });
    Object.assign(results, pipeline);
    if (profileDir !== undefined) {
      const handled = Number(pipeline.pipeline.serverMetrics["inboundProcessed"] ?? 0);
      results["pipelineProfile"] = printProfile(profileDir, handled);
    }
  }
  if (only.has("postgres")) {
    results["postgres"] = await runPostgresPipelineBench({
      workDir,
      concurrency: 32,
      warmupMs: 3000 * scale,
      measureMs: 10_000 * scale,
      runs: quick ? 1 : 3,
      log,
    });
  }
  if (only.has("experiments")) {
    results["experiments"] = await runExperimentsBench(workDir, now, {
      assignments: quick ? 100_000 : 1_000_000,
      runs: quick ? 1 : 3,
      log,
    });
  }
  if (only.has("memory")) {
    results["memory"] = await runMemoryBench(workDir, now, { customers: quick ? 10_000 : 100_000, log });
  }
  meta["fsyncCommitsPerSecondAtEnd"] = probeFsyncCommitsPerSecond(workDir);
} finally {
  if (!values.keep) rmSync(workDir, { recursive: true, force: true });
  else log(`kept ${workDir}`);
}

meta["finishedAt"] = new Date().toISOString();
meta["durationSeconds"] = Math.round((performance.now() - t0) / 100) / 10;
meta["loadAverageAtEnd"] = loadavg().map((l) => Math.round(l * 100) / 100);
const file = join(REPO_ROOT, "bench", "results.json");
// `--only postgres` adds its key to the last full run's file (whose meta stays) instead of replacing it.
if (only.has("postgres") && only.size === 1 && existsSync(file)) {
  const previous = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  results["postgres"] = { ...(results["postgres"] as object), meta };
  for (const [key, value] of Object.entries(previous)) if (!(key in results) || key === "meta") results[key] = value;
}
results["targets"] = checkTargets(results);
writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\n${formatTable(results)}\n\nWrote ${file}`);

/**
 * Prints where the profiled Closer's time went, by kind of work, in percent and in ms per message
 * handled over the whole run (start-up, both phases and the idle time included), and returns it.
 */
function printProfile(dir: string, handled: number): Record<string, unknown> {
  const out: Record<string, unknown> = { messagesHandled: handled };
  for (const name of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const summary = summarizeProfile(JSON.parse(readFileSync(join(dir, name), "utf8")), 15);
    const perMessage = (ms: number) => (handled > 0 ? Math.round((1000 * ms) / handled) / 1000 : 0);
    log(
      `profile of the pipeline's Closer (${summary.totalMs} ms sampled, ${summary.idlePercent}% idle, ${handled} messages handled):`,
    );
    for (const l of summary.byCategory)
      console.log(`  ${String(l.percent).padStart(5)}%  ${perMessage(l.ms).toFixed(3).padStart(6)} ms/msg  ${l.name}`);
    for (const l of summary.projectInclusive.slice(0, 10))
      console.log(`  ${String(l.percent).padStart(5)}%  ${l.name} (incl.)`);
    out["msPerMessageByCategory"] = Object.fromEntries(summary.byCategory.map((l) => [l.name, perMessage(l.ms)]));
  }
  return out;
}
