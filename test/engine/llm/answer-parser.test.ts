import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseAnswerDetailed, stripReasoning } from "../../../src/engine/llm/answer-parser.js";

const schema = z.object({ reply: z.string() });

describe("reading a model's answer", () => {
  it("skips objects in the prose that do not fit the schema and takes the one that does", () => {
    const content = 'I considered {"draft": 1} first. Final: {"reply": "Hi {there}"}';
    expect(parseAnswerDetailed(content, schema)).toEqual({ value: { reply: "Hi {there}" }, thinkSeen: false });
  });

  it("drops every think block, including <thinking> and ones in the middle", () => {
    const { text, thinkSeen } = stripReasoning('<thinking>a</thinking>{"reply":"x"}<think>b</think>');
    expect(text).toBe('{"reply":"x"}');
    expect(thinkSeen).toBe(true);
  });

  it("repairs single quotes and trailing commas, but does not complete a cut-off answer", () => {
    expect(parseAnswerDetailed("{'reply': 'Hola',}", schema).value).toEqual({ reply: "Hola" });
    expect(() => parseAnswerDetailed('{"reply": "Hola, we have', schema)).toThrow(
      expect.objectContaining({ reason: "not_json" }),
    );
  });

  it("says the answer was empty when only reasoning came back", () => {
    expect(() => parseAnswerDetailed("<think>hmm</think>\n", schema)).toThrow(
      expect.objectContaining({ reason: "empty_answer" }),
    );
    expect(() => parseAnswerDetailed(null, schema)).toThrow(expect.objectContaining({ reason: "empty_answer" }));
  });
});
