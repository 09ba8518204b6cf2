/**
 * What `closer playbooks lint` knows of the served versions: the content
 * hashes recorded in the service's database (`DATA_DIR/closer.db`), so an
 * edited served version is reported exactly as `closer serve` would refuse it;
 * or, when the database cannot be read, one sentence saying the check was not
 * made and why. The database is only read, never created or migrated.
 * @module
 */
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { openSqliteDatabase, SQLITE_FILE_NAME, servedVersionHashes } from "../../store/index.js";

/** The served versions, or why they are unknown. */
export interface ServedVersions {
  /** `variant@version` → recorded content hash; undefined when the check cannot be made. */
  hashes: Map<string, string> | undefined;
  /** One line for the operator: what was checked against, or why nothing was. */
  note: string;
}

/**
 * Reads the served versions of the database that `env` (DATA_DIR, DATABASE_URL;
 * defaults as `closer serve` has them) points at, relative to `cwd`. Never throws.
 */
export async function readServedVersions(env: NodeJS.ProcessEnv, cwd: string): Promise<ServedVersions> {
  const notChecked = (why: string): ServedVersions => ({
    hashes: undefined,
    note: `Served versions: not checked (${why}); set DATA_DIR to the service's data folder to check that no version that served customers was edited.`,
  });
  if (env["DATABASE_URL"]) return notChecked("DATABASE_URL is set, and the lint reads only a SQLite DATA_DIR");
  const file = resolve(cwd, env["DATA_DIR"] || "./data", SQLITE_FILE_NAME);
  const shown = relative(cwd, file) || file;
  if (!existsSync(file)) return notChecked(`no database at ${shown}`);
  try {
    const db = openSqliteDatabase({ file });
    try {
      const hashes = await servedVersionHashes(db);
      return {
        hashes,
        note: `Served versions: checked against ${shown} (${hashes.size} version${hashes.size === 1 ? " has" : "s have"} served customers).`,
      };
    } finally {
      await db.destroy();
    }
  } catch (error) {
    return notChecked(`cannot read ${shown}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
