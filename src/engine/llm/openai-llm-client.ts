/**
 * The OpenAI-compatible adapter of the LLM port: OpenAI, MiniMax, DeepSeek,
 * Ollama, vLLM and others speak the same chat-completions API, each with its
 * quirks, handled by configuration rather than per-vendor code. Requests go
 * through the `openai` SDK (chat-completions-call.ts); the
 * structured-output mode is negotiated (structured-output.ts), the answer is
 * read the way real models write it (answer-parser.ts), 429, 5xx and network
 * errors are retried within the deadline (retry-policy.ts), and a guard admits
 * each call and hears how it went (llm-call-guard.ts).
 * @module
 */
import { z } from "zod";
import type { Logger } from "../../log.js";
import { parseAnswerDetailed } from "./answer-parser.js";
import {
  type ChatAttempt,
  type ChatEndpoint,
  chatBody,
  chatEndpoint,
  postChatCompletion,
} from "./chat-completions-call.js";
import { type LlmCallGuard, type LlmCallReport, OPEN_GUARD } from "./llm-call-guard.js";
import { type LlmClient, LlmError, type LlmFailureReason, type LlmRequest } from "./llm-client.js";
import { nextRetryDelay } from "./retry-policy.js";
import {
  processStructuredOutputModes,
  refusesResponseFormat,
  responseFormatFor,
  type StructuredOutputMode,
  type StructuredOutputModes,
  systemPromptFor,
} from "./structured-output.js";

