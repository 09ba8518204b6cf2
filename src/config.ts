/**
 * Configuration: the environment (and a `.env` file) read once at start into a
 * frozen, zod-validated object. A bad value stops the start with the variable's
 * name and what was expected.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { validate as isValidCron } from "node-cron";
import { z } from "zod";
import { type AlertThresholds, DEFAULT_ALERT_THRESHOLDS, DEFAULT_PACING, type PacingConfig } from "./engine/index.js";
import { CloserError } from "./errors.js";

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

const cronExpression = z.string().refine((v) => isValidCron(v), "a cron expression like '0 * * * *'");

const port = z.coerce.number().int().min(0).max(65535);

const milliseconds = z.coerce.number().int().min(0);

/** `21-8` → quiet from 21:00 to 08:00; `off` (or equal hours) → no quiet hours. */
const quietHours = z
  .string()
  .trim()
  .regex(/^(off|([01]?\d|2[0-3])-([01]?\d|2[0-3]))$/, "hours like '21-8' (start-end, 0-23) or 'off'")
  .transform((v) => {
    if (v === "off") return { start: 0, end: 0 };
    const [start, end] = v.split("-").map(Number);
    return { start: start ?? 0, end: end ?? 0 };
  });

/** Shortest admin token accepted (a generated one has 43 characters). */
export const ADMIN_TOKEN_MIN_CHARS = 32;

/** The secret variables: none may keep a placeholder value from `.env.example`. */
export const SECRET_VARIABLES = [
  "CLOSER_ADMIN_TOKEN",
  "CLOSER_DATA_KEY",
  "GOWA_BASIC_AUTH",
  "GOWA_WEBHOOK_SECRET",
  "WAHA_API_KEY",
  "WAHA_WEBHOOK_SECRET",
  "CLOUD_ACCESS_TOKEN",
  "CLOUD_APP_SECRET",
  "CLOUD_VERIFY_TOKEN",
  "LLM_API_KEY",
  "METRICS_TOKEN",
] as const;

/** True for a placeholder such as `.env.example`'s `change-me-to-a-long-random-string` (or `user:change-me…`). */
export function isPlaceholderSecret(value: string): boolean {
  return /change[-_ ]?me|^<.*>$/i.test(value.trim());
}

