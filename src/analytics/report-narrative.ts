/**
 * The narrative summary of a weekly report, written by the LLM from the report's
 * JSON when one is configured. The model may not invent a figure: every number
 * in its text must appear in the JSON (as is, rounded, or as a percentage of a
 * rate); otherwise the narrative is dropped and the reason recorded.
 * @module
 */
import { z } from "zod";
import type { ReportFigures } from "./next-actions.js";
import type { Narrative, NextAction } from "./weekly-report-schema.js";

/**
 * The part of the LLM port the narrative uses (the engine's `LlmClient`
 * satisfies it): one JSON answer checked by a zod schema.
 */
export interface NarrativeLlm {
  completeJson<T>(request: {
    system: string;
    messages: { role: "user" | "assistant"; content: string }[];
    schema: z.ZodType<T>;
    schemaName: string;
    timeoutMs: number;
    /** Usage accounting: always `report` here. */
    purpose?: "report";
  }): Promise<T>;
}

/** What the model must answer. */
export const narrativeAnswerSchema = z.strictObject({
  summary: z.string().trim().min(1).max(2000),
});

/** Default time the model gets, ms. */
export const NARRATIVE_TIMEOUT_MS = 20_000;

const SYSTEM = `You write the summary of a shop's weekly WhatsApp sales report for the shop owner.
Write 3 to 6 plain sentences: how sales and the funnel went against the week before, which reply
strategy is winning, how the service did, and the most important next step. Use only numbers that
appear in the JSON you are given (you may show a rate like 0.25 as 25%); never compute or invent one.
Answer with JSON: {"summary": "..."}.`;

/** Asks the model for the narrative and checks its numbers; never throws. */
export async function writeNarrative(
  llm: NarrativeLlm | undefined,
  figures: ReportFigures,
  actions: readonly NextAction[],
  timeoutMs = NARRATIVE_TIMEOUT_MS,
): Promise<Narrative> {
  if (llm === undefined) return { status: "not_configured", text: null, reason: null };
  const source = { ...figures, nextActions: actions };
  let summary: string;
  try {
    const answer = await llm.completeJson({
      system: SYSTEM,
      messages: [{ role: "user", content: JSON.stringify(source) }],
      schema: narrativeAnswerSchema,
      schemaName: "weekly_report_summary",
      timeoutMs,
      purpose: "report",
    });
    summary = answer.summary;
  } catch (error) {
    return { status: "failed", text: null, reason: error instanceof Error ? error.message : String(error) };
  }
  const unknown = numbersNotIn(summary, source);
  if (unknown.length > 0) {
    return {
      status: "dropped",
      text: null,
      reason: `the summary named numbers the report does not hold: ${unknown.join(", ")}`,
    };
  }
  return { status: "written", text: summary, reason: null };
}

/**
 * The numbers written in `text` that do not appear in `source`: a written
 * number matches a number of the JSON when it equals it rounded to the written
 * decimals, or equals it × 100 so rounded (a rate as a percentage). Strings of
 * the JSON that carry digits (arm names like `reserve-now@2`, dates, or the
 * date part of a time) are taken out of the text first, so their digits never
 * vouch for a figure written elsewhere.
 */
export function numbersNotIn(text: string, source: unknown): string[] {
  const values: number[] = [];
  const strings = new Set<string>();
  collect(source, values, strings);
  let rest = text;
  for (const known of [...strings].sort((a, b) => b.length - a.length)) rest = rest.replaceAll(known, " ");
  const out: string[] = [];
  for (const match of rest.matchAll(/\d[\d,]*(?:\.\d+)?/g)) {
    const written = match[0].replace(/,(?=\d{3}\b)/g, "").replace(/,$/, "");
    const number = Number(written);
    const decimals = written.includes(".") ? (written.split(".")[1]?.length ?? 0) : 0;
    const round = (v: number) => Number(v.toFixed(decimals));
    const known = values.some((v) => round(Math.abs(v)) === number || round(Math.abs(v) * 100) === number);
    if (!known) out.push(written);
  }
  return [...new Set(out)];
}

/** Gathers the JSON's numbers, and its strings that hold digits (with the date of each ISO time). */
function collect(value: unknown, numbers: number[], strings: Set<string>): void {
  if (typeof value === "number") numbers.push(value);
  else if (typeof value === "string") {
    if (!/\d/.test(value)) return;
    strings.add(value);
    if (/^\d{4}-\d{2}-\d{2}T/.test(value)) strings.add(value.slice(0, 10));
  } else if (Array.isArray(value)) for (const item of value) collect(item, numbers, strings);
  else if (typeof value === "object" && value !== null)
    for (const v of Object.values(value)) collect(v, numbers, strings);
}
