import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createOpenAiLlmClient, StructuredOutputModes } from "../../../src/engine/index.js";
import { replyAnswerSchema } from "../../../src/engine/llm/reply-prompt.js";
import { FakeOpenAi } from "../../support/fake-openai.js";

const REQUEST = {
  system: "Write the reply.",
  messages: [{ role: "user" as const, content: "Hi" }],
  schema: replyAnswerSchema,
  schemaName: "reply",
  timeoutMs: 5_000,
};

describe("the OpenAI-compatible adapter's request", () => {
  let fake: FakeOpenAi;
  beforeAll(async () => {
    fake = await FakeOpenAi.start({ apiKey: "sk-test", model: "MiniMax-M2" });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(() => {
    fake.reset();
  });

  function client(over: Partial<Parameters<typeof createOpenAiLlmClient>[0]> = {}) {
    return createOpenAiLlmClient({
      baseUrl: fake.baseUrl,
      apiKey: "sk-test",
      model: "MiniMax-M2",
      modes: new StructuredOutputModes(),
      ...over,
    });
  }

  it("sends the output cap under the name the provider wants, and the provider's extras", async () => {
    await client({
      maxTokensParam: "max_completion_tokens",
      maxTokens: 4096,
      extraBody: { reasoning_split: true, temperature: null, model: "not-this-one" },
    }).completeJson(REQUEST);
    const body = fake.requests[0]?.body ?? {};
    expect(body["max_completion_tokens"]).toBe(4096);
    expect(body).not.toHaveProperty("max_tokens");
    expect(body["reasoning_split"]).toBe(true);
    // A null extra removes Closer's field; the model and messages always stay Closer's.
    expect(body).not.toHaveProperty("temperature");
    expect(body.model).toBe("MiniMax-M2");
  });

  it("lets a request set its own cap, and sends none when neither sets one", async () => {
    await client({ maxTokens: 4096 }).completeJson({ ...REQUEST, maxTokens: 300 });
    await client().completeJson(REQUEST);
    expect(fake.requests[0]?.body["max_tokens"]).toBe(300);
    expect(fake.requests[1]?.body).not.toHaveProperty("max_tokens");
    expect(fake.requests[1]?.body["temperature"]).toBe(0.4);
  });

  it("does not retry a refusal that is not about response_format (a wrong key)", async () => {
    const error = await client({ apiKey: "sk-wrong" })
      .completeJson(REQUEST)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "llm_failed", reason: "refused" });
    expect(fake.requests).toHaveLength(1);
  });
});
