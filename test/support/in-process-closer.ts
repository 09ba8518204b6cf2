/**
 * The whole service started in the test's own process, as `closer serve`
 * would build it, on 127.0.0.1 with a temporary DATA_DIR, the shipped
 * playbooks, a manual clock and no scheduled job firing on its own.
 * @module
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadConfig } from "../../src/config.js";
import type { Clock, WhatsAppGateway } from "../../src/engine/index.js";
import { silentLogger } from "../../src/log.js";
import { type Closer, startCloser } from "../../src/main.js";

/** A cron expression that fires once a year at most: scheduled jobs stay out of the way. */
export const NEVER_CRON = "0 0 1 1 *";

/** A running in-process service. */
export interface InProcessCloser {
  closer: Closer;
  /** Its DATA_DIR. */
  dataDir: string;
  /** Stops the service and deletes its data folder. */
  close(): Promise<void>;
}

/** Starts the service with `token` as admin token; `env` adds or overrides variables; `gateway` replaces the configured one. */
export async function startInProcessCloser({
  token,
  clock,
  env = {},
  gateway,
}: {
  token: string;
  clock: Clock;
  env?: Record<string, string>;
  gateway?: WhatsAppGateway;
}): Promise<InProcessCloser> {
  const dir = mkdtempSync(join(tmpdir(), "closer-in-process-"));
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: join(dir, "data"),
    PLAYBOOKS_DIR: resolve(import.meta.dirname, "../../playbooks"),
    CLOSER_ADMIN_TOKEN: token,
    WEIGHTS_CRON: NEVER_CRON,
    RESOLVE_CRON: NEVER_CRON,
    REFLECT_CRON: NEVER_CRON,
    // Tests drive many requests from 127.0.0.1 in seconds; the exposure tests set their own limits.
    RATE_LIMIT_PLAYGROUND: "0",
    RATE_LIMIT_WEBHOOKS: "0",
    RATE_LIMIT_ADMIN: "0",
    LOG_LEVEL: "silent",
    ...env,
  });
  const closer = await startCloser(config, silentLogger(), gateway === undefined ? { clock } : { clock, gateway });
  return {
    closer,
    dataDir: config.DATA_DIR,
    async close() {
      await closer.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
