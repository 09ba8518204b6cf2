/**
 * The calls the LLM conformance suite makes: the reply, a per-turn analysis and
 * a weekly reflection, each with a schema and the answer a good model gives.
 * The analysis and reflection schemas here are shaped like the real ones; when
 * those land, add (or replace) an entry with the real schema and a valid answer,
 * and every answer style runs against it.
 */
import { z } from "zod";
import type { LlmPurpose } from "../../../../src/engine/index.js";
import { replyAnswerSchema } from "../../../../src/engine/llm/reply-prompt.js";

/** One kind of call. */
export interface CallKind {
  name: string;
  purpose: LlmPurpose;
  schema: z.ZodType<unknown>;
  schemaName: string;
  system: string;
  /** What a well-behaved model answers (valid for `schema`). */
  answer: unknown;
}

const analysisSchema = z.object({
  intent: z.enum(["greeting", "question", "price", "objection", "purchase", "other"]),
  stageSignal: z.enum(["stay", "advance", "won", "lost"]),
  sentiment: z.number().min(-1).max(1),
  interests: z.array(z.string()),
  concerns: z.array(z.string()),
});

const reflectionSchema = z.object({
  proposals: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]+$/),
        stage: z.string(),
        parents: z.array(z.string()).min(1),
        rationale: z.string().min(10),
        tone: z.string(),
        templates: z.array(z.string().min(1)).min(1),
      }),
    )
    .min(1)
    .max(3),
});

/** Every call kind the suite runs. */
export const CALL_KINDS: readonly CallKind[] = [
  {
    name: "reply",
    purpose: "reply",
    schema: replyAnswerSchema,
    schemaName: "reply",
    system: "You are the shop's assistant. Write the next reply.",
    answer: { reply: "Hi Ana! The Dutch oven is $129.00 and ships tomorrow. Shall I reserve one?" },
  },
  {
    name: "per-turn analysis",
    purpose: "analysis",
    schema: analysisSchema,
    schemaName: "turn_analysis",
    system: "Classify the customer's last message.",
    answer: {
      intent: "price",
      stageSignal: "advance",
      sentiment: 0.4,
      interests: ["dutch oven"],
      concerns: ["shipping time"],
    },
  },
  {
    name: "weekly reflection",
    purpose: "reflection",
    schema: reflectionSchema,
    schemaName: "reflection",
    system: "Propose new variants for the stage from these statistics and transcripts.",
    answer: {
      proposals: [
        {
          id: "closing-honest-stock",
          stage: "closing",
          parents: ["closing-urgency@2"],
          rationale: "Won chats named real stock {and} the offer's end; lost ones were pushed.",
          tone: "calm, honest",
          templates: ["Only {{stock}} left, and the offer ends {{offerEnds}}. Shall I reserve one?"],
        },
      ],
    },
  },
];
