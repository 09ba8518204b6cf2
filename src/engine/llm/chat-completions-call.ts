/**
 * One HTTP attempt against an OpenAI-compatible `/chat/completions` endpoint,
 * through the `openai` SDK: builds the body (our fields, the provider's extras
 * from configuration, the max-tokens parameter under the name the provider
 * wants), sends it with a deadline, and says what came back in our own terms.
 * The SDK retries nothing (retry-policy.ts decides); its types stop here. The
 * reasoning a model returns beside its answer (`reasoning_content`,
 * `reasoning`, `reasoning_details`) is noticed and dropped, never returned.
 * @module
 */
import OpenAI, { type APIError } from "openai";
import type { ChatCompletionCreateParamsNonStreaming } from "openai/resources/chat/completions";
import { z } from "zod";
import { retryAfterMs } from "./retry-policy.js";

/** The subset of a chat completion we read; vendor fields stop here. */
const completionSchema = z.object({
  choices: z
    .array(
      z.object({
        message: z
          .object({
            content: z.string().nullable().optional(),
            reasoning_content: z.unknown().optional(),
            reasoning: z.unknown().optional(),
            reasoning_details: z.unknown().optional(),
          })
          .nullable()
          .optional(),
      }),
    )
    .optional(),
  usage: z
    .object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional() })
    .nullable()
    .optional(),
});

/** What one attempt brought back. */
export type ChatAttempt =
  | {
      kind: "answer";
      content: string | null;
      /** True when the reply carried reasoning in a separate field. */
      reasoningField: boolean;
      tokensIn: number;
      tokensOut: number;
    }
  | { kind: "http_error"; status: number; body: string; retryAfterMs: number | null }
  | { kind: "timeout" }
  | { kind: "unreachable"; message: string };

/** The body of one chat-completions request. */
export interface ChatBodyInput {
  model: string;
  system: string;
  messages: readonly { role: string; content: string }[];
  responseFormat: Record<string, unknown> | undefined;
  maxTokens: number | undefined;
  maxTokensParam: "max_tokens" | "max_completion_tokens";
  /** Merged into the body last; a `null` value removes our field of that name (e.g. `temperature`). */
  extraBody: Readonly<Record<string, unknown>>;
}

/** Sampling temperature of every call: a little variety, mostly on script. */
export const LLM_TEMPERATURE = 0.4;

/** Builds the JSON body. `model` and `messages` always stay ours. */
export function chatBody(input: ChatBodyInput): Record<string, unknown> {
  const body: Record<string, unknown> = { temperature: LLM_TEMPERATURE };
  if (input.responseFormat !== undefined) body["response_format"] = input.responseFormat;
  if (input.maxTokens !== undefined) body[input.maxTokensParam] = input.maxTokens;
  for (const [key, value] of Object.entries(input.extraBody)) {
    if (value === null) delete body[key];
    else body[key] = value;
  }
  body["model"] = input.model;
  body["messages"] = [{ role: "system", content: input.system }, ...input.messages];
  return body;
}

/** The SDK client's default timeout, ms; unused, as each attempt passes its own (the time left before the deadline). */
const SDK_DEFAULT_TIMEOUT_MS = 120_000;
/** Most characters of an error body kept (to recognise a refused `response_format`). */
const ERROR_BODY_CHARS = 2_000;

/** An OpenAI-compatible endpoint, reached through the SDK. */
export interface ChatEndpoint {
  readonly client: OpenAI;
}

/**
 * The SDK keeps only the `error` member of an error body; the whole body is kept here, so a
 * refusal from a server that answers `{"message": …}` at the top level is still recognised.
 */
const errorBodies = new WeakMap<object, string>();

class EndpointClient extends OpenAI {
  protected override makeStatusError(
    status: number,
    error: object,
    message: string | undefined,
    headers: Headers,
  ): APIError {
    const made = super.makeStatusError(status, error, message, headers);
    errorBodies.set(made, (error === undefined ? (message ?? "") : JSON.stringify(error)).slice(0, ERROR_BODY_CHARS));
    return made;
  }
}

