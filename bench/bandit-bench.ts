/**
 * The bandit benchmark: the time to draw one arm from six propensities
 * (`chooseArm`), the same through the whole assignment path on a SQLite file
 * (`assignOnEntry`: sticky lookup, active arms, current policy, insert), and the
 * time to recompute six arms' Thompson weights with 10,000 posterior draws.
 * @module
 */
import { join } from "node:path";
import {
  assignOnEntry,
  chooseArm,
  createSeededRandom,
  type PolicyArm,
  type StageSettings,
  syncArms,
  thompsonWeights,
} from "../src/experiments/index.js";
import { migrateToLatest, openSqliteDatabase } from "../src/store/index.js";
import { type LatencySummary, median, round, summarize } from "./support/stats.js";

/** The bandit's figures. */
export interface BanditResult {
  arms: number;
  /** `chooseArm` over six propensities, µs per assignment (median of batch means; p99 of batch means). */
  assignMicros: { p50: number; p99: number; batches: number; batchSize: number };
  /** `assignOnEntry` for a new customer on a SQLite file, inside a transaction, µs per call. */
  assignDbMicros: LatencySummary;
  /** `thompsonWeights` for six arms past burn-in with 10,000 draws, ms per update (median). */
  weightUpdateMillis: number;
  weightUpdateMillisP90: number;
  draws: number;
}

const ARMS = 6;
const DRAWS = 10_000;
const STAGE = "first_contact";

/** Runs the three bandit measurements. */
export async function runBanditBench(workDir: string): Promise<BanditResult> {
  const rng = createSeededRandom(42);
  const arms: PolicyArm[] = Array.from({ length: ARMS }, (_, i) => ({
    key: `arm-${i}@1`,
    status: i === 0 ? "champion" : "active",
    successes: 40 + 7 * i,
    failures: 300 - 11 * i,
  }));
  const weights = thompsonWeights({ arms, rng, draws: DRAWS });

  // chooseArm: far below the timer's resolution, so time batches and divide.
  const batchSize = 1000;
  const batchMeans: number[] = [];
  let sink = 0;
  for (let b = 0; b < 600; b++) {
    const t0 = performance.now();
    for (let i = 0; i < batchSize; i++) sink += chooseArm(weights.propensities, rng).index;
    const elapsed = performance.now() - t0;
    if (b >= 100) batchMeans.push((elapsed * 1000) / batchSize);
  }
  if (sink < 0) throw new Error("unreachable");

  const updates: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    thompsonWeights({ arms, rng, draws: DRAWS });
    if (i >= 5) updates.push(performance.now() - t0);
  }

  return {
    arms: ARMS,
    assignMicros: {
      p50: round(median(batchMeans), 4),
      p99: round(summarize(batchMeans).p99, 4),
      batches: batchMeans.length,
      batchSize,
    },
    assignDbMicros: await assignThroughDatabase(workDir),
    weightUpdateMillis: round(median(updates), 3),
    weightUpdateMillisP90: summarize(updates).p90,
    draws: DRAWS,
  };
}

/** Times `assignOnEntry` for new customers, 100 per transaction as the engine's handler would. */
async function assignThroughDatabase(workDir: string): Promise<LatencySummary> {
  const db = openSqliteDatabase({ file: join(workDir, "bandit.db") });
  try {
    await migrateToLatest(db);
    const now = Date.UTC(2026, 10, 28);
    const loaded = Array.from({ length: ARMS }, (_, i) => ({
      id: `arm-${i}`,
      version: 1,
      stage: STAGE,
      status: i === 0 ? ("champion" as const) : ("active" as const),
      origin: "hand",
      hash: `hash-${i}`,
      sourceFile: `variants/${STAGE}/arm-${i}.yaml`,
    }));
    await syncArms(db, loaded, now);
    const loadedKeys = new Set(loaded.map((v) => `${v.id}@1`));
    const settings: StageSettings = {
      stage: STAGE,
      windowHours: 48,
      prior: { alpha: 1, beta: 1 },
      floor: 0.02,
      burnIn: 20,
      draws: DRAWS,
      candidateCap: 0.1,
      maxArms: 6,
      discountPerWeek: null,
      minDecisions: 100,
      minSuccesses: 40,
      minDays: 14,
    };
    const rng = createSeededRandom(7);
    const times: number[] = [];
    for (let batch = 0; batch < 30; batch++) {
      await db.transaction().execute(async (trx) => {
        for (let i = 0; i < 100; i++) {
          const t0 = performance.now();
          await assignOnEntry(trx, {
            customerId: `customer-${batch}-${i}`,
            journey: 1,
            stage: STAGE,
            now: now + batch * 1000 + i,
            rng,
            settings,
            loadedKeys,
          });
          // The first batch warms the JIT and makes the stage's first policy.
          if (batch > 0) times.push((performance.now() - t0) * 1000);
        }
      });
    }
    return summarize(times);
  } finally {
    await db.destroy();
  }
}
