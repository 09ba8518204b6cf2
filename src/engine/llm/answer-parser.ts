/**
 * Reading a model's answer the way real models write it: reasoning models put a
 * `<think>…</think>` block (sometimes without its opening or closing tag) before
 * the JSON, others fence it in Markdown or wrap it in a sentence, and some damage
 * it slightly (trailing commas, single quotes). The reasoning is dropped here and
 * goes nowhere else; the JSON is found, repaired when the damage is trivial, and
 * validated with the request's zod schema. Pure.
 * @module
 */
import { jsonrepair } from "jsonrepair";
import type { z } from "zod";
import { LlmError } from "./llm-client.js";

/** A validated answer and what was seen on the way. */
export interface ParsedAnswer<T> {
  value: T;
  /** True when the content carried reasoning (a think block) that was dropped. */
  thinkSeen: boolean;
}

const THINK_BLOCK = /<think(?:ing)?>[\s\S]*?<\/think(?:ing)?>/gi;
const CLOSING_THINK = /<\/think(?:ing)?>/i;
const OPENING_THINK = /^\s*<think(?:ing)?>/i;
const FENCED_BLOCK = /```[a-zA-Z]*\s*\n?([\s\S]*?)```/g;

/**
 * Finds the JSON in `content`, validates it with `schema` and returns it.
 * @throws LlmError `llm_failed` with reason `empty_answer`, `not_json` or `schema_mismatch`.
 */
export function parseAnswer<T>(content: string | null | undefined, schema: z.ZodType<T>): T {
  return parseAnswerDetailed(content, schema).value;
}

/** Like {@link parseAnswer}, also telling whether reasoning was dropped. */
export function parseAnswerDetailed<T>(content: string | null | undefined, schema: z.ZodType<T>): ParsedAnswer<T> {
  const { text, thinkSeen } = stripReasoning(content ?? "");
  if (text.trim() === "") {
    throw new LlmError("llm_failed", "the model returned no answer (only reasoning, or nothing)", {
      reason: "empty_answer",
    });
  }
  let firstMismatch: string | null = null;
  for (const candidate of jsonCandidates(text)) {
    const json = parseLeniently(candidate);
    if (json === undefined) continue;
    const result = schema.safeParse(json);
    if (result.success) return { value: result.data, thinkSeen };
    firstMismatch ??= result.error.issues[0]?.message ?? "?";
  }
  if (firstMismatch !== null) {
    throw new LlmError("llm_failed", `the model's answer does not fit the schema: ${firstMismatch}`, {
      reason: "schema_mismatch",
    });
  }
  throw new LlmError("llm_failed", "the model's answer holds no JSON object", { reason: "not_json" });
}

/** Drops reasoning: whole think blocks, a leading one whose opening or closing tag is missing. */
export function stripReasoning(content: string): { text: string; thinkSeen: boolean } {
  let text = content.replace(THINK_BLOCK, "");
  let thinkSeen = text !== content;
  const closing = CLOSING_THINK.exec(text);
  if (closing !== null) {
    // The template opened the block in the prompt, so only its end is in the answer.
    text = text.slice(closing.index + closing[0].length);
    thinkSeen = true;
  } else if (OPENING_THINK.test(text)) {
    // Never closed (cut off, or a model that forgets): the JSON, if any, is found inside.
    text = text.replace(OPENING_THINK, "");
    thinkSeen = true;
  }
  return { text, thinkSeen };
}

/** Texts that may be the JSON, most likely first: the whole text, fenced blocks, balanced objects. */
function* jsonCandidates(text: string): Generator<string> {
  const trimmed = text.trim();
  if (trimmed.startsWith("{")) yield trimmed;
  for (const match of trimmed.matchAll(FENCED_BLOCK)) yield (match[1] ?? "").trim();
  yield* balancedObjects(trimmed);
}

/** Every top-level `{…}` span whose braces balance (braces inside double-quoted strings ignored). */
function* balancedObjects(text: string): Generator<string> {
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"' && depth > 0) inString = true;
    else if (ch === "{") {
      if (depth === 0) start = i;
      depth++;
    } else if (ch === "}" && depth > 0) {
      depth--;
      if (depth === 0) yield text.slice(start, i + 1);
    }
  }
}

/**
 * JSON.parse, then a repair of trivial damage (trailing commas, single quotes, comments) for a
 * complete object; undefined when neither works. A cut-off object is not completed: its text would be too.
 */
function parseLeniently(candidate: string): unknown {
  if (!candidate.startsWith("{")) return undefined;
  try {
    return JSON.parse(candidate);
  } catch {
    if (balancedObjects(candidate).next().value !== candidate) return undefined;
    try {
      return JSON.parse(jsonrepair(candidate));
    } catch {
      return undefined;
    }
  }
}
