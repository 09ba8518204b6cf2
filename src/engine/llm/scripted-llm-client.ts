/**
 * An in-memory LLM for tests and demos: answers from a script, records requests.
 * @module
 */

import { parseAnswer } from "./answer-parser.js";
import { type LlmClient, LlmError, type LlmRequest } from "./llm-client.js";

/** One scripted answer: raw text the "model" returns, or an error to throw. */
export type ScriptedAnswer = string | LlmError | ((request: LlmRequest<unknown>) => string);

/** An LLM client that plays back `answers` in order (the last one repeats). */
export class ScriptedLlmClient implements LlmClient {
  readonly model = "scripted";
  readonly requests: LlmRequest<unknown>[] = [];
  readonly #answers: ScriptedAnswer[];

  constructor(answers: ScriptedAnswer[]) {
    if (answers.length === 0) throw new Error("a scripted LLM needs at least one answer");
    this.#answers = answers;
  }

  async completeJson<T>(request: LlmRequest<T>): Promise<T> {
    this.requests.push(request as LlmRequest<unknown>);
    const answer = this.#answers[Math.min(this.requests.length - 1, this.#answers.length - 1)] as ScriptedAnswer;
    if (answer instanceof LlmError) throw answer;
    const text = typeof answer === "function" ? answer(request as LlmRequest<unknown>) : answer;
    return parseAnswer(text, request.schema);
  }
}
