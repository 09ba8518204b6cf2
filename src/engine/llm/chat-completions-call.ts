/**
 * One HTTP attempt against an OpenAI-compatible `/chat/completions` endpoint:
 * builds the body (our fields, the provider's extras from configuration, the
 * max-tokens parameter under the name the provider wants), posts it with a
 * timeout, and says what came back in our own terms. The reasoning a model
 * returns beside its answer (`reasoning_content`, `reasoning`,
 * `reasoning_details`) is noticed and dropped, never returned.
 * @module
 */
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

/** Posts `body` to `<baseUrl>/chat/completions`, waiting at most `timeoutMs`. Never throws. */
export async function postChatCompletion(
  endpoint: { baseUrl: string; apiKey: string | undefined },
  body: Record<string, unknown>,
  timeoutMs: number,
  now: () => number,
): Promise<ChatAttempt> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${endpoint.baseUrl.replace(/\/+$/, "")}/chat/completions`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(endpoint.apiKey === undefined ? {} : { authorization: `Bearer ${endpoint.apiKey}` }),
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(Math.max(1, timeoutMs)),
    });
    text = await response.text();
  } catch (error) {
    if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
      return { kind: "timeout" };
    }
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    return { kind: "unreachable", message: `${error instanceof Error ? error.message : String(error)}${cause}` };
  }
  if (!response.ok) {
    return {
      kind: "http_error",
      status: response.status,
      body: text.slice(0, 2_000),
      retryAfterMs: retryAfterMs(response.headers, now()),
    };
  }
  return readCompletion(text);
}

function readCompletion(text: string): ChatAttempt {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: "answer", content: null, reasoningField: false, tokensIn: 0, tokensOut: 0 };
  }
  const parsed = completionSchema.safeParse(json);
  const completion = parsed.success ? parsed.data : {};
  const message = completion.choices?.[0]?.message ?? null;
  return {
    kind: "answer",
    content: message?.content ?? null,
    reasoningField: hasReasoning(message?.reasoning_content ?? message?.reasoning ?? message?.reasoning_details),
    tokensIn: completion.usage?.prompt_tokens ?? 0,
    tokensOut: completion.usage?.completion_tokens ?? 0,
  };
}

function hasReasoning(value: unknown): boolean {
  if (typeof value === "string") return value.trim() !== "";
  if (Array.isArray(value)) return value.length > 0;
  return value !== undefined && value !== null;
}
