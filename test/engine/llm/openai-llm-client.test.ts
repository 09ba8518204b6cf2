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

  it("waits the milliseconds a 429 asks for in retry-after-ms, then uses the answer", async () => {
    fake.script({ kind: "error", status: 429, headers: { "retry-after-ms": "250" } });
    const waits: number[] = [];
    const answer = await client({ sleep: async (ms) => void waits.push(ms) }).completeJson(REQUEST);
    expect(answer).toEqual({ reply: "Hello from the model." });
    expect(waits).toEqual([250]);
    expect(fake.requests).toHaveLength(2);
  });

  it("steps down from json_schema when a server refuses it with the message at the body's top level (older vLLM)", async () => {
    fake.script({
      kind: "error",
      status: 400,
      shape: "top_level",
      message: "response_format json_schema is not supported by this server",
    });
    const answer = await client().completeJson(REQUEST);
    expect(answer).toEqual({ reply: "Hello from the model." });
    expect(fake.requests.map((r) => r.body.response_format?.type)).toEqual(["json_schema", "json_object"]);
  });
});

describe("the OpenAI-compatible adapter without a key, or without a server", () => {
  it("sends no Authorization header when no key is configured (Ollama, a local vLLM)", async () => {
    const keyless = await FakeOpenAi.start({ apiKey: null, model: "qwen3" });
    try {
      const llm = createOpenAiLlmClient({ baseUrl: keyless.baseUrl, apiKey: undefined, model: "qwen3" });
      await expect(llm.completeJson(REQUEST)).resolves.toEqual({ reply: "Hello from the model." });
      expect(keyless.requests[0]?.authorization).toBeUndefined();
    } finally {
      await keyless.close();
    }
  });

  it("says the model is unreachable, naming the network error, when nothing listens", async () => {
    const closed = await FakeOpenAi.start();
    const baseUrl = closed.baseUrl;
    await closed.close();
    const error = await createOpenAiLlmClient({ baseUrl, apiKey: "sk-test", model: "test-model", maxRetries: 0 })
      .completeJson(REQUEST)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "llm_failed", reason: "unreachable" });
    expect((error as Error).message).toMatch(/could not be reached \(.*ECONNREFUSED/);
  });
});
