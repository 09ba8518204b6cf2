/**
 * A benchmark database as `closer serve` would leave it: the SQLite file in
 * DATA_DIR, migrated, with the shipped playbooks' arms recorded. Bulk fixtures
 * are then written straight through better-sqlite3 with prepared statements.
 * @module
 */

import { loadedVersionsOf, syncArms } from "../../src/experiments/index.js";
import { migrateToLatest, openSqliteDatabase, sqliteFilePath } from "../../src/store/index.js";
import { loadPlaybookSet, nodeFileReader } from "../../src/strategies/index.js";
import { SHIPPED_PLAYBOOKS } from "../support/paths.js";

/** One arm of the shipped playbooks. */
export interface BenchArm {
  variantId: string;
  version: number;
}

/** A stage of the shipped funnel and its arms in rotation. */
export interface BenchStage {
  id: string;
  windowHours: number;
  arms: BenchArm[];
}

/**
 * Creates and migrates the database in `dataDir`, records the shipped arms, and
 * returns the funnel's stages with their arms in rotation.
 * @throws Error when the shipped playbooks do not load.
 */
export async function prepareBenchDatabase(dataDir: string, now: number): Promise<BenchStage[]> {
  const loaded = await loadPlaybookSet(SHIPPED_PLAYBOOKS, nodeFileReader);
  if (!loaded.ok) throw new Error(`the shipped playbooks do not load: ${loaded.problems.length} problems`);
  const { set } = loaded;
  const db = openSqliteDatabase({ file: sqliteFilePath(dataDir) });
  try {
    await migrateToLatest(db);
    await syncArms(db, loadedVersionsOf(set.variants), now);
  } finally {
    await db.destroy();
  }
  return set.funnel.stages.map((stage) => ({
    id: stage.id,
    windowHours: stage.windowHours,
    arms: set.variants
      .filter((v) => v.stage === stage.id && v.status !== "retired")
      .map((v) => ({ variantId: v.id, version: v.version }))
      .sort((a, b) => a.variantId.localeCompare(b.variantId)),
  }));
}
