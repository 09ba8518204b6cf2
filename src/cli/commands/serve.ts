/**
 * `closer serve`: starts the service and runs until SIGINT or SIGTERM.
 * @module
 */
import { loadConfig, withDotEnv } from "../../config.js";
import { isCloserError } from "../../errors.js";
import { createServiceLogger } from "../../log.js";
import { startCloser } from "../../main.js";
import type { Command } from "../command.js";

const HELP = `closer serve — start the service

Starts the HTTP server (playground, webhooks, admin API, dashboard), the engine
and the scheduled jobs, with SQLite in DATA_DIR and the playbooks in PLAYBOOKS_DIR.
Stops cleanly on Ctrl-C (SIGINT) or SIGTERM: it finishes the message in hand and
closes the database.

Environment: PORT, HOST, DATA_DIR, PLAYBOOKS_DIR, GATEWAY, … (README, "Configuration").`;

/** Starts the service; resolves -1 while running (the process stays up) or an exit code on failure. */
export const serveCommand: Command = async (argv, io) => {
  if (argv.includes("--help") || argv.includes("-h")) {
    io.out(HELP);
    return 0;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(withDotEnv(io.env));
  } catch (error) {
    io.err(error instanceof Error ? error.message : String(error));
    return 1;
  }
  const logger = await createServiceLogger({
    level: config.LOG_LEVEL,
    file: config.LOG_FILE,
    retainDays: config.RETAIN_LOGS_DAYS,
  });
  // Listen for signals before starting: the port answers before the engine and jobs are up, so a
  // SIGTERM in that window must wait for the start and then stop cleanly, not kill the process.
  let stopRequested: string | null = null;
  let shutdown = (signal: string) => {
    stopRequested ??= signal;
  };
  process.once("SIGINT", () => shutdown("SIGINT"));
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  let closer: Awaited<ReturnType<typeof startCloser>>;
  try {
    closer = await startCloser(config, logger);
  } catch (error) {
    if (isCloserError(error)) {
      io.err(`closer serve: ${error.message}`);
      return 1;
    }
    throw error;
  }
  io.out(`Closer is listening on ${closer.url} (gateway: ${config.GATEWAY})`);
  if (config.GATEWAY === "playground") io.out(`Playground: ${closer.url}/playground`);
  if (closer.adminTokenCreated) {
    io.out(`Admin token (shown once; also in ${config.DATA_DIR}/admin-token): ${closer.adminToken}`);
  }
  let stopping = false;
  shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    closer.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  if (stopRequested !== null) shutdown(stopRequested);
  return -1;
};
