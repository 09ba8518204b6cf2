/**
 * A million stored assignments, written as ninety days of a busy shop would
 * leave them: customers enter the funnel at an even pace; on each stage the
 * bandit draws an arm from the stage's hourly policy version (weights that move
 * from equal towards the best arm, with the 2 % floor), logs its propensity,
 * and the assignment resolves as a success (the customer moved on, and enters
 * the next stage), a failure (window expired or lost), or is still pending.
 * @module
 */
import BetterSqlite3 from "better-sqlite3";
import { createSeededRandom, HOUR_MS } from "../../src/experiments/index.js";
import { sqliteFilePath } from "../../src/store/index.js";
import type { BenchStage } from "./bench-database.js";

/** What the fixture wrote. */
export interface AssignmentsFixture {
  assignments: number;
  customers: number;
  policyVersions: number;
  /** Assignments per stage. */
  perStage: Record<string, number>;
  /** Assignments per status. */
  perStatus: Record<string, number>;
  millis: number;
}

/** Days of history the fixture spans, ending at `now`. */
const HISTORY_DAYS = 90;
/** The exploration floor of the shipped funnel. */
const FLOOR = 0.02;
/** Rows per transaction. */
const ROWS_PER_TRANSACTION = 50_000;

/**
 * Writes `total` assignments (and their policy versions) into the database in
 * `dataDir`, prepared by `prepareBenchDatabase`. Deterministic for a seed.
 */
