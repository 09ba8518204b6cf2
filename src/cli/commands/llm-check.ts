/**
 * `closer llm check [--json]`: sends one probe reply to the configured LLM and
 * prints what it found: reachable, model, the structured-output mode that
 * works, whether reasoning (think blocks) came back, latency, tokens, and the
 * estimated cost per 1,000 replies. Exit 1 when the model cannot write a valid
 * reply (or no LLM is configured).
 * @module
 */
import { resolve } from "node:path";
import { loadConfig, withDotEnv } from "../../config.js";
import { checkLlm, type LlmCheckResult } from "../../engine/index.js";
import type { Command } from "../command.js";
import { parseCommandArgs, runCommand, wantsHelp } from "./cli-context.js";

const USAGE = "closer llm check [--json]";
const HELP = `${USAGE}
— send one probe reply to the configured LLM and say what works

Uses LLM_BASE_URL, LLM_MODEL, LLM_API_KEY and the other LLM_* settings, the way
'closer serve' does: it tries response_format json_schema, then json_object,
then instructions only, reads the answer past any <think> block, and retries
429 and 5xx within LLM_TIMEOUT_MS. The cost uses LLM_PRICE_PER_MTOK_IN / _OUT.

  --json   print the result as JSON

Exit status: 0 the model wrote a valid reply, 1 it could not (or no LLM is configured), 2 unexpected.`;

/** The `llm check` command. */
export const llmCheckCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "llm check", USAGE, async () => {
    const { values } = parseCommandArgs(argv, { json: { type: "boolean" } });
    const config = loadConfig(withDotEnv(io.env, resolve(io.cwd, ".env")));
    const result = await checkLlm(config, {
      timeoutMs: config.LLM_TIMEOUT_MS,
      pricePerMTokIn: config.LLM_PRICE_PER_MTOK_IN,
      pricePerMTokOut: config.LLM_PRICE_PER_MTOK_OUT,
    });
    if (result === null) {
      io.err("closer llm check: no LLM is configured (set LLM_BASE_URL and LLM_MODEL; see README, 'LLM providers').");
      return 1;
    }
    if (values.json === true) io.out(JSON.stringify(result, null, 2));
    else io.out(formatCheck(result, config.LLM_PRICE_PER_MTOK_IN + config.LLM_PRICE_PER_MTOK_OUT > 0));
    return result.ok ? 0 : 1;
  });
};

/** The human-readable report. */
export function formatCheck(r: LlmCheckResult, priced: boolean): string {
  const rows: [string, string][] = [
    [
      "endpoint",
      `${r.baseUrl} (${r.reachable === true ? "reachable" : r.reachable === false ? "not reachable" : "no answer in time"})`,
    ],
    ["model", r.model],
    ["structured output", r.mode === null ? "—" : MODE_TEXT[r.mode]],
    ["think blocks", r.thinkSeen ? "seen (dropped before use; never sent, logged or stored)" : "none"],
    [
      "latency",
      `${Math.round(r.latencyMs)} ms${r.retries > 0 ? ` (${r.retries} retr${r.retries === 1 ? "y" : "ies"})` : ""}`,
    ],
    ["tokens", `${r.tokensIn} in, ${r.tokensOut} out`],
    [
      "cost per 1,000 replies",
      priced
        ? `$${r.costPer1000RepliesUsd.toFixed(2)} (estimated from this probe)`
        : "unknown (set LLM_PRICE_PER_MTOK_IN and _OUT)",
    ],
  ];
  const lines = rows.map(([label, value]) => `${`${label}:`.padEnd(24)}${value}`);
  if (r.ok) lines.push("", `OK: the model wrote a valid reply: ${JSON.stringify(r.reply)}`);
  else lines.push("", `FAILED (${r.failure?.reason}): ${r.failure?.message}`, hintFor(r));
  return lines.join("\n");
}

const MODE_TEXT = {
  json_schema: "json_schema (response_format with the schema)",
  json_object: "json_object (the endpoint refused json_schema; schema in the instructions)",
  instructions: "instructions only (the endpoint refused response_format)",
} as const;

function hintFor(r: LlmCheckResult): string {
  switch (r.failure?.reason) {
    case "unreachable":
      return "Check LLM_BASE_URL (it usually ends in /v1) and that the server is running.";
    case "timeout":
      return "Raise LLM_TIMEOUT_MS, or pick a faster model; reasoning models may need LLM_MAX_TOKENS room too.";
    case "refused":
      return "The endpoint refused the request: check LLM_API_KEY, LLM_MODEL, LLM_MAX_TOKENS_PARAM and LLM_EXTRA_BODY.";
    case "empty_answer":
      return 'Only reasoning came back: raise LLM_MAX_TOKENS, or ask the provider to split reasoning (MiniMax: LLM_EXTRA_BODY={"reasoning_split":true}).';
    default:
      return "The model's answer could not be used as a reply; try another model.";
  }
}
