/**
 * The report benchmark: a million generated assignments in a SQLite file, then
 * what `closer experiments` computes over them, each run in a fresh child
 * process (as the command runs), timed, with the child's peak resident memory.
 * @module
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { startChild } from "../support/child-process.js";
import { benchScript, childEnv, SHIPPED_PLAYBOOKS } from "../support/paths.js";
import { median, round } from "../support/stats.js";
import { type AssignmentsFixture, writeAssignments } from "./assignments-fixture.js";
import { prepareBenchDatabase } from "./bench-database.js";

/** The report's figures. */
export interface ExperimentsResult {
  /** Median over the runs of the report's computation (queries, posteriors, verdicts, table), ms. */
  millisFor1MAssignments: number;
  /** Largest peak resident set size of a report process, MB (the whole process: node, modules, SQLite cache). */
  peakRssMb: number;
  runs: { millis: number; peakRssMb: number; startupMillis: number }[];
  fixture: AssignmentsFixture;
  stages: number;
  arms: number;
}

/** Generates the assignments, then computes the report `runs` times. */
export async function runExperimentsBench(
  workDir: string,
  now: number,
  { assignments = 1_000_000, runs = 3, log }: { assignments?: number; runs?: number; log: (line: string) => void },
): Promise<ExperimentsResult> {
  const dataDir = join(workDir, "experiments-data");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const stages = await prepareBenchDatabase(dataDir, now - 91 * 86_400_000);
  log(`experiments: writing ${assignments.toLocaleString("en-US")} assignments`);
  const fixture = writeAssignments(dataDir, stages, assignments, now);
  log(`experiments: written in ${(fixture.millis / 1000).toFixed(1)} s; computing the report ${runs} times`);
  const results: ExperimentsResult["runs"] = [];
  let shape = { stages: 0, arms: 0 };
  for (let i = 0; i < runs; i++) {
    const child = await startChild(benchScript("reports/report-child.js"), {
      env: childEnv({
        DATA_DIR: dataDir,
        PLAYBOOKS_DIR: SHIPPED_PLAYBOOKS,
        CLOSER_DATA_KEY: Buffer.alloc(32, 7).toString("base64"),
        REPORT_NOW: String(now),
        LOG_LEVEL: "silent",
      }),
      logFile: join(workDir, "experiments-report.log"),
      readyTimeoutMs: 120_000,
    });
    const r = child.ready;
    await child.stop();
    results.push({
      millis: round(Number(r["millis"]), 1),
      peakRssMb: round(Number(r["maxRssKb"]) / 1024, 1),
      startupMillis: round(Number(r["startupMillis"]), 1),
    });
    shape = { stages: Number(r["stages"]), arms: Number(r["arms"]) };
  }
  return {
    millisFor1MAssignments: round(median(results.map((r) => r.millis)), 1),
    peakRssMb: Math.max(...results.map((r) => r.peakRssMb)),
    runs: results,
    fixture,
    ...shape,
  };
}