export function writeAssignments(
  dataDir: string,
  stages: readonly BenchStage[],
  total: number,
  now: number,
  seed = 1_000_000,
): AssignmentsFixture {
  const started = performance.now();
  const rng = createSeededRandom(seed);
  const db = new BetterSqlite3(sqliteFilePath(dataDir));
  // Generation is not what is measured: skip the fsyncs.
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const start = now - HISTORY_DAYS * 24 * HOUR_MS;
  const hours = HISTORY_DAYS * 24;
  const policies = writePolicyVersions(db, stages, start, hours, () => rng.next());
  const truth = stages.map((stage, s) => stage.arms.map((_, a) => trueRate(s, a)));

  const insert = db.prepare(
    `insert into assignments (customer_id, journey, stage, variant_id, variant_version, propensity,
      policy_version_id, assigned_at, window_ends_at, status, resolved_at, resolution)
     values (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const perStage: Record<string, number> = Object.fromEntries(stages.map((s) => [s.id, 0]));
  const perStatus: Record<string, number> = { success: 0, failure: 0, pending: 0 };
  let written = 0;
  let customers = 0;
  // Customers per ms of history, so that `total` assignments end near `now` (about two stages per customer).
  const expectedCustomers = total / 2;
  const begin = db.prepare("begin");
  const commit = db.prepare("commit");
  begin.run();
  while (written < total) {
    const customerId = uuidOf(customers);
    let at = start + (customers / expectedCustomers) * (now - start) + rng.next() * 60_000;
    customers += 1;
    if (at >= now) at = start + rng.next() * (now - start);
    for (let s = 0; s < stages.length && written < total; s++) {
      const stage = stages[s] as BenchStage;
      const hour = Math.min(hours - 1, Math.max(0, Math.floor((at - start) / HOUR_MS)));
      const policy = policies[s]?.[hour] as PolicyRow;
      const arm = drawIndex(policy.propensities, rng.next());
      const windowEnds = at + stage.windowHours * HOUR_MS;
      const p = truth[s]?.[arm] ?? 0;
      const chosen = stage.arms[arm] as { variantId: string; version: number };
      const isLast = s === stages.length - 1;
      let status: string;
      let resolvedAt: number | null = null;
      let resolution: string | null = null;
      let next: number | null = null;
      const delay = rng.next() * stage.windowHours * HOUR_MS;
      if (rng.next() < p && at + delay < now) {
        status = "success";
        resolvedAt = at + delay;
        resolution = isLast ? "won" : "advanced";
        next = resolvedAt;
      } else if (windowEnds > now) {
        status = "pending";
      } else {
        status = "failure";
        const lost = rng.next() < 0.15;
        resolvedAt = lost ? at + delay : windowEnds;
        resolution = lost ? "lost" : "window_expired";
      }
      insert.run(
        customerId,
        stage.id,
        chosen.variantId,
        chosen.version,
        policy.propensities[arm] ?? 0,
        policy.id,
        Math.round(at),
        Math.round(windowEnds),
        status,
        resolvedAt === null ? null : Math.round(resolvedAt),
        resolution,
      );
      written += 1;
      perStage[stage.id] = (perStage[stage.id] ?? 0) + 1;
      perStatus[status] = (perStatus[status] ?? 0) + 1;
      if (written % ROWS_PER_TRANSACTION === 0) {
        commit.run();
        begin.run();
      }
      if (next === null || next >= now) break;
      at = next;
    }
  }
  commit.run();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  return {
    assignments: written,
    customers,
    policyVersions: policies.reduce((n, list) => n + list.length, 0),
    perStage,
    perStatus,
    millis: Math.round(performance.now() - started),
  };
}

interface PolicyRow {
  id: number;
  propensities: number[];
}

/** One policy version per stage per hour, its weights drifting from equal towards the stage's best arm. */
function writePolicyVersions(
  db: BetterSqlite3.Database,
  stages: readonly BenchStage[],
  start: number,
  hours: number,
  random: () => number,
): PolicyRow[][] {
  const insert = db.prepare(
    `insert into policy_versions (stage, algorithm, weights_json, floor, seed, counts_json, reason, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const out: PolicyRow[][] = [];
  db.transaction(() => {
    stages.forEach((stage, s) => {
      const k = stage.arms.length;
      const best = bestArm(s, k);
      const rows: PolicyRow[] = [];
      for (let h = 0; h < hours; h++) {
        // Burn-in for the first two days, then the best arm's share grows over about three weeks.
        const confidence = h < 48 ? 0 : Math.min(0.9, (h - 48) / (24 * 21));
        const raw = stage.arms.map((_, a) => (1 - confidence) / k + (a === best ? confidence : 0));
        const propensities = raw.map((w) => FLOOR + (1 - k * FLOOR) * w);
        const weights = Object.fromEntries(stage.arms.map((a, i) => [`${a.variantId}@${a.version}`, propensities[i]]));
        const counts = Object.fromEntries(
          stage.arms.map((a) => [`${a.variantId}@${a.version}`, { successes: h * 3, failures: h * 5 }]),
        );
        const result = insert.run(
          stage.id,
          h < 48 ? "thompson:burn_in" : "thompson",
          JSON.stringify(weights),
          FLOOR,
          Math.floor(random() * 2 ** 31),
          JSON.stringify(counts),
          h === 0 ? "initial" : "schedule",
          start + h * HOUR_MS,
        );
        rows.push({ id: Number(result.lastInsertRowid), propensities });
      }
      out.push(rows);
    });
  })();
  return out;
}

/** The true chance that a customer moves on from stage `s` on arm `a`: about one in two, the best a bit more. */
function trueRate(s: number, a: number): number {
  return 0.45 + 0.04 * ((a + s) % 3) + (a === bestArm(s, 99) ? 0.08 : 0);
}

function bestArm(s: number, k: number): number {
  return Math.min(k - 1, (s + 1) % 3);
}

function drawIndex(propensities: readonly number[], u: number): number {
  let acc = 0;
  for (let i = 0; i < propensities.length; i++) {
    acc += propensities[i] ?? 0;
    if (u < acc) return i;
  }
  return propensities.length - 1;
}

/** A UUID-shaped customer id (the engine uses random UUIDs; sequential ones insert faster). */
function uuidOf(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}
