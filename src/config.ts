/**
 * Configuration: the environment (and a `.env` file) read once at start into a
 * frozen, zod-validated object. A bad value stops the start with the variable's
 * name and what was expected.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { validate as isValidCron } from "node-cron";
import { z } from "zod";
import { CloserError } from "./errors.js";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

const cronExpression = z.string().refine((v) => isValidCron(v), "a cron expression like '0 * * * *'");

const port = z.coerce.number().int().min(0).max(65535);

/** The schema of every environment variable Closer reads; defaults live here. */
export const configSchema = z.object({
  PORT: port.default(3210),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  /** `postgres://…` switches the store to PostgreSQL; unset means SQLite in DATA_DIR. */
  DATABASE_URL: optionalString.pipe(z.string().regex(/^postgres(ql)?:\/\//, "a postgres:// URL").optional()),
  PLAYBOOKS_DIR: z.string().min(1).default("./playbooks"),
  /** base64 of 32 bytes; unset means the key file `DATA_DIR/closer.key`, made on first start. */
  CLOSER_DATA_KEY: optionalString,
  /** Bearer token for the admin API; unset means one is generated on first start and printed once. */
  CLOSER_ADMIN_TOKEN: optionalString.pipe(z.string().min(16, "at least 16 characters").optional()),
  GATEWAY: z.enum(["playground", "gowa", "waha", "cloud"]).default("playground"),
  GOWA_URL: optionalString.pipe(z.url().optional()),
  /** `user:pass` for GOWA's HTTP Basic auth. */
  GOWA_BASIC_AUTH: optionalString.pipe(z.string().regex(/^[^:]+:.+$/, "user:password").optional()),
  GOWA_DEVICE_ID: optionalString,
  GOWA_WEBHOOK_SECRET: optionalString,
  WAHA_URL: optionalString.pipe(z.url().optional()),
  WAHA_API_KEY: optionalString,
  WAHA_SESSION: z.string().min(1).default("default"),
  WAHA_WEBHOOK_SECRET: optionalString,
  CLOUD_API_URL: z.url().default("https://graph.facebook.com/v23.0"),
  CLOUD_PHONE_NUMBER_ID: optionalString,
  CLOUD_ACCESS_TOKEN: optionalString,
  CLOUD_APP_SECRET: optionalString,
  CLOUD_VERIFY_TOKEN: optionalString,
  /** `human`: seen, typing and jittered delays; `off`: send at once. Default: `off` in the playground, `human` live. */
  CLOSER_PACING: z.enum(["human", "off"]).optional(),
  LLM_BASE_URL: optionalString.pipe(z.url().optional()),
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  /** Milliseconds before an LLM call is abandoned for the template reply. */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  /** Seeds the bandit's random draws (reproducible demos and tests); unset means a fresh seed per start. */
  CLOSER_RANDOM_SEED: optionalString.pipe(z.string().regex(/^\d+$/, "a whole number").transform(Number).optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Hours a human takeover (a `fromMe` message Closer did not send) silences the bot. */
  HANDOFF_HOURS: z.coerce.number().min(0).default(12),
  /** Cron expression of the weight recomputation job (default hourly). */
  WEIGHTS_CRON: cronExpression.default("0 * * * *"),
  /** Cron expression of the job that resolves expired conversion windows (default every 5 minutes). */
  RESOLVE_CRON: cronExpression.default("*/5 * * * *"),
  /** Cron expression of the weekly reflection (default Monday 03:00). */
  REFLECTION_CRON: cronExpression.default("0 3 * * 1"),
  /** URL that receives alerts (gateway down, number paused) as JSON POSTs. */
  ALERT_WEBHOOK_URL: optionalString.pipe(z.url().optional()),
});

/** The validated, frozen configuration. */
export type Config = Readonly<z.infer<typeof configSchema>> & {
  /** The pacing in force after applying the gateway-dependent default. */
  readonly pacing: "human" | "off";
};

/**
 * Reads `env` (default `process.env`, with `.env` in the working directory
 * filling unset names) into a frozen config.
 * @throws CloserError `config_invalid` naming the variable and what was expected.
 */
export function loadConfig(env: NodeJS.ProcessEnv = withDotEnv(process.env)): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      return `${name}: ${issue.message}${name in env ? ` (got ${JSON.stringify(redactIfSecret(name, env[name]))})` : ""}`;
    });
    throw new CloserError("config_invalid", `Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const parsed = result.data;
  const pacing = parsed.CLOSER_PACING ?? (parsed.GATEWAY === "playground" ? "off" : "human");
  return Object.freeze({ ...parsed, pacing });
}

/** Returns `env` with the names from `./.env` added where `env` lacks them. */
export function withDotEnv(env: NodeJS.ProcessEnv, path = ".env"): NodeJS.ProcessEnv {
  if (!existsSync(path)) return env;
  return { ...parseDotEnv(readFileSync(path, "utf8")), ...env };
}

/** Parses `.env` text: `NAME=value` lines, `#` comments, optional quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2] ?? "";
    const quoted = /^(['"])(.*)\1$/.exec(value);
    if (quoted) value = quoted[2] ?? "";
    else value = value.replace(/\s+#.*$/, "");
    out[match[1] as string] = value;
  }
  return out;
}

function redactIfSecret(name: string, value: string | undefined): string | undefined {
  return /KEY|TOKEN|SECRET|AUTH|PASSWORD/.test(name) ? "[redacted]" : value;
}
