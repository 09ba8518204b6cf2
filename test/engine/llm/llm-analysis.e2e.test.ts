import { resolve } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config.js";
import { silentLogger } from "../../../src/log.js";
import { type Closer, startCloser } from "../../../src/main.js";
import { FakeOpenAi } from "../../support/fake-openai.js";
import { tempDir } from "../../support/temp-dir.js";

const PLAYBOOKS = resolve(import.meta.dirname, "../../../playbooks");

interface Answer {
  replies: { text: string }[];
  customer: {
    stage: string;
    profile: {
      interests: string[];
      concerns: string[];
      objections: number;
      sentiment: string | null;
      purchaseProbability: number;
      probabilityReason: string | null;
      recommendedApproach: string;
    };
  };
}

const ANALYSIS = {
  intent: "order_question",
  stage_evidence: "wants to know how to pay",
  interests: ["Dutch oven", "sourdough bread"],
  concerns: ["delivery time"],
  objection: "thinks it is heavy",
  sentiment: "positive",
  language: "en",
  provided_details: ["lives in Austin"],
  purchase_probability: 0.95,
  probability_reason: "asks how to pay for one product",
  recommended_approach: "Explain how to pay and confirm the delivery days from the catalog.",
};

const answer = (analysis: unknown, reply = "Happy to help with that! Which color do you like?") => ({
  kind: "content" as const,
  content: JSON.stringify({ reply, ...(analysis === undefined ? {} : { analysis }) }),
});

