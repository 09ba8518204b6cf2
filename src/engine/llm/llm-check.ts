/**
 * `closer llm check`'s probe: one reply-shaped call to the configured endpoint,
 * through the same adapter the service uses (negotiation, answer reading,
 * retries), learning from scratch which structured-output mode works. Returns
 * what was found; the caller prints it.
 * @module
 */
import { parseProfile } from "../customer-profile.js";
import type { LlmCallReport } from "./llm-call-guard.js";
import { LlmError, type LlmFailureReason } from "./llm-client.js";
import { llmCallCost } from "./llm-governor.js";
import { createLlmClient, type LlmSettings, llmEndpointOf } from "./llm-registry.js";
import { buildReplyPrompt, REPLY_ANSWER_JSON_SCHEMA, replyAnswerSchema } from "./reply-prompt.js";
import { type StructuredOutputMode, StructuredOutputModes } from "./structured-output.js";

/** What the probe found. */
export interface LlmCheckResult {
  baseUrl: string;
  model: string;
  /** True when the model wrote a valid reply. */
  ok: boolean;
  /** True when the endpoint answered over HTTP; false when unreachable; null when it did not answer in time. */
  reachable: boolean | null;
  /** The structured-output mode that worked (or was last tried). */
  mode: StructuredOutputMode | null;
  /** True when the model returned reasoning (think block or reasoning field); it was dropped. */
  thinkSeen: boolean;
  latencyMs: number;
  tokensIn: number;
  tokensOut: number;
  retries: number;
  /** US dollars per 1,000 replies like the probe (LLM_PRICE_PER_MTOK_IN / _OUT). */
  costPer1000RepliesUsd: number;
  /** The probe's reply (a made-up customer, no personal data). */
  reply: string | null;
  failure: { reason: LlmFailureReason; message: string } | null;
}

/** What the probe needs besides the endpoint. */
export interface LlmCheckOptions {
  timeoutMs: number;
  pricePerMTokIn: number;
  pricePerMTokOut: number;
}

/**
 * Sends the probe; never throws for a failing model (that is in the result).
 * @throws CloserError `config_invalid` when no LLM is configured, or only half of it.
 */
export async function checkLlm(settings: LlmSettings, options: LlmCheckOptions): Promise<LlmCheckResult | null> {
  const endpoint = llmEndpointOf(settings);
  if (endpoint === undefined) return null;
  let heard: LlmCallReport | null = null;
  const llm = createLlmClient(settings, undefined, {
    guard: {
      async admit() {
        return {
          finish(report) {
            heard = report;
          },
        };
      },
    },
    modes: new StructuredOutputModes(),
  });
  let reply: string | null = null;
  let failure: LlmCheckResult["failure"] = null;
  try {
    const answer = await llm?.completeJson({
      ...PROBE,
      schema: replyAnswerSchema,
      jsonSchema: REPLY_ANSWER_JSON_SCHEMA,
      schemaName: "reply",
      timeoutMs: options.timeoutMs,
      purpose: "check",
    });
    reply = answer?.reply ?? null;
  } catch (error) {
    const reason = error instanceof LlmError ? error.reason : "other";
    failure = { reason, message: error instanceof Error ? error.message : String(error) };
  }
  const report = heard as LlmCallReport | null;
  const tokensIn = report?.tokensIn ?? 0;
  const tokensOut = report?.tokensOut ?? 0;
  return {
    ...endpoint,
    ok: reply !== null,
    reachable: failure?.reason === "unreachable" ? false : failure?.reason === "timeout" ? null : true,
    mode: report?.mode ?? null,
    thinkSeen: report?.thinkSeen ?? false,
    latencyMs: report?.latencyMs ?? 0,
    tokensIn,
    tokensOut,
    retries: report?.retries ?? 0,
    costPer1000RepliesUsd:
      1_000 * llmCallCost(tokensIn, tokensOut, { in: options.pricePerMTokIn, out: options.pricePerMTokOut }),
    reply,
    failure,
  };
}

/** A reply prompt the size of a real one: a strategy, catalog facts, a profile, a short transcript. */
const PROBE = buildReplyPrompt({
  brief: {
    shopName: "Hearth & Table",
    stage: "intent",
    stageGoal: "uncover the need and show the product that fits",
    variantDescription: "direct and concrete",
    tone: "friendly, concrete",
    goals: ["name the product that fits", "give the real price", "ask one question"],
    avoid: ["vagueness", "invented discounts"],
    instructions: "Recommend one product from the facts and ask what they will cook.",
    forbiddenPhrases: ["last chance"],
    maxDiscountPercent: 10,
    catalogFacts: [
      "Enameled Cast Iron Dutch Oven (5.5 qt): $129.00, 12 in stock",
      "Carbon Steel Skillet (10 in): $59.00, 30 in stock",
      "Offer: 10% off Dutch ovens until Sunday",
      "Shipping: free over $75, 2-4 business days",
      "Returns: 30 days, free",
    ],
  },
  customerName: "Sam",
  profile: parseProfile({ interests: ["dutch oven"], concerns: ["price"], trustLevel: 5 }),
  transcript: [
    { author: "customer", text: "Hi! Do you have a Dutch oven for a family of four?" },
    { author: "bot", text: "Hi Sam! Yes, we do. How do you like to cook?" },
    { author: "customer", text: "Mostly stews and bread. How much is it?" },
  ],
  draft: "For stews and bread the 5.5 qt Dutch Oven fits best: $129.00, and 10% off until Sunday.",
});
