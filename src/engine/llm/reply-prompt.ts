/**
 * The prompt for an LLM reply: the assigned variant's strategy and rules, the
 * stage's goal, the customer's profile, the recent transcript and the catalog
 * facts go in; the variant's template reply is the draft. Pure.
 * @module
 */
import { z } from "zod";
import type { Profile } from "../customer-profile.js";
import type { LlmMessage } from "./llm-client.js";

/** The structured answer: the reply to send. */
export const replyAnswerSchema = z.object({
  /** The WhatsApp message to send, plain text. */
  reply: z.string().trim().min(1).max(1500),
});

/** What the model is told about the strategy. */
export interface ReplyBrief {
  shopName: string;
  stage: string;
  stageGoal: string;
  variantDescription: string;
  tone: string;
  goals: string[];
  avoid: string[];
  instructions: string;
  forbiddenPhrases: string[];
  maxDiscountPercent: number | null;
  /** One line per fact the reply may use: products, prices, stock, running offers, shipping, returns. */
  catalogFacts: string[];
}

/** A transcript line for the prompt. */
export interface PromptTurn {
  author: "customer" | "bot" | "human";
  text: string;
}

/** Most transcript turns sent to the model. */
export const PROMPT_TURNS_MAX = 12;

/** Builds the system prompt and messages. */
export function buildReplyPrompt(input: {
  brief: ReplyBrief;
  customerName: string | null;
  profile: Profile;
  transcript: readonly PromptTurn[];
  draft: string;
}): { system: string; messages: LlmMessage[] } {
  const { brief, profile } = input;
  const system = [
    `You are the WhatsApp sales assistant of ${brief.shopName}. Write the next reply to the customer.`,
    `Stage: ${brief.stage}. Goal of this stage: ${brief.stageGoal}`,
    `Strategy (${brief.variantDescription.trim()}): tone ${brief.tone}.`,
    `Goals: ${brief.goals.join("; ")}.`,
    `Never: ${brief.avoid.join("; ")}.`,
    brief.instructions.trim(),
    "Rules you must keep:",
    "- Use only the facts below for prices, discounts, stock and deadlines; never invent or round them.",
    brief.maxDiscountPercent === null ? "" : `- Never state a discount above ${brief.maxDiscountPercent}%.`,
    brief.forbiddenPhrases.length === 0 ? "" : `- Never use these phrases: ${brief.forbiddenPhrases.join(", ")}.`,
    "- Plain text for WhatsApp: short, friendly, no Markdown headings, at most one question.",
    "- Answer in the customer's language.",
    "Catalog facts:",
    ...brief.catalogFacts.map((f) => `- ${f}`),
    "What we know about the customer:",
    `- name: ${input.customerName ?? "unknown"}; interests: ${profile.interests.join(", ") || "none yet"}; concerns: ${profile.concerns.join(", ") || "none yet"}`,
    `- trust ${profile.trustLevel}/10; recommended approach: ${profile.recommendedApproach}`,
    `A draft reply that follows the strategy (improve it for this conversation, keep its facts): ${input.draft}`,
    'Answer with JSON: {"reply": "<the message>"}.',
  ]
    .filter((line) => line !== "")
    .join("\n");
  const messages: LlmMessage[] = input.transcript.slice(-PROMPT_TURNS_MAX).map((t) => ({
    role: t.author === "customer" ? "user" : "assistant",
    content: t.text,
  }));
  if (messages.length === 0 || messages.at(-1)?.role !== "user") {
    messages.push({ role: "user", content: "(the customer's last message is above)" });
  }
  return { system, messages };
}
