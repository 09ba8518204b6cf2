/**
 * A variant file for unit tests, as YAML text, and its parsed value.
 * @module
 */
import { parse } from "yaml";
import { type Variant, variantFileSchema } from "../../src/strategies/variant-schema.js";

/** A complete variant file. */
export const VARIANT_YAML = `id: reserve-now
stage: closing
version: 2
status: active
description: Offers to reserve.
strategy:
  tone: calm
  goals: [reserve]
  avoid: [pressure]
templates:
  default: Shall I reserve it?
  order_question: Send me your address.
llm_instructions: Be honest.
guardrails:
  forbidden_phrases: [act now, "/last\\\\s+chance/"]
  max_discount_percent: 10
`;

/** Parses variant YAML text with the variant schema (throws when invalid). */
export function parseVariant(text: string): Variant {
  return variantFileSchema.parse(parse(text));
}
