/**
 * Structured-output negotiation. Endpoints differ in what `response_format`
 * they accept: OpenAI takes `json_schema`, many OpenAI-compatible servers only
 * `json_object`, some reject the field outright. We try the strictest first and
 * step down when the endpoint refuses (a 400 or 422 naming the field),
 * remembering the mode that works per endpoint and model for the life of the
 * process. Below `json_schema` the schema goes into the instructions.
 * @module
 */

/** How the answer's shape is asked for, strictest first. */
export const STRUCTURED_OUTPUT_MODES = ["json_schema", "json_object", "instructions"] as const;

/** One way of asking for JSON. */
export type StructuredOutputMode = (typeof STRUCTURED_OUTPUT_MODES)[number];

/** The mode in use per endpoint and model; starts at `json_schema`. */
export class StructuredOutputModes {
  readonly #modes = new Map<string, StructuredOutputMode>();
  readonly #confirmed = new Set<string>();

  /** The mode to try for `key` (endpoint and model). */
  get(key: string): StructuredOutputMode {
    return this.#modes.get(key) ?? "json_schema";
  }

  /** Steps `key` down from `from`; the next mode, or null when instructions were refused too. */
  downgrade(key: string, from: StructuredOutputMode): StructuredOutputMode | null {
    const next = STRUCTURED_OUTPUT_MODES[STRUCTURED_OUTPUT_MODES.indexOf(from) + 1];
    if (next === undefined) return null;
    this.#modes.set(key, next);
    return next;
  }

  /** Records that the current mode of `key` worked; true the first time (the moment to log it). */
  confirm(key: string): boolean {
    if (this.#confirmed.has(key)) return false;
    this.#confirmed.add(key);
    return true;
  }
}

/** The modes this process has learned (shared by every client of the same endpoint and model). */
export const processStructuredOutputModes = new StructuredOutputModes();

/** The `response_format` to send in `mode` (none for `instructions`). */
export function responseFormatFor(
  mode: StructuredOutputMode,
  schemaName: string,
  jsonSchema: Record<string, unknown>,
): Record<string, unknown> | undefined {
  if (mode === "json_schema") {
    return { type: "json_schema", json_schema: { name: schemaName, schema: jsonSchema, strict: true } };
  }
  if (mode === "json_object") return { type: "json_object" };
  return undefined;
}

/** The system prompt for `mode`: below `json_schema` it carries the schema and asks for JSON only. */
export function systemPromptFor(
  system: string,
  mode: StructuredOutputMode,
  jsonSchema: Record<string, unknown>,
): string {
  if (mode === "json_schema") return system;
  return `${system}\n\nAnswer with one JSON object and nothing else (no Markdown, no explanation). It must match this JSON schema:\n${JSON.stringify(jsonSchema)}`;
}

/** True when an HTTP error says the endpoint does not accept the `response_format` we sent. */
export function refusesResponseFormat(status: number, body: string): boolean {
  return (status === 400 || status === 422) && /response_format|json_schema|json_object|structured/i.test(body);
}
