/**
 * The LLM port: one structured-output call, in our own types. Every answer the
 * program uses is JSON checked by a zod schema; a failure, a timeout or a bad
 * answer is an `LlmError` with a reason, and the caller falls back to the
 * offline path.
 * @module
 */
import type { z } from "zod";
import { CloserError } from "../../errors.js";

/** One message of the conversation sent to the model. */
export interface LlmMessage {
  role: "user" | "assistant";
  content: string;
}

/** What a call is for, in usage accounting and metrics. */
export type LlmPurpose = "reply" | "analysis" | "reflection" | "report" | "check";

/** A request for a JSON answer that must match `schema`. */
export interface LlmRequest<T> {
  /** Instructions for the model. */
  system: string;
  messages: LlmMessage[];
  /** The shape of the answer; the answer is rejected unless it parses. */
  schema: z.ZodType<T>;
  /**
   * The JSON schema sent to the endpoint (and put in the instructions below `json_schema` mode);
   * default: derived from `schema`. Lets a request ask for more than it requires.
   */
  jsonSchema?: Record<string, unknown>;
  /** A short snake_case name of the schema (sent to servers that support JSON-schema output). */
  schemaName: string;
  /** Give up after this many ms, retries and waiting for a free slot included. */
  timeoutMs: number;
  /** What the call is for (usage accounting, metrics). Default `reply`. */
  purpose?: LlmPurpose;
  /** Most tokens the model may write; unset means the configured default (or the server's). */
  maxTokens?: number;
  /** Called with the tokens the call used, when the endpoint reports them (cost accounting). */
  onUsage?: (usage: LlmUsage) => void;
}

/** Tokens one call used, as the endpoint reported them. */
export interface LlmUsage {
  /** Prompt (input) tokens. */
  in: number;
  /** Completion (output) tokens. */
  out: number;
}

/** Talks to a language model. */
export interface LlmClient {
  /** The model name, for logs and metrics. */
  readonly model: string;
  /** @throws LlmError `llm_timeout`, `llm_failed` or `llm_unavailable`, with its `reason`. */
  completeJson<T>(request: LlmRequest<T>): Promise<T>;
}

/**
 * Why an answer could not be used, as counted in metrics and usage rows:
 * `timeout` (deadline passed), `rate_limited` (429 until the deadline),
 * `server_error` (5xx until the deadline), `unreachable` (network), `refused`
 * (another 4xx), `empty_answer`, `not_json`, `schema_mismatch`, and the two
 * calls never made: `circuit_open` (recent failures) and `budget_reached`;
 * `other` for an error raised without a reason.
 */
export type LlmFailureReason =
  | "timeout"
  | "rate_limited"
  | "server_error"
  | "unreachable"
  | "refused"
  | "empty_answer"
  | "not_json"
  | "schema_mismatch"
  | "circuit_open"
  | "budget_reached"
  | "other";

/** Why an LLM call could not be used. */
export class LlmError extends CloserError {
  override readonly name = "LlmError";
  /** The reason, for metrics and usage accounting. */
  readonly reason: LlmFailureReason;

  constructor(
    code: "llm_timeout" | "llm_failed" | "llm_unavailable",
    message: string,
    options: { cause?: unknown; reason?: LlmFailureReason } = {},
  ) {
    super(code, message, { cause: options.cause });
    this.reason = options.reason ?? defaultReason(code);
  }
}

function defaultReason(code: "llm_timeout" | "llm_failed" | "llm_unavailable"): LlmFailureReason {
  if (code === "llm_timeout") return "timeout";
  if (code === "llm_unavailable") return "circuit_open";
  return "other";
}