/** How an OpenAI-compatible endpoint is reached and treated. */
export interface OpenAiLlmConfig {
  /** e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama). */
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  /** Retries of 429, 5xx and network errors within the deadline. Default 2. */
  maxRetries?: number;
  /** First backoff delay, ms (doubles per retry). Default 100. */
  retryInitialDelayMs?: number;
  /** The name the endpoint wants for the output cap. Default `max_tokens`. */
  maxTokensParam?: "max_tokens" | "max_completion_tokens";
  /** Output cap when a request sets none; unset sends none. */
  maxTokens?: number | undefined;
  /** JSON merged into every request body (e.g. MiniMax's `{"reasoning_split": true}`). */
  extraBody?: Readonly<Record<string, unknown>>;
  /** Admits calls and hears how they went (budget, breaker, concurrency, usage). Default: admits all. */
  guard?: LlmCallGuard;
  /** Where the learned structured-output mode is kept. Default: process-wide. */
  modes?: StructuredOutputModes;
  /** Logs the mode in use, once, at info. Never receives answers or reasoning. */
  logger?: Logger;
  /** The time, epoch ms. Default `Date.now`. */
  now?: () => number;
  /** Waits `ms` (between retries). Default a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** Builds the client. */
export function createOpenAiLlmClient(config: OpenAiLlmConfig): LlmClient {
  const { model, guard = OPEN_GUARD, now = Date.now } = config;
  const endpoint = chatEndpoint(config);
  return {
    model,
    async completeJson<T>(request: LlmRequest<T>): Promise<T> {
      const purpose = request.purpose ?? "reply";
      const deadline = now() + request.timeoutMs;
      const permit = await guard.admit(purpose, deadline);
      const startedAt = now();
      const tally: Tally = { tokensIn: 0, tokensOut: 0, retries: 0, mode: null, thinkSeen: false };
      const report = (outcome: "ok" | "failed", reason: LlmFailureReason | null): LlmCallReport => ({
        purpose,
        model,
        outcome,
        reason,
        ...tally,
        latencyMs: Math.max(0, now() - startedAt),
      });
      try {
        const value = await callUntilAnswered(config, endpoint, request, deadline, tally);
        request.onUsage?.({ in: tally.tokensIn, out: tally.tokensOut });
        permit.finish(report("ok", null));
        return value;
      } catch (error) {
        permit.finish(report("failed", error instanceof LlmError ? error.reason : "other"));
        throw error;
      }
    },
  };
}

/** What a call accumulates over its attempts. */
interface Tally {
  tokensIn: number;
  tokensOut: number;
  retries: number;
  mode: StructuredOutputMode | null;
  thinkSeen: boolean;
}

async function callUntilAnswered<T>(
  config: OpenAiLlmConfig,
  endpoint: ChatEndpoint,
  request: LlmRequest<T>,
  deadline: number,
  tally: Tally,
): Promise<T> {
  const { baseUrl, model, now = Date.now, modes = processStructuredOutputModes, logger } = config;
  const sleep = config.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const key = `${baseUrl}|${model}`;
  const jsonSchema = request.jsonSchema ?? (z.toJSONSchema(request.schema) as Record<string, unknown>);
  for (;;) {
    const remaining = deadline - now();
    if (remaining <= 0) throw timeoutError(request.timeoutMs);
    const mode = modes.get(key);
    tally.mode = mode;
    const body = chatBody({
      model,
      system: systemPromptFor(request.system, mode, jsonSchema),
      messages: request.messages,
      responseFormat: responseFormatFor(mode, request.schemaName, jsonSchema),
      maxTokens: request.maxTokens ?? config.maxTokens,
      maxTokensParam: config.maxTokensParam ?? "max_tokens",
      extraBody: config.extraBody ?? {},
    });
    const attempt = await postChatCompletion(endpoint, body, remaining, now);
    if (attempt.kind === "answer") {
      tally.tokensIn += attempt.tokensIn;
      tally.tokensOut += attempt.tokensOut;
      tally.thinkSeen ||= attempt.reasoningField;
      const parsed = parseOrNote(attempt.content, request, tally);
      if (modes.confirm(key)) logger?.info({ model, mode }, `LLM structured output: ${describeMode(mode)}`);
      return parsed;
    }
    if (attempt.kind === "timeout") throw timeoutError(request.timeoutMs);
    if (attempt.kind === "http_error" && refusesResponseFormat(attempt.status, attempt.body)) {
      const next = modes.downgrade(key, mode);
      if (next !== null) {
        logger?.info({ model, refused: mode, next }, "the LLM endpoint refused this structured-output mode");
        continue;
      }
    }
    const failure = classify(attempt);
    const delay = failure.retriable
      ? nextRetryDelay({
          retries: tally.retries,
          maxRetries: config.maxRetries ?? 2,
          retryAfterMs: attempt.kind === "http_error" ? attempt.retryAfterMs : null,
          remainingMs: deadline - now(),
          ...(config.retryInitialDelayMs === undefined ? {} : { initialDelayMs: config.retryInitialDelayMs }),
        })
      : null;
    if (delay === null) throw new LlmError("llm_failed", failure.message, { reason: failure.reason });
    tally.retries++;
    await sleep(delay);
  }
}

function parseOrNote<T>(content: string | null, request: LlmRequest<T>, tally: Tally): T {
  try {
    const parsed = parseAnswerDetailed(content, request.schema);
    tally.thinkSeen ||= parsed.thinkSeen;
    return parsed.value;
  } catch (error) {
    if (content !== null && /<\/?think/i.test(content)) tally.thinkSeen = true;
    throw error;
  }
}

function classify(attempt: Exclude<ChatAttempt, { kind: "answer" } | { kind: "timeout" }>): {
  retriable: boolean;
  reason: LlmFailureReason;
  message: string;
} {
  if (attempt.kind === "unreachable") {
    return { retriable: true, reason: "unreachable", message: `the model could not be reached (${attempt.message})` };
  }
  if (attempt.status === 429) {
    return { retriable: true, reason: "rate_limited", message: "the model is rate limited (HTTP 429)" };
  }
  if (attempt.status >= 500) {
    return { retriable: true, reason: "server_error", message: `the model call failed (HTTP ${attempt.status})` };
  }
  return { retriable: false, reason: "refused", message: `the model call was refused (HTTP ${attempt.status})` };
}

function timeoutError(timeoutMs: number): LlmError {
  return new LlmError("llm_timeout", `the model did not answer within ${timeoutMs} ms`, { reason: "timeout" });
}

function describeMode(mode: StructuredOutputMode): string {
  if (mode === "json_schema") return "JSON schema (response_format json_schema)";
  if (mode === "json_object") return "JSON mode (response_format json_object, schema in the instructions)";
  return "instructions only (the endpoint takes no response_format)";
}
