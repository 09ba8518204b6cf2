/**
 * Picks the LLM adapter from configuration: none (template replies and keyword
 * signals, the default), any OpenAI-compatible endpoint, or a custom instance.
 * @module
 */
import { CloserError } from "../../errors.js";
import type { LlmClient } from "./llm-client.js";
import { createOpenAiLlmClient } from "./openai-llm-client.js";

/** The configuration the registry reads. */
export interface LlmSettings {
  LLM_BASE_URL?: string | undefined;
  LLM_API_KEY?: string | undefined;
  LLM_MODEL?: string | undefined;
}

/**
 * The configured LLM client, or `undefined` for the offline path.
 * @throws CloserError `config_invalid` when only one of LLM_BASE_URL and LLM_MODEL is set.
 */
export function createLlmClient(settings: LlmSettings, custom?: LlmClient): LlmClient | undefined {
  if (custom !== undefined) return custom;
  const { LLM_BASE_URL: baseUrl, LLM_MODEL: model } = settings;
  if (baseUrl === undefined && model === undefined) return undefined;
  if (baseUrl === undefined || model === undefined) {
    const missing = baseUrl === undefined ? "LLM_BASE_URL" : "LLM_MODEL";
    throw new CloserError("config_invalid", `${missing}: required when the other LLM setting is set (or unset both)`);
  }
  return createOpenAiLlmClient({ baseUrl, apiKey: settings.LLM_API_KEY, model });
}