/** The schema of every environment variable Closer reads; defaults live here. */
export const configSchema = z.object({
  PORT: port.default(3210),
  HOST: z.string().min(1).default("127.0.0.1"),
  DATA_DIR: z.string().min(1).default("./data"),
  /** `postgres://…` switches the store to PostgreSQL; unset means SQLite in DATA_DIR. */
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, "a postgres:// URL")
      .optional(),
  ),
  /**
   * Many instances on PostgreSQL: how long a chat lease or an outbox claim lasts, ms. A crashed
   * instance's chats and replies are taken over this long after it died; it must exceed the longest
   * send (pacing delays plus the gateway's answer). Unused on SQLite.
   */
  INSTANCE_LEASE_MS: z.coerce.number().int().min(1_000).default(60_000),
  /** Many instances on PostgreSQL: how often an instance checks whether another reloaded the playbooks, ms. */
  INSTANCE_SYNC_MS: z.coerce.number().int().min(100).default(2_000),
  PLAYBOOKS_DIR: z.string().min(1).default("./playbooks"),
  /** base64 of 32 bytes; unset means the key file `DATA_DIR/closer.key`, made on first start. */
  CLOSER_DATA_KEY: optionalString,
  /** Bearer token for the admin API; unset means one is generated on first start and printed once. */
  CLOSER_ADMIN_TOKEN: optionalString.pipe(
    z
      .string()
      .min(ADMIN_TOKEN_MIN_CHARS, `at least ${ADMIN_TOKEN_MIN_CHARS} characters (e.g. openssl rand -base64 32)`)
      .optional(),
  ),
  /**
   * The playground page and API: `auto` (default) only when GATEWAY=playground and HOST is a loopback
   * address; `on` always, and then every playground request needs the admin token; `off` never.
   */
  PLAYGROUND: z.enum(["auto", "on", "off"]).default("auto"),
  /**
   * Host names (comma-separated, ports ignored, `*` for any) a request's Host header may carry; others get 421.
   * Default: HOST itself, plus localhost, 127.0.0.1 and ::1 when HOST is loopback; any host when HOST is
   * 0.0.0.0 or :: (set it then: the names the gateways and your browser use).
   */
  ALLOWED_HOSTS: optionalString.transform((v) =>
    v === undefined
      ? undefined
      : v
          .split(",")
          .map((h) => h.trim().toLowerCase())
          .filter((h) => h !== ""),
  ),
  /** Playground requests per minute per client address (0 = no limit). */
  RATE_LIMIT_PLAYGROUND: z.coerce.number().int().min(0).default(60),
  /** Webhook requests per minute per client address (0 = no limit): a gateway posts from one address. */
  RATE_LIMIT_WEBHOOKS: z.coerce.number().int().min(0).default(1200),
  /** Admin API, dashboard and MCP requests per minute per client address (0 = no limit). */
  RATE_LIMIT_ADMIN: z.coerce.number().int().min(0).default(600),
  /** Requests with a wrong admin token per minute per client address before that address is locked out for the minute. */
  ADMIN_AUTH_FAILURES_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Longest time to receive a whole request (headers and body), ms; a slower one is cut (408). */
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
  /** Longest time to receive a request's headers, ms. */
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Longest inbound message text kept, characters; longer text is cut there and marked as truncated. */
  MAX_MESSAGE_CHARS: z.coerce.number().int().min(100).default(4096),
  GATEWAY: z.enum(["playground", "gowa", "waha", "cloud"]).default("playground"),
  GOWA_URL: optionalString.pipe(z.url().optional()),
  /** `user:pass` for GOWA's HTTP Basic auth. */
  GOWA_BASIC_AUTH: optionalString.pipe(
    z
      .string()
      .regex(/^[^:]+:.+$/, "user:password")
      .optional(),
  ),
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
  // Human pacing bounds (CLOSER_PACING=human). Each default is DEFAULT_PACING in src/engine/pacing.ts,
  // where the reason for it is written; tests shrink them, operators rarely need to.
  /** Pause before marking a message seen, ms: nobody reads the instant a message lands. */
  CLOSER_SEEN_DELAY_MS: milliseconds.default(DEFAULT_PACING.seenDelayMs),
  /** Least "typing…" time before any reply, ms. */
  CLOSER_TYPING_BASE_MS: milliseconds.default(DEFAULT_PACING.typingBaseMs),
  /** Extra "typing…" time per character of the reply, ms (≈ a brisk typist). */
  CLOSER_TYPING_PER_CHAR_MS: z.coerce.number().min(0).default(DEFAULT_PACING.typingPerCharMs),
  /** Longest "typing…" time, ms, so a long reply still arrives well inside the 30 s reply target. */
  CLOSER_TYPING_MAX_MS: milliseconds.default(DEFAULT_PACING.typingMaxMs),
  /** Random spread of every pacing delay as a fraction (0.25 = ±25 %), so timing never looks scripted. */
  CLOSER_PACING_JITTER: z.coerce.number().min(0).max(1).default(DEFAULT_PACING.jitter),
  /** Least time between two of our messages in one chat, ms: bursts look like a bot. */
  CLOSER_MIN_GAP_MS: milliseconds.default(DEFAULT_PACING.minGapPerChatMs),
  /** Most messages per minute from the number, all chats together (WhatsApp flags bursts). */
  CLOSER_MAX_PER_MINUTE: z.coerce.number().int().min(1).default(DEFAULT_PACING.maxPerMinute),
  /** Most messages per hour from the number, all chats together. */
  CLOSER_MAX_PER_HOUR: z.coerce.number().int().min(1).default(DEFAULT_PACING.maxPerHour),
  /**
   * Quiet hours in the customer's time zone (`start-end`, 24 h clock, or `off`): nothing but a reply to a
   * message just received goes out then. Default 21-8.
   */
  CLOSER_QUIET_HOURS: quietHours.default({ ...DEFAULT_PACING.quietHours }),
  /** A reply within this many ms of the customer's message counts as "just received" (quiet hours do not hold it). */
  CLOSER_FRESH_REPLY_MS: milliseconds.default(DEFAULT_PACING.freshReplyMs),
  /**
   * How long after a send interrupted by a crash began the gateway's history is asked whether it went
   * out (GOWA, WAHA), ms: a slow send may reach the history only when WhatsApp acknowledges it, and
   * asking earlier could send it twice. That chat's replies wait meanwhile. (RECONCILE_AFTER_MS in
   * src/engine/outbox-sender.ts.)
   */
  CLOSER_RECONCILE_AFTER_MS: milliseconds.default(15_000),
  /** How often the gateway's status (GOWA `/app/status`, WAHA session, Cloud token) is checked, ms. */
  GATEWAY_HEALTH_CHECK_MS: z.coerce.number().int().min(100).default(30_000),
  LLM_BASE_URL: optionalString.pipe(z.url().optional()),
  LLM_API_KEY: optionalString,
  LLM_MODEL: optionalString,
  /** Milliseconds before an LLM call is abandoned for the template reply (retries and queueing included). */
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(20_000),
  /** The transcript's share of an LLM reply prompt, in estimated tokens (4 ASCII characters or 1 other character each); oldest turns are dropped first. */
  LLM_TRANSCRIPT_TOKENS: z.coerce.number().int().min(100).default(2000),
  /** Retries of an LLM call after 429, 5xx or a network error, while LLM_TIMEOUT_MS leaves room. */
  LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** The request field of the output cap: `max_tokens` (most servers) or `max_completion_tokens` (OpenAI's newer models). */
  LLM_MAX_TOKENS_PARAM: z.enum(["max_tokens", "max_completion_tokens"]).default("max_tokens"),
  /** Most tokens the model may write per call (thinking included for reasoning models); unset sends no cap. */
  LLM_MAX_TOKENS: optionalString.pipe(z.coerce.number<string>().int().min(1).optional()),
  /**
   * A JSON object merged into every LLM request body, e.g. `{"reasoning_split":true}` for MiniMax; a `null`
   * value removes a field Closer sends (`{"temperature":null}`). Default `{}`.
   */
  LLM_EXTRA_BODY: optionalString.transform((v, ctx) => parseJsonObject(v, ctx)),
  /** LLM calls in flight at once; more wait for a slot (within LLM_TIMEOUT_MS). */
  LLM_CONCURRENCY: z.coerce.number().int().min(1).default(4),
  /** US dollars per million tokens sent to the model (for cost and the budget). 0 = not priced. */
  LLM_PRICE_PER_MTOK_IN: z.coerce.number().min(0).default(0),
  /** US dollars per million tokens the model writes. 0 = not priced. */
  LLM_PRICE_PER_MTOK_OUT: z.coerce.number().min(0).default(0),
  /** US dollars the LLM may cost per shop day; then templates until midnight (SHOP_TIMEZONE). Unset = no budget. */
  LLM_DAILY_BUDGET_USD: optionalString.pipe(z.coerce.number<string>().min(0).optional()),
  /** LLM calls in a row the endpoint failed (not answers of the wrong shape) that open the circuit breaker. */
  LLM_BREAKER_FAILURES: z.coerce.number().int().min(1).default(5),
  /** How long an open LLM circuit breaker sends templates before one trial call, ms. */
  LLM_BREAKER_COOLDOWN_MS: milliseconds.default(60_000),
  /** Seeds the bandit's random draws (reproducible demos and tests); unset means a fresh seed per start. */
  CLOSER_RANDOM_SEED: optionalString.pipe(z.string().regex(/^\d+$/, "a whole number").transform(Number).optional()),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Hours a human takeover (a `fromMe` message Closer did not send, or a customer asking for a person) silences the bot. */
  HANDOFF_HOURS: z.coerce.number().min(0).default(12),
  /** Purchase probability (0–1) above which the shop gets a `hot_lead` alert (one per journey). */
  HOT_LEAD_PROBABILITY: z.coerce.number().min(0).max(1).default(0.8),
  /** Cron expression of the weight recomputation job (default hourly). */
  WEIGHTS_CRON: cronExpression.default("0 * * * *"),
  /** Cron expression of the follow-up job: schedules follow-ups to quiet customers and queues the due ones (default every minute). */
  FOLLOW_UP_CRON: cronExpression.default("* * * * *"),
  /** Follow-ups a customer gets at most per journey, over all stages; 0 turns follow-ups off. */
  FOLLOW_UP_MAX: z.coerce.number().int().min(0).default(2),
  /** No follow-up to a customer who first wrote fewer than this many hours ago. */
  FOLLOW_UP_MIN_AGE_HOURS: z.coerce.number().min(0).default(2),
  /** An arm whose follow-ups are followed by opt-outs at a higher rate (0–1, after 10 sent) raises an alert. */
  FOLLOW_UP_OPT_OUT_ALERT_RATE: z.coerce.number().min(0).max(1).default(0.1),
  /** Cron expression of the job that resolves expired conversion windows (default every 5 minutes). */
  RESOLVE_CRON: cronExpression.default("*/5 * * * *"),
  /**
   * The shop's IANA time zone (`Europe/Madrid`, `America/New_York`): scheduled jobs run on its clock, and
   * "today" for daily budgets and weekly reports is its day. Default UTC.
   */
  SHOP_TIMEZONE: z
    .string()
    .trim()
    .default("UTC")
    .refine(isKnownTimeZone, "an IANA time zone like 'Europe/Madrid' or 'UTC'"),
  /** Cron expression of the weekly reflection, in the shop's time zone (default Monday 03:00). */
  REFLECT_CRON: cronExpression.default("0 3 * * 1"),
  /** `on` (default): the service reloads its playbooks shortly after a change in PLAYBOOKS_DIR; `off`: only on request or SIGHUP. */
  PLAYBOOKS_WATCH: z.enum(["on", "off"]).default("on"),
  /**
   * `on` (default): a variant the reflection writes is `proposed` and gets no traffic until an operator
   * approves it (`closer candidates approve`); `off`: it is written as a `candidate` on capped traffic at once.
   */
  REFLECTION_REVIEW: z.enum(["on", "off"]).default("on"),
  /** Cron expression of the weekly sales report, in the shop's time zone (default Monday 07:00). */
  REPORT_CRON: cronExpression.default("0 7 * * 1"),
  /** URL that receives each weekly report as a JSON POST `{kind: "weekly_report", report}` (retried); unset: files only. */
  REPORT_WEBHOOK_URL: optionalString.pipe(z.url().optional()),
  // Privacy: retention, erasure and backups (README, "Privacy and retention").
  /** Inbound messages the gateway dates older than this many hours are acknowledged and dropped (replays). */
  WEBHOOK_MAX_AGE_HOURS: z.coerce.number().positive().default(24),
  /** Cron expression of the daily retention job, in the shop's time zone (default 03:30). */
  RETENTION_CRON: cronExpression.default("30 3 * * *"),
  /** Message text older than this many days is erased (the message row and its statistics stay). */
  RETAIN_MESSAGES_DAYS: z.coerce.number().positive().default(90),
  /** Media references (mime, size, the gateway's media id) older than this many days are erased. */
  RETAIN_MEDIA_DAYS: z.coerce.number().positive().default(7),
  /** Log files (with LOG_FILE) older than this many days are deleted. */
  RETAIN_LOGS_DAYS: z.coerce.number().int().positive().default(180),
  /** Also write logs to this file, rotated daily (`<LOG_FILE>.<date>.<n>`); unset: standard output only. */
  LOG_FILE: optionalString,
  /** Cron expression of the daily backup, in the shop's time zone (default 02:30). */
  BACKUP_CRON: cronExpression.default("30 2 * * *"),
  /** Backups (database snapshot with conversations) older than this many days are deleted. */
  BACKUP_CONVERSATIONS_DAYS: z.coerce.number().positive().default(30),
  /** Profile exports (customers without their conversations) older than this many days are deleted. */
  BACKUP_PROFILES_DAYS: z.coerce.number().positive().default(90),
  /** Bearer token that may read `/metrics` from other hosts (the admin token may too; loopback needs none). */
  METRICS_TOKEN: optionalString.pipe(z.string().min(16, "at least 16 characters").optional()),
  /** URL that receives alerts (gateway down, number paused) as JSON POSTs. */
  ALERT_WEBHOOK_URL: optionalString.pipe(z.url().optional()),
  // Alert rules (README, "Alerts"). Each default is the plan's, from DEFAULT_ALERT_THRESHOLDS in
  // src/engine/alerting/alert-rules.ts.
  /** Length of the sliding window of the send, latency and error rules, minutes. */
  ALERT_WINDOW_MINUTES: z.coerce
    .number()
    .positive()
    .default(DEFAULT_ALERT_THRESHOLDS.windowMs / 60_000),
  /** Send success below this share of sends in the window alerts (0–1). */
  ALERT_SEND_SUCCESS_MIN: z.coerce.number().min(0).max(1).default(DEFAULT_ALERT_THRESHOLDS.sendSuccessMin),
  /** Fewest sends in the window before send success is judged. */
  ALERT_SEND_MIN_COUNT: z.coerce.number().int().min(1).default(DEFAULT_ALERT_THRESHOLDS.sendMinCount),
  /** Reply latency p95 above this many seconds in the window alerts. */
  ALERT_REPLY_P95_SECONDS: z.coerce
    .number()
    .positive()
    .default(DEFAULT_ALERT_THRESHOLDS.latencyP95MaxMs / 1000),
  /** Share of webhook/API requests answered 5xx above this in the window alerts (0–1). */
  ALERT_ERROR_RATE_MAX: z.coerce.number().min(0).max(1).default(DEFAULT_ALERT_THRESHOLDS.errorRateMax),
  /** A gateway disconnected for this many minutes alerts. */
  ALERT_GATEWAY_OFFLINE_MINUTES: z.coerce
    .number()
    .positive()
    .default(DEFAULT_ALERT_THRESHOLDS.gatewayOfflineMs / 60_000),
  /** Least minutes between two deliveries of an alert that still holds (or of the same one-off alert). */
  ALERT_REPEAT_MINUTES: z.coerce.number().positive().default(60),
  /** How often the alert rules are evaluated, ms. */
  ALERT_CHECK_MS: z.coerce.number().int().min(100).default(30_000),
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
  const placeholders = SECRET_VARIABLES.filter((name) => {
    const value = env[name];
    return value !== undefined && value.trim() !== "" && isPlaceholderSecret(value);
  }).map((name) => `${name}: still the placeholder from .env.example; set a long random value (openssl rand -hex 32)`);
  if (!result.success || placeholders.length > 0) {
    const issues = result.success ? [] : result.error.issues;
    const lines = issues.map((issue) => {
      const name = issue.path.join(".");
      return `${name}: ${issue.message}${name in env ? ` (got ${JSON.stringify(redactIfSecret(name, env[name]))})` : ""}`;
    });
    throw new CloserError("config_invalid", `Invalid configuration:\n  ${[...placeholders, ...lines].join("\n  ")}`);
  }
  const parsed = result.data;
  const pacing = parsed.CLOSER_PACING ?? (parsed.GATEWAY === "playground" ? "off" : "human");
  return Object.freeze({ ...parsed, pacing });
}

