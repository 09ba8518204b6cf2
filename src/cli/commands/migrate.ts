/**
 * `closer migrate`: applies pending database migrations (serve does this at start too).
 * @module
 */
import { resolve } from "node:path";
import { loadConfig, withDotEnv } from "../../config.js";
import { migrateToLatest, openDatabase, prepareDataDir } from "../../store/index.js";
import type { Command } from "../command.js";
import { runCommand, wantsHelp } from "./cli-context.js";

const HELP = `closer migrate — apply pending database migrations

Migrations also run when 'closer serve' starts; run this to upgrade the
database ahead of a deploy. Safe to run twice: nothing pending means nothing done.`;

/** The `migrate` command. */
export const migrateCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "migrate", "closer migrate", async () => {
    const loaded = loadConfig(withDotEnv(io.env, resolve(io.cwd, ".env")));
    const dataDir = resolve(io.cwd, loaded.DATA_DIR);
    prepareDataDir(dataDir);
    const db = openDatabase({ DATA_DIR: dataDir, DATABASE_URL: loaded.DATABASE_URL });
    try {
      const steps = await migrateToLatest(db);
      if (steps.length === 0) io.out("The database is up to date.");
      for (const step of steps) io.out(`${step.status.padEnd(12)} ${step.name}`);
      return 0;
    } finally {
      await db.destroy();
    }
  });
};
