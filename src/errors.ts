/**
 * Errors shared by every folder: one base class with a stable snake_case code,
 * and one registry that maps each code to an HTTP status and a description.
 * @module
 */

/** Every error code Closer raises on purpose, grouped by area. */
export const ERROR_CODES = {
  // configuration and start-up
  config_invalid: { status: 500, description: "An environment variable has a bad value." },
  data_dir_unusable: { status: 500, description: "DATA_DIR cannot be created or written." },
  port_in_use: { status: 500, description: "The HTTP port is taken by another process." },
  listen_failed: { status: 500, description: "The HTTP server could not listen on HOST:PORT." },
  // playbooks
  playbook_invalid: { status: 422, description: "A playbook file failed to load or lint." },
  playbook_version_not_bumped: {
    status: 409,
    description: "A served variant version changed its text without a new version number.",
  },
  strategy_unknown: { status: 404, description: "No such stage, variant or version." },
  // store
  decryption_failed: { status: 500, description: "A stored value failed authentication." },
  key_invalid: { status: 500, description: "The data key is missing or malformed." },
  migration_failed: { status: 500, description: "A database migration failed; the schema was not changed." },
  database_unsupported: { status: 500, description: "The configured database cannot be used by this build." },
  // http
  bad_request: { status: 400, description: "The request body or parameters are invalid." },
  unauthorized: { status: 401, description: "Missing or wrong credentials." },
  signature_invalid: { status: 401, description: "The webhook signature does not match." },
  not_found: { status: 404, description: "The resource does not exist." },
  customer_unknown: { status: 404, description: "No customer with that phone number." },
  conflict: { status: 409, description: "The request conflicts with the current state." },
  rate_limited: { status: 429, description: "Too many requests from this address; wait and retry." },
  host_not_allowed: { status: 421, description: "The Host header is not one this service answers to (ALLOWED_HOSTS)." },
  // gateways
  gateway_rejected: { status: 502, description: "The WhatsApp gateway refused the request." },
  gateway_unreachable: { status: 503, description: "The WhatsApp gateway could not be reached." },
  gateway_rate_limited: { status: 429, description: "The WhatsApp gateway asked us to slow down." },
  // llm
  llm_timeout: { status: 504, description: "The LLM did not answer in time." },
  llm_failed: { status: 502, description: "The LLM answered with an error or an invalid answer." },
  llm_unavailable: {
    status: 503,
    description: "The LLM was not called: its circuit breaker is open or the daily budget is spent.",
  },
  llm_unconfigured: { status: 503, description: "The operation needs an LLM and none is configured." },
  // reflection
  reflection_busy: { status: 409, description: "Another reflection run holds the lock." },
  // experiments
  experiment_invalid: { status: 409, description: "The experiment operation is not allowed." },
  promotion_needs_force: {
    status: 409,
    description: "The promotion would retire arms while the stage is still collecting evidence; repeat it with force.",
  },
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** Base class of every error Closer raises on purpose. */
export class CloserError extends Error {
  override readonly name: string = "CloserError";
  readonly code: ErrorCode;
  /** Extra context that is safe to show to the caller (never secrets or message text). */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }

  /** The HTTP status the registry gives this error's code. */
  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}

/** True when `error` is a CloserError, optionally with the given code. */
export function isCloserError(error: unknown, code?: ErrorCode): error is CloserError {
  return error instanceof CloserError && (code === undefined || error.code === code);
}
