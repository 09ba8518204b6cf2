/**
 * @module
 * The LLM port and its adapters: the OpenAI-compatible client (structured-output
 * negotiation, answers read the way real models write them, retries within the
 * deadline), the scripted one for tests, and the governor that admits, prices
 * and counts every call (concurrency, circuit breaker, daily budget).
 */

// answers and negotiation
export { parseAnswer, parseAnswerDetailed, stripReasoning } from "./answer-parser.js";
// the port
export type { LlmCallGuard, LlmCallReport, LlmPermit } from "./llm-call-guard.js";
export { OPEN_GUARD } from "./llm-call-guard.js";
// `closer llm check`
export type { LlmCheckOptions, LlmCheckResult } from "./llm-check.js";
export { checkLlm } from "./llm-check.js";
export type {
  LlmClient,
  LlmFailureReason,
  LlmMessage,
  LlmPurpose,
  LlmRequest,
  LlmUsage,
} from "./llm-client.js";
export { LlmError } from "./llm-client.js";
// the guard
export type { LlmGovernorConfig, LlmGovernorSettings } from "./llm-governor.js";
export { LlmGovernor, llmCallCost, llmGovernorFromSettings } from "./llm-governor.js";
// adapters
export type { LlmClientOptions, LlmSettings } from "./llm-registry.js";
export { createLlmClient, createServingLlm, llmEndpointOf } from "./llm-registry.js";
export type { OpenAiLlmConfig } from "./openai-llm-client.js";
export { createOpenAiLlmClient } from "./openai-llm-client.js";
export type { ScriptedAnswer } from "./scripted-llm-client.js";
export { ScriptedLlmClient } from "./scripted-llm-client.js";
export type { StructuredOutputMode } from "./structured-output.js";
export { STRUCTURED_OUTPUT_MODES, StructuredOutputModes } from "./structured-output.js";