/** The pacing the sender applies: the mode in force and the bounds from `CLOSER_*` variables. */
export function pacingFromConfig(config: Config): PacingConfig {
  return {
    mode: config.pacing,
    seenDelayMs: config.CLOSER_SEEN_DELAY_MS,
    typingBaseMs: config.CLOSER_TYPING_BASE_MS,
    typingPerCharMs: config.CLOSER_TYPING_PER_CHAR_MS,
    typingMaxMs: config.CLOSER_TYPING_MAX_MS,
    jitter: config.CLOSER_PACING_JITTER,
    minGapPerChatMs: config.CLOSER_MIN_GAP_MS,
    maxPerMinute: config.CLOSER_MAX_PER_MINUTE,
    maxPerHour: config.CLOSER_MAX_PER_HOUR,
    quietHours: { ...config.CLOSER_QUIET_HOURS },
    freshReplyMs: config.CLOSER_FRESH_REPLY_MS,
  };
}

/** True for a loopback host name or address (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "::ffff:127.0.0.1";
}

/**
 * Whether the playground exists and who may use it: `closed` (no page, no API), `open` (GATEWAY=playground
 * on a loopback HOST with PLAYGROUND=auto), or `admin` (PLAYGROUND=on: every request needs the admin token).
 */
export function playgroundAccess(config: Pick<Config, "PLAYGROUND" | "GATEWAY" | "HOST">): "closed" | "open" | "admin" {
  if (config.PLAYGROUND === "off") return "closed";
  if (config.PLAYGROUND === "on") return "admin";
  return config.GATEWAY === "playground" && isLoopbackHost(config.HOST) ? "open" : "closed";
}

