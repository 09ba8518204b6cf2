/**
 * Picks the LLM adapter from configuration: none (template replies and keyword
 * signals, the default), any OpenAI-compatible endpoint, or a custom instance.
 * @module
 */
import { CloserError } from "../../errors.js";
import type { Logger } from "../../log.js";
import type { LlmCallGuard } from "./llm-call-guard.js";
import type { LlmClient } from "./llm-client.js";
import {
  type LlmGovernor,
  type LlmGovernorConfig,
  type LlmGovernorSettings,
  llmGovernorFromSettings,
} from "./llm-governor.js";
import { createOpenAiLlmClient } from "./openai-llm-client.js";
import type { StructuredOutputModes } from "./structured-output.js";

/** The configuration the registry reads (the `LLM_*` variables of src/config.ts). */
export interface LlmSettings {
  LLM_BASE_URL?: string | undefined;
  LLM_API_KEY?: string | undefined;
  LLM_MODEL?: string | undefined;
  LLM_MAX_RETRIES?: number;
  LLM_MAX_TOKENS_PARAM?: "max_tokens" | "max_completion_tokens";
  LLM_MAX_TOKENS?: number | undefined;
  LLM_EXTRA_BODY?: Readonly<Record<string, unknown>>;
}

/** What the configured client is built with besides the settings. */
export interface LlmClientOptions {
  /** Admits and accounts each call (the LlmGovernor when serving). */
  guard?: LlmCallGuard;
  /** Hears the structured-output mode in use, once, at info. */
  logger?: Logger;
  /** Where the learned structured-output mode is kept (default: process-wide). */
  modes?: StructuredOutputModes;
}

/**
 * The endpoint and model the settings name, or `undefined` when no LLM is configured.
 * @throws CloserError `config_invalid` when only one of LLM_BASE_URL and LLM_MODEL is set.
 */
export function llmEndpointOf(settings: LlmSettings): { baseUrl: string; model: string } | undefined {
  const { LLM_BASE_URL: baseUrl, LLM_MODEL: model } = settings;
  if (baseUrl === undefined && model === undefined) return undefined;
  if (baseUrl === undefined || model === undefined) {
    const missing = baseUrl === undefined ? "LLM_BASE_URL" : "LLM_MODEL";
    throw new CloserError("config_invalid", `${missing}: required when the other LLM setting is set (or unset both)`);
  }
  return { baseUrl, model };
}

/**
 * The configured LLM client, or `undefined` for the offline path.
 * @throws CloserError `config_invalid` when only one of LLM_BASE_URL and LLM_MODEL is set.
 */
export function createLlmClient(
  settings: LlmSettings,
  custom?: LlmClient,
  options: LlmClientOptions = {},
): LlmClient | undefined {
  if (custom !== undefined) return custom;
  const endpoint = llmEndpointOf(settings);
  if (endpoint === undefined) return undefined;
  return createOpenAiLlmClient({
    ...endpoint,
    apiKey: settings.LLM_API_KEY,
    ...(settings.LLM_MAX_RETRIES === undefined ? {} : { maxRetries: settings.LLM_MAX_RETRIES }),
    ...(settings.LLM_MAX_TOKENS_PARAM === undefined ? {} : { maxTokensParam: settings.LLM_MAX_TOKENS_PARAM }),
    maxTokens: settings.LLM_MAX_TOKENS,
    extraBody: settings.LLM_EXTRA_BODY ?? {},
    ...(options.guard === undefined ? {} : { guard: options.guard }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
    ...(options.modes === undefined ? {} : { modes: options.modes }),
  });
}

/**
 * The LLM a running service uses: the configured client behind its governor (concurrency, breaker,
 * budget, usage rows, metrics, alerts), or `custom` as given (tests, simulation), or none.
 * @throws CloserError `config_invalid` when only one of LLM_BASE_URL and LLM_MODEL is set.
 */
export function createServingLlm(
  settings: LlmSettings & LlmGovernorSettings,
  deps: Pick<LlmGovernorConfig, "db" | "clock" | "metrics" | "alerts" | "logger">,
  custom?: LlmClient,
): { llm: LlmClient | undefined; governor: LlmGovernor | undefined } {
  const endpoint = custom === undefined ? llmEndpointOf(settings) : undefined;
  const governor =
    endpoint === undefined ? undefined : llmGovernorFromSettings(settings, { ...deps, model: endpoint.model });
  const llm = createLlmClient(settings, custom, {
    ...(governor === undefined ? {} : { guard: governor }),
    logger: deps.logger,
  });
  return { llm, governor };
}
