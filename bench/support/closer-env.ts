/**
 * The environment a benchmarked Closer runs with: GOWA at the sink on
 * loopback, no pacing, offline replies (no LLM variables), the shipped
 * playbooks, SQLite in a temporary DATA_DIR.
 * @module
 */
import { randomBytes } from "node:crypto";
import { childEnv, SHIPPED_PLAYBOOKS } from "./paths.js";

/** The secrets a benchmarked Closer shares with its load generator. */
export interface CloserSecrets {
  /** GOWA_WEBHOOK_SECRET. */
  webhookSecret: string;
  /** CLOSER_DATA_KEY, base64 of 32 bytes. */
  dataKey: string;
  /** CLOSER_ADMIN_TOKEN. */
  adminToken: string;
}

/** Fresh random secrets for one benchmark run. */
export function newSecrets(): CloserSecrets {
  return {
    webhookSecret: randomBytes(16).toString("hex"),
    dataKey: randomBytes(32).toString("base64"),
    adminToken: randomBytes(24).toString("hex"),
  };
}

/** Environment for `pipeline/closer-child.js`. */
export function closerEnv(options: {
  dataDir: string;
  gowaUrl: string;
  secrets: CloserSecrets;
  logLevel?: string;
}): NodeJS.ProcessEnv {
  return childEnv({
    HOST: "127.0.0.1",
    PORT: "0",
    DATA_DIR: options.dataDir,
    PLAYBOOKS_DIR: SHIPPED_PLAYBOOKS,
    GATEWAY: "gowa",
    GOWA_URL: options.gowaUrl,
    GOWA_WEBHOOK_SECRET: options.secrets.webhookSecret,
    CLOSER_DATA_KEY: options.secrets.dataKey,
    CLOSER_ADMIN_TOKEN: options.secrets.adminToken,
    CLOSER_PACING: "off",
    // The load generator posts thousands of webhooks a minute from 127.0.0.1: no per-address limits here.
    RATE_LIMIT_WEBHOOKS: "0",
    RATE_LIMIT_ADMIN: "0",
    CLOSER_RANDOM_SEED: "20261128",
    LOG_LEVEL: options.logLevel ?? "warn",
  });
}