/**
 * The SDK client of an endpoint: no retries of its own, no settings read from `OPENAI_*`
 * variables (organization, project, log level: a debug log would print the messages), and no
 * `Authorization` header at all when there is no key (Ollama, a local vLLM).
 */
export function chatEndpoint(endpoint: { baseUrl: string; apiKey: string | undefined }): ChatEndpoint {
  const client = new EndpointClient({
    baseURL: endpoint.baseUrl.replace(/\/+$/, ""),
    // The SDK insists on a key; without one the header is removed below.
    apiKey: endpoint.apiKey ?? "no-key",
    organization: null,
    project: null,
    maxRetries: 0,
    timeout: SDK_DEFAULT_TIMEOUT_MS,
    logLevel: "off",
    ...(endpoint.apiKey === undefined ? { defaultHeaders: { Authorization: null } } : {}),
  });
  return { client };
}

/** Sends `body` to the endpoint's `/chat/completions`, waiting at most `timeoutMs`. Never throws. */
export async function postChatCompletion(
  endpoint: ChatEndpoint,
  body: Record<string, unknown>,
  timeoutMs: number,
  now: () => number,
): Promise<ChatAttempt> {
  const ms = Math.max(1, timeoutMs);
  let completion: unknown;
  try {
    // Our body is the request's single source (extras from configuration included); the SDK passes it through.
    completion = await endpoint.client.chat.completions.create(
      body as unknown as ChatCompletionCreateParamsNonStreaming,
      {
        timeout: ms,
        // The SDK's timeout ends with the headers; the signal also bounds reading the body.
        signal: AbortSignal.timeout(ms),
      },
    );
  } catch (error) {
    return failedAttempt(error, now);
  }
  return readCompletion(completion);
}

function failedAttempt(error: unknown, now: () => number): ChatAttempt {
  if (
    error instanceof OpenAI.APIConnectionTimeoutError ||
    error instanceof OpenAI.APIUserAbortError ||
    (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError"))
  ) {
    return { kind: "timeout" };
  }
  if (error instanceof SyntaxError) {
    // A 2xx whose body is not JSON: an answer without content.
    return { kind: "answer", content: null, reasoningField: false, tokensIn: 0, tokensOut: 0 };
  }
  if (error instanceof OpenAI.APIError && error.status !== undefined) {
    return {
      kind: "http_error",
      status: error.status,
      body: errorBodies.get(error) ?? error.message,
      retryAfterMs: error.headers === undefined ? null : retryAfterMs(error.headers, now()),
    };
  }
  return { kind: "unreachable", message: causeChain(error) };
}

/** The messages of an error's causes (`fetch failed: connect ECONNREFUSED …`), else its own. */
function causeChain(error: unknown): string {
  const messages: string[] = [];
  let cause = error instanceof Error ? error.cause : undefined;
  while (cause instanceof Error && messages.length < 4) {
    messages.push(cause.message);
    cause = cause.cause;
  }
  if (messages.length > 0) return messages.join(": ");
  return error instanceof Error ? error.message : String(error);
}

function readCompletion(completion: unknown): ChatAttempt {
  const json = typeof completion === "string" ? parseJson(completion) : completion;
  const parsed = completionSchema.safeParse(json);
  const read = parsed.success ? parsed.data : {};
  const message = read.choices?.[0]?.message ?? null;
  return {
    kind: "answer",
    content: message?.content ?? null,
    reasoningField: hasReasoning(message?.reasoning_content ?? message?.reasoning ?? message?.reasoning_details),
    tokensIn: read.usage?.prompt_tokens ?? 0,
    tokensOut: read.usage?.completion_tokens ?? 0,
  };
}

/** A body the server labelled as something other than JSON may still be JSON. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function hasReasoning(value: unknown): boolean {
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null;
}
