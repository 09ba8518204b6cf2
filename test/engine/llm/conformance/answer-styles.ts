/**
 * The ways real endpoints answer, as the fake OpenAI-compatible server plays
 * them: what each model family writes around its JSON, and what the endpoint
 * does at the HTTP level. Each style says what the port must make of it.
 */
import type { LlmFailureReason, StructuredOutputMode } from "../../../../src/engine/index.js";
import type { FakeOpenAi } from "../../../support/fake-openai.js";

/** Reasoning text that must never reach a reply, a log line or the database. */
export const REASONING_SENTINEL = "SECRET-REASONING-7731";

/** What the port must do with a style. */
export type StyleExpectation =
  | {
      used: true;
      /** True when reasoning came back (and was dropped). */
      thinkSeen: boolean;
      /** The structured-output mode that ends up in use. */
      mode: StructuredOutputMode;
      /** Waits between attempts, ms (Retry-After honoured). */
      waitsMs: readonly number[];
    }
  | { used: false; reason: LlmFailureReason };

/** One answer style. */
export interface AnswerStyle {
  name: string;
  /** The assistant content for an answer `json`, when the style is only about the content. */
  content?: (json: string) => string;
  /** Sets the fake server up (default: always answer `content(json)`). */
  arrange?: (fake: FakeOpenAi, json: string) => void;
  /** Deadline of the call, ms on the test clock (default 5 000). */
  timeoutMs?: number;
  expect: StyleExpectation;
}

const used = (over: Partial<Extract<StyleExpectation, { used: true }>> = {}): StyleExpectation => ({
  used: true,
  thinkSeen: false,
  mode: "json_schema",
  waitsMs: [],
  ...over,
});

/** Every style the suite runs: the six the model's answer must survive, then the failures. */
export const ANSWER_STYLES: readonly AnswerStyle[] = [
  { name: "plain JSON", content: (json) => json, expect: used() },
  {
    name: "a <think> block before the JSON (MiniMax-M2, Qwen3)",
    content: (json) => `<think>\n${REASONING_SENTINEL}: the customer asks {price}; keep it short.\n</think>\n\n${json}`,
    expect: used({ thinkSeen: true }),
  },
  {
    name: "reasoning whose <think> opening the chat template swallowed (DeepSeek-R1 on vLLM)",
    content: (json) => `${REASONING_SENTINEL}, so I answer with JSON.\n</think>\n${json}`,
    expect: used({ thinkSeen: true }),
  },
  {
    name: "a <think> block never closed before the JSON",
    content: (json) => `<think>${REASONING_SENTINEL} I will answer now.\n${json}`,
    expect: used({ thinkSeen: true }),
  },
  { name: "a fenced ```json block", content: (json) => `\`\`\`json\n${json}\n\`\`\``, expect: used() },
  {
    name: "JSON wrapped in prose",
    content: (json) => `Sure! Here is the JSON: ${json} Let me know if you need anything else.`,
    expect: used(),
  },
  {
    name: "JSON with trivial damage (trailing comma)",
    content: (json) => `${json.slice(0, -1)},}`,
    expect: used(),
  },
  {
    name: "reasoning_content beside the content (DeepSeek, vLLM reasoning parser)",
    arrange: (fake, json) =>
      fake.always({ kind: "content", content: json, reasoningContent: `${REASONING_SENTINEL} thinking…` }),
    expect: used({ thinkSeen: true }),
  },
  {
    name: "400 on response_format json_schema (json_object accepted)",
    arrange: (fake, json) => {
      fake.responseFormats = ["json_object", "none"];
      fake.always({ kind: "content", content: json });
    },
    expect: used({ mode: "json_object" }),
  },
  {
    name: "400 on any response_format (instructions only)",
    arrange: (fake, json) => {
      fake.responseFormats = ["none"];
      fake.always({ kind: "content", content: json });
    },
    expect: used({ mode: "instructions" }),
  },
  {
    name: "429 with Retry-After, then success",
    arrange: (fake, json) => {
      fake.script({ kind: "error", status: 429, headers: { "retry-after": "1" }, message: "Rate limit reached" });
      fake.always({ kind: "content", content: json });
    },
    expect: used({ waitsMs: [1_000] }),
  },
  {
    name: "slow beyond the deadline",
    arrange: (fake, json) => fake.always({ kind: "stall", ms: 2_000, content: json }),
    timeoutMs: 150,
    expect: { used: false, reason: "timeout" },
  },
  {
    name: "429 asking for a wait past the deadline",
    arrange: (fake, json) => {
      fake.script({ kind: "error", status: 429, headers: { "retry-after": "30" } });
      fake.always({ kind: "content", content: json });
    },
    expect: { used: false, reason: "rate_limited" },
  },
  {
    name: "malformed: cut off mid-answer",
    content: (json) => json.slice(0, Math.floor(json.length / 2)),
    expect: { used: false, reason: "not_json" },
  },
  {
    name: "malformed: JSON of another shape",
    content: () => '{"answer": 42}',
    expect: { used: false, reason: "schema_mismatch" },
  },
  {
    name: "only reasoning, no answer",
    content: () => `<think>${REASONING_SENTINEL}</think>`,
    expect: { used: false, reason: "empty_answer" },
  },
];
