/**
 * The OpenAI-compatible adapter of the LLM port: OpenAI, MiniMax, Ollama, vLLM
 * and others speak the same chat-completions API. Asks for JSON that follows the
 * schema, parses it, and validates it with zod; the SDK's own retries cover
 * network errors, 429 and 5xx.
 * @module
 */
import OpenAI from "openai";
import { z } from "zod";
import { type LlmClient, LlmError, type LlmRequest } from "./llm-client.js";

/** How an OpenAI-compatible endpoint is reached. */
export interface OpenAiLlmConfig {
  /** e.g. `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1` (Ollama). */
  baseUrl: string;
  apiKey: string | undefined;
  model: string;
  /** Retries of network errors, 429 and 5xx by the SDK. Default 2. */
  maxRetries?: number;
}

/** Builds the client. */
export function createOpenAiLlmClient({ baseUrl, apiKey, model, maxRetries = 2 }: OpenAiLlmConfig): LlmClient {
  const client = new OpenAI({ baseURL: baseUrl, apiKey: apiKey ?? "not-needed", maxRetries });
  return {
    model,
    async completeJson<T>(request: LlmRequest<T>): Promise<T> {
      let content: string | null | undefined;
      try {
        const completion = await client.chat.completions.create(
          {
            model,
            temperature: 0.4,
            messages: [{ role: "system", content: request.system }, ...request.messages],
            response_format: {
              type: "json_schema",
              json_schema: {
                name: request.schemaName,
                schema: z.toJSONSchema(request.schema) as Record<string, unknown>,
                strict: true,
              },
            },
          },
          { timeout: request.timeoutMs },
        );
        content = completion.choices[0]?.message?.content;
        if (completion.usage) {
          request.onUsage?.({ in: completion.usage.prompt_tokens, out: completion.usage.completion_tokens });
        }
      } catch (error) {
        if (error instanceof OpenAI.APIConnectionTimeoutError) {
          throw new LlmError("llm_timeout", `the model did not answer within ${request.timeoutMs} ms`, {
            cause: error,
          });
        }
        const status = error instanceof OpenAI.APIError ? ` (HTTP ${error.status ?? "?"})` : "";
        throw new LlmError("llm_failed", `the model call failed${status}`, { cause: error });
      }
      return parseAnswer(content, request.schema);
    },
  };
}

/** Parses the model's text as JSON (tolerating a Markdown code fence) and validates it. */
export function parseAnswer<T>(content: string | null | undefined, schema: z.ZodType<T>): T {
  if (content === null || content === undefined || content.trim() === "") {
    throw new LlmError("llm_failed", "the model returned no content");
  }
  const text = content.trim().replace(/^```(?:json)?\s*([\s\S]*?)\s*```$/, "$1");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new LlmError("llm_failed", "the model's answer is not JSON", { cause: error });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    throw new LlmError(
      "llm_failed",
      `the model's answer does not fit the schema: ${result.error.issues[0]?.message ?? "?"}`,
    );
  }
  return result.data;
}
