/**
 * Running the schema migrations. The migrations are listed in code, not read
 * from a folder, so they work the same from `src/` under the tests and from the
 * compiled `dist/` of an installed package.
 * @module
 */
import { type Kysely, type Migration, type MigrationProvider, type MigrationResultSet, Migrator } from "kysely";
import { CloserError } from "../errors.js";
import { initialMigration } from "./migrations/2026-11-28T0000-initial.js";
import { messageKindsMigration } from "./migrations/2026-12-02T1000-message-kinds.js";
import { reflectionMigration } from "./migrations/2026-12-02T1300-reflection.js";
import { dashboardMigration } from "./migrations/2026-12-02T1410-dashboard.js";
import { alertsMigration } from "./migrations/2026-12-02T1700-alerts.js";
import { llmUsageMigration } from "./migrations/2026-12-02T1900-llm-usage.js";
import { customerDetailsMigration } from "./migrations/2026-12-03T0700-customer-details.js";
import { privacyMigration } from "./migrations/2026-12-03T0710-privacy.js";
import { outboxSendingMigration } from "./migrations/2026-12-03T0720-outbox-sending.js";
import { manyInstancesMigration } from "./migrations/2026-12-03T0730-many-instances.js";
import { followUpsMigration } from "./migrations/2026-12-03T0740-follow-ups.js";
import { rowBoundCiphertextsMigration } from "./migrations/2026-12-03T0900-row-bound-ciphertexts.js";
import { armsStampMigration } from "./migrations/2026-12-03T1500-arms-stamp.js";
import { outboxOpenHeadsMigration } from "./migrations/2026-12-03T1510-outbox-open-heads.js";

/**
 * Every migration, by name. Names are timestamps (`YYYY-MM-DDTHHMM-what`) and
 * run in their alphabetical order; a new migration is a new entry, never an
 * edit of an old one.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = Object.freeze({
  "2026-11-28T0000-initial": initialMigration,
  "2026-12-02T1000-message-kinds": messageKindsMigration,
  "2026-12-02T1300-reflection": reflectionMigration,
  "2026-12-02T1410-dashboard": dashboardMigration,
  "2026-12-02T1700-alerts": alertsMigration,
  "2026-12-02T1900-llm-usage": llmUsageMigration,
  "2026-12-03T0700-customer-details": customerDetailsMigration,
  "2026-12-03T0710-privacy": privacyMigration,
  "2026-12-03T0720-outbox-sending": outboxSendingMigration,
  "2026-12-03T0730-many-instances": manyInstancesMigration,
  "2026-12-03T0740-follow-ups": followUpsMigration,
  "2026-12-03T0900-row-bound-ciphertexts": rowBoundCiphertextsMigration,
  "2026-12-03T1500-arms-stamp": armsStampMigration,
  "2026-12-03T1510-outbox-open-heads": outboxOpenHeadsMigration,
});

/** What happened to one migration in a run. */
export interface MigrationStep {
  /** The migration's name (a key of `MIGRATIONS`). */
  readonly name: string;
  /**
   * `applied`: ran now; `failed`: raised an error; `rolled_back`: ran, but was undone because a later one
   * in the same run failed; `not_executed`: skipped because an earlier one failed.
   */
  readonly status: "applied" | "failed" | "rolled_back" | "not_executed";
}

/** A migration and whether this database has it. */
export interface MigrationState {
  readonly name: string;
  /** Epoch milliseconds when it was applied; null when it is still to run. */
  readonly executedAt: number | null;
}

/** Options of `migrateToLatest` and `listMigrations`. */
export interface MigrateOptions {
  /** The migrations to consider; default `MIGRATIONS` (tests pass their own). */
  readonly migrations?: Readonly<Record<string, Migration>>;
}

/** A kysely migration provider over an in-code record of migrations. */
export function recordMigrationProvider(migrations: Readonly<Record<string, Migration>>): MigrationProvider {
  return {
    async getMigrations() {
      return { ...migrations };
    },
  };
}

/**
 * Brings the schema up to date. Running it again is a no-op that returns an
 * empty list. All pending migrations run in one transaction (SQLite through
 * the dialect in sqlite-database.ts, PostgreSQL natively), so a failure leaves
 * the schema as it was before the run.
 * @returns the migrations that ran now, in order (empty when already up to date).
 * @throws CloserError `migration_failed` naming the failed migration, with the cause kept.
 */
export async function migrateToLatest<DB>(
  db: Kysely<DB>,
  { migrations = MIGRATIONS }: MigrateOptions = {},
): Promise<MigrationStep[]> {
  const resultSet = await createMigrator(db, migrations).migrateToLatest();
  const failed = resultSet.error !== undefined;
  const steps = toSteps(resultSet, failed);
  if (failed) throw migrationError(resultSet.error, steps);
  return steps;
}

/** Lists every known migration and when this database applied it (oldest first). */
export async function listMigrations<DB>(
  db: Kysely<DB>,
  { migrations = MIGRATIONS }: MigrateOptions = {},
): Promise<MigrationState[]> {
  const infos = await createMigrator(db, migrations).getMigrations();
  return infos.map((info) => ({ name: info.name, executedAt: info.executedAt?.getTime() ?? null }));
}

function createMigrator<DB>(db: Kysely<DB>, migrations: Readonly<Record<string, Migration>>): Migrator {
  return new Migrator({ db: db as Kysely<unknown>, provider: recordMigrationProvider(migrations) });
}

function toSteps(resultSet: MigrationResultSet, failed: boolean): MigrationStep[] {
  return (resultSet.results ?? []).map((result) => ({
    name: result.migrationName,
    status:
      result.status === "Error"
        ? "failed"
        : result.status === "NotExecuted"
          ? "not_executed"
          : failed
            ? "rolled_back"
            : "applied",
  }));
}

function migrationError(cause: unknown, steps: MigrationStep[]): CloserError {
  const failed = steps.find((step) => step.status === "failed");
  const reason = cause instanceof Error ? cause.message : String(cause);
  const what = failed ? `Migration ${failed.name} failed` : "The migrations could not start";
  return new CloserError("migration_failed", `${what}: ${reason}`, { cause, details: { steps } });
}
