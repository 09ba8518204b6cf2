/**
 * The LLM port: one structured-output call, in our own types. Every answer the
 * program uses is JSON checked by a zod schema; a failure, a timeout or a bad
 * answer is an `LlmError`, and the caller falls back to the offline path.
 * @module
 */
import type { z } from "zod";
import { CloserError } from "../../errors.js";

/** One message of the conversation sent to the model. */
export interface LlmMessage {
  role: "user" | "assistant";
  content: string;
}

/** A request for a JSON answer that must match `schema`. */
export interface LlmRequest<T> {
  /** Instructions for the model. */
  system: string;
  messages: LlmMessage[];
  /** The shape of the answer; the answer is rejected unless it parses. */
  schema: z.ZodType<T>;
  /** A short snake_case name of the schema (sent to servers that support JSON-schema output). */
  schemaName: string;
  /** Give up after this many ms. */
  timeoutMs: number;
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
  /** @throws LlmError `llm_timeout` or `llm_failed`. */
  completeJson<T>(request: LlmRequest<T>): Promise<T>;
}

/** Why an LLM call could not be used. */
export class LlmError extends CloserError {
  override readonly name = "LlmError";

  constructor(code: "llm_timeout" | "llm_failed", message: string, options: { cause?: unknown } = {}) {
    super(code, message, options);
  }
}
