/**
 * The configuration as a command sees it: the environment and `./.env` of the
 * working directory, with DATA_DIR and PLAYBOOKS_DIR resolved from there.
 * @module
 */
import { join, resolve } from "node:path";
import { type Config, loadConfig, withDotEnv } from "../../config.js";
import type { CommandIo } from "../command.js";

/** Loads the configuration for a command. @throws CloserError `config_invalid`. */
export function loadCliConfig(io: CommandIo): Config {
  const loaded = loadConfig(withDotEnv(io.env, join(io.cwd, ".env")));
  return Object.freeze({
    ...loaded,
    DATA_DIR: resolve(io.cwd, loaded.DATA_DIR),
    PLAYBOOKS_DIR: resolve(io.cwd, loaded.PLAYBOOKS_DIR),
  });
}