/**
 * The Host names requests may carry (lower case, no port), or null for any: ALLOWED_HOSTS when set (`*` = any),
 * else HOST plus localhost, 127.0.0.1 and ::1 when HOST is loopback, and any host when HOST is 0.0.0.0 or ::.
 */
export function allowedHostNames(config: Pick<Config, "ALLOWED_HOSTS" | "HOST">): ReadonlySet<string> | null {
  const listed = config.ALLOWED_HOSTS;
  if (listed !== undefined) return listed.includes("*") ? null : new Set(listed.map(bareHostName));
  const host = bareHostName(config.HOST);
  if (host === "0.0.0.0" || host === "::" || host === "") return null;
  return new Set(isLoopbackHost(host) ? [host, "localhost", "127.0.0.1", "::1"] : [host]);
}

/** `Example.com:3210` → `example.com`, `[::1]:80` → `::1`. */
export function bareHostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]") === -1 ? undefined : h.indexOf("]"));
  if ((h.match(/:/g) ?? []).length > 1) return h; // a bare IPv6 address
  return h.replace(/:\d*$/, "");
}

/** The alert rules' thresholds from the `ALERT_*` variables. */
export function alertThresholdsFromConfig(config: Config): AlertThresholds {
  return {
    ...DEFAULT_ALERT_THRESHOLDS,
    windowMs: config.ALERT_WINDOW_MINUTES * 60_000,
    sendSuccessMin: config.ALERT_SEND_SUCCESS_MIN,
    sendMinCount: config.ALERT_SEND_MIN_COUNT,
    latencyP95MaxMs: config.ALERT_REPLY_P95_SECONDS * 1000,
    errorRateMax: config.ALERT_ERROR_RATE_MAX,
    gatewayOfflineMs: config.ALERT_GATEWAY_OFFLINE_MINUTES * 60_000,
  };
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

function parseJsonObject(value: string | undefined, ctx: z.RefinementCtx): Record<string, unknown> {
  if (value === undefined) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  ctx.addIssue({ code: "custom", message: 'a JSON object like {"reasoning_split":true}' });
  return z.NEVER;
}

function isKnownTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function redactIfSecret(name: string, value: string | undefined): string | undefined {
  return /KEY|TOKEN|SECRET|AUTH|PASSWORD/.test(name) ? "[redacted]" : value;
}
