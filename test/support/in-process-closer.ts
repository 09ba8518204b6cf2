/**
 * Starts the service in-process (`startCloser`) on 127.0.0.1, a temporary
 * DATA_DIR and the shipped playbooks, with the scheduled jobs never running:
 * tests drive time with the clock they pass.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../../src/config.js";
import type { Clock } from "../../src/engine/index.js";
import { silentLogger } from "../../src/log.js";
import { type Closer, startCloser } from "../../src/main.js";

/** A cron expression that does not fire during a test (1 January, midnight). */
export const NEVER_CRON = "0 0 1 1 *";

/** A running in-process service and how to end it. */
export interface InProcessCloser {
  closer: Closer;
  /** Its DATA_DIR. */
  dataDir: string;
  /** Stops the service and deletes its data folder. */
  close(): Promise<void>;
}

/** Starts Closer with `env` over the defaults above. */
export async function startInProcessCloser(clock: Clock, env: Record<string, string>): Promise<InProcessCloser> {
  const dir = mkdtempSync(join(tmpdir(), "closer-in-process-"));
  try {
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: join(dir, "data"),
      PLAYBOOKS_DIR: resolve(import.meta.dirname, "../../playbooks"),
      WEIGHTS_CRON: NEVER_CRON,
      RESOLVE_CRON: NEVER_CRON,
      REFLECT_CRON: NEVER_CRON,
      LOG_LEVEL: "silent",
      ...env,
    });
    const closer = await startCloser(config, silentLogger(), { clock });
    return {
      closer,
      dataDir: config.DATA_DIR,
      async close() {
        await closer.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