describe("one call per turn returns the reply and an analysis of the customer's message", () => {
  let llm: FakeOpenAi;
  let closer: Closer;
  let n = 0;

  async function say(text: string, from = `+1555999${String(++n).padStart(4, "0")}`): Promise<Answer> {
    const response = await closer.app.inject({
      method: "POST",
      url: "/api/playground/messages",
      payload: { from, name: "Ana", text },
    });
    expect(response.statusCode).toBe(200);
    return response.json() as Answer;
  }

  async function metrics(): Promise<string> {
    return (await closer.app.inject({ method: "GET", url: "/metrics" })).body;
  }

  beforeAll(async () => {
    llm = await FakeOpenAi.start({ apiKey: "sk-test", model: "test-model" });
  });
  afterAll(async () => {
    await llm.close();
  });
  beforeEach(async () => {
    const config = loadConfig({
      DATA_DIR: tempDir("closer-analysis-"),
      PLAYBOOKS_DIR: PLAYBOOKS,
      PORT: "0",
      CLOSER_RANDOM_SEED: "11",
      LLM_BASE_URL: llm.baseUrl,
      LLM_API_KEY: "sk-test",
      LLM_MODEL: "test-model",
      LLM_TIMEOUT_MS: "2000",
      LLM_TRANSCRIPT_TOKENS: "300",
    });
    closer = await startCloser(config, silentLogger());
    llm.reset();
  });
  afterEach(async () => {
    await closer.stop();
  });

  it("asks for the analysis in the schema, and merges it into the profile without moving the stage", async () => {
    llm.always(answer(ANALYSIS));
    const reply = await say("Hi, do you sell a dutch oven?");
    expect(llm.requests).toHaveLength(1);
    const format = llm.requests[0]?.body.response_format as { json_schema: { schema: { properties: object } } };
    expect(Object.keys(format.json_schema.schema.properties)).toEqual(["reply", "analysis"]);
    expect(reply.replies[0]?.text).toBe("Happy to help with that! Which color do you like?");
    // The analysis says "order_question" and 0.95; the stage stays where the keyword rules put it.
    expect(reply.customer.stage).toBe("first_contact");
    const { profile } = reply.customer;
    // "Dutch oven" names a catalog product: kept as its id, like the rules keep it.
    expect(profile.interests).toEqual(["dutch-oven", "sourdough bread"]);
    expect(profile.concerns).toContain("delivery time");
    expect(profile.objections).toBe(1);
    expect(profile.sentiment).toBe("positive");
    expect(profile.probabilityReason).toBe("asks how to pay for one product");
    expect(profile.recommendedApproach).toBe(ANALYSIS.recommended_approach);
    // At most 0.25 above the rules' value for first contact with a known product (0.05 + 0.05).
    expect(profile.purchaseProbability).toBe(0.35);
  });

  it("sends a valid reply whose analysis is missing or invalid, and lets the keyword rules keep the profile", async () => {
    llm.always(answer({ ...ANALYSIS, purchase_probability: 7 }));
    const invalid = await say("Hi, do you sell a dutch oven?");
    expect(invalid.replies[0]?.text).toBe("Happy to help with that! Which color do you like?");
    expect(invalid.customer.profile.sentiment).toBeNull();
    expect(invalid.customer.profile.recommendedApproach).not.toBe(ANALYSIS.recommended_approach);
    expect(invalid.customer.profile.purchaseProbability).toBe(0.1);

    llm.always(answer(undefined));
    const missing = await say("Hello there");
    expect(missing.replies[0]?.text).toBe("Happy to help with that! Which color do you like?");
    expect(missing.customer.profile.sentiment).toBeNull();

    const body = await metrics();
    expect(body).toContain('closer_llm_fallback_reasons_total{reason="analysis_invalid"} 1');
    expect(body).toContain('closer_llm_fallback_reasons_total{reason="analysis_missing"} 1');
    expect(closer.engine.metrics.llmReplies).toBe(2);
  });

  it("sends the template and keeps the rules' profile on malformed JSON and on a slow answer", async () => {
    llm.always({ kind: "content", content: '{"reply": "Hi!", "analysis": {"intent": "greeting", ' });
    const cut = await say("Hi, do you sell a dutch oven?");
    expect(cut.replies[0]?.text).not.toBe("Hi!");
    expect(cut.customer.profile.sentiment).toBeNull();

    llm.always({ kind: "stall", ms: 6_000, content: JSON.stringify({ reply: "Too late", analysis: ANALYSIS }) });
    const slow = await say("Hello");
    expect(slow.replies[0]?.text).not.toBe("Too late");
    expect(slow.customer.profile.recommendedApproach).not.toBe(ANALYSIS.recommended_approach);
    expect(closer.engine.metrics.llmFallbacks).toBe(2);
    expect(await metrics()).toContain('closer_llm_fallback_reasons_total{reason="timeout"}');
  });

  it("sends the transcript within LLM_TRANSCRIPT_TOKENS, oldest turns dropped first, a huge message cut", async () => {
    llm.always(answer(ANALYSIS));
    const from = "+15559990777";
    for (let i = 1; i <= 6; i++) await say(`Message number ${i}: ${"tell me more about the pans ".repeat(8)}`, from);
    const last = llm.requests.at(-1)?.body.messages ?? [];
    const customerTurns = last.filter((m) => m.role === "user" && m.content.startsWith("Customer message"));
    expect(customerTurns.at(-1)?.content).toContain("Message number 6");
    expect(last.some((m) => m.content.includes("Message number 1:"))).toBe(false);
    const transcriptChars = last.slice(2).reduce((sum, m) => sum + m.content.length, 0);
    expect(transcriptChars).toBeLessThanOrEqual(300 * 4);

    // The playground takes at most 4,096 characters; one message alone over the budget is cut.
    await say(`Please read this: ${"x".repeat(4_000)}`, from);
    const huge = llm.requests.at(-1)?.body.messages ?? [];
    expect(huge.slice(2).reduce((sum, m) => sum + m.content.length, 0)).toBeLessThanOrEqual(300 * 4);
    expect(huge.filter((m) => m.role === "user" && m.content.startsWith("Customer message"))).toHaveLength(1);
    expect(huge.at(-1)?.content).toContain("…[cut]");
  });
});
