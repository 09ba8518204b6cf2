/**
 * The LLM port's conformance suite: the same reply, analysis and reflection
 * calls against endpoints that answer in every style real models and servers
 * use (answer-styles.ts × call-kinds.ts). The OpenAI-compatible adapter runs
 * every style against the fake server on loopback, through the real governor
 * and a real database; the scripted adapter runs the styles that are only
 * about the answer's text (it has no HTTP to fail).
 */
import { Writable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  type Alerts,
  createOpenAiLlmClient,
  EngineMetrics,
  type LlmCallReport,
  LlmError,
  LlmGovernor,
  ManualClock,
  ScriptedLlmClient,
  StructuredOutputModes,
} from "../../../src/engine/index.js";
import { createLogger } from "../../../src/log.js";
import { FakeOpenAi } from "../../support/fake-openai.js";
import { createTestDatabase, type TestDatabase } from "../../support/test-database.js";
import { ANSWER_STYLES, type AnswerStyle, REASONING_SENTINEL } from "./conformance/answer-styles.js";
import { CALL_KINDS, type CallKind } from "./conformance/call-kinds.js";

const CASES = ANSWER_STYLES.flatMap((style) => CALL_KINDS.map((kind) => ({ style, kind })));
const name = ({ style, kind }: { style: AnswerStyle; kind: CallKind }) => `${kind.name}, ${style.name}`;

describe("the OpenAI-compatible adapter, against every answer style", () => {
  let fake: FakeOpenAi;
  let t: TestDatabase;
  let clock: ManualClock;
  let metrics: EngineMetrics;
  let logLines: string[];
  let waits: number[];
  let reports: LlmCallReport[];

  beforeAll(async () => {
    fake = await FakeOpenAi.start({ apiKey: "sk-test", model: "test-model" });
  });
  afterAll(async () => {
    await fake.close();
  });
  beforeEach(async () => {
    fake.reset();
    t = await createTestDatabase();
    clock = new ManualClock(Date.UTC(2026, 11, 2, 12));
    metrics = new EngineMetrics();
    logLines = [];
    waits = [];
    reports = [];
  });
  afterEach(async () => {
    await t.close();
  });

  function client() {
    const logger = createLogger({
      level: "trace",
      destination: new Writable({
        write(chunk, _encoding, done) {
          logLines.push(String(chunk));
          done();
        },
      }),
    });
    const alerts: Alerts = { raise: () => undefined };
    const governor = new LlmGovernor({
      db: t.db,
      clock,
      metrics,
      alerts,
      logger,
      model: "test-model",
      timeZone: "UTC",
      concurrency: 2,
      dailyBudgetUsd: undefined,
      pricePerMTokIn: 1,
      pricePerMTokOut: 4,
      breakerFailures: 5,
      breakerCooldownMs: 60_000,
    });
    const llm = createOpenAiLlmClient({
      baseUrl: fake.baseUrl,
      apiKey: "sk-test",
      model: "test-model",
      // The governor, with an ear on what the adapter tells it.
      guard: {
        async admit(purpose, deadlineAt) {
          const permit = await governor.admit(purpose, deadlineAt);
          return {
            finish(report) {
              reports.push(report);
              permit.finish(report);
            },
          };
        },
      },
      modes: new StructuredOutputModes(),
      logger,
      now: () => clock.now(),
      sleep: async (ms) => {
        waits.push(ms);
        clock.advance(ms);
      },
    });
    return { llm, governor };
  }

  it.each(CASES)("$kind.name: $style.name", async ({ style, kind }) => {
    const json = JSON.stringify(kind.answer);
    if (style.arrange) style.arrange(fake, json);
    else fake.always({ kind: "content", content: style.content?.(json) ?? json });
    const { llm, governor } = client();
    const call = llm.completeJson({
      system: kind.system,
      messages: [{ role: "user", content: "How much is the dutch oven?" }],
      schema: kind.schema,
      schemaName: kind.schemaName,
      timeoutMs: style.timeoutMs ?? 5_000,
      purpose: kind.purpose,
    });
    const expected = style.expect;
    if (expected.used) {
      await expect(call, name({ style, kind })).resolves.toEqual(kind.answer);
      expect(waits).toEqual(expected.waitsMs);
      expect(fake.requests.at(-1)?.body.response_format?.type ?? "instructions").toBe(
        expected.mode === "instructions" ? "instructions" : expected.mode,
      );
      expect(metrics.llmCallsOk).toBe(1);
      expect(metrics.llmRetries).toBe(expected.waitsMs.length);
      expect(reports).toMatchObject([{ thinkSeen: expected.thinkSeen, mode: expected.mode, outcome: "ok" }]);
      expect(logLines.join("")).toMatch(
        new RegExp(
          `LLM structured output: .*${expected.mode === "instructions" ? "instructions only" : expected.mode}`,
        ),
      );
    } else {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LlmError);
      expect((error as LlmError).reason).toBe(expected.reason);
      expect(Object.fromEntries(metrics.llmFallbackReasons)).toEqual({ [expected.reason]: 1 });
    }
    await governor.flush();
    const rows = await t.db.selectFrom("llm_usage").selectAll().execute();
    expect(rows).toHaveLength(1);
    const fellBackTo = kind.purpose === "reflection" ? "failed" : "fallback";
    expect(rows[0]).toMatchObject({
      purpose: kind.purpose,
      model: "test-model",
      outcome: expected.used ? "ok" : fellBackTo,
      fallback_reason: expected.used ? null : expected.reason,
      day: "2026-12-02",
    });
    // Reasoning is dropped: not in the answer, not in any log line (at any level), not stored.
    expect(JSON.stringify(rows)).not.toContain(REASONING_SENTINEL);
    expect(logLines.join("")).not.toContain(REASONING_SENTINEL);
  });

  it("prices each call from the tokens the endpoint reports", async () => {
    fake.always({
      kind: "content",
      content: JSON.stringify(CALL_KINDS[0]?.answer),
      usage: { prompt_tokens: 2_000, completion_tokens: 500 },
    });
    const { llm, governor } = client();
    const kind = CALL_KINDS[0] as CallKind;
    await llm.completeJson({ ...kind, messages: [{ role: "user", content: "Hi" }], timeoutMs: 5_000 });
    await governor.flush();
    const [row] = await t.db.selectFrom("llm_usage").selectAll().execute();
    expect(row).toMatchObject({ tokens_in: 2_000, tokens_out: 500 });
    // 2 000 × $1 + 500 × $4 per million tokens
    expect(row?.cost_usd).toBeCloseTo(0.004, 9);
    expect(metrics.llmCostUsd).toBeCloseTo(0.004, 9);
  });

  it("remembers the structured-output mode per endpoint and model, and says so once", async () => {
    fake.responseFormats = ["json_object", "none"];
    fake.always({ kind: "content", content: JSON.stringify(CALL_KINDS[0]?.answer) });
    const { llm } = client();
    const kind = CALL_KINDS[0] as CallKind;
    for (let i = 0; i < 3; i++) {
      await llm.completeJson({ ...kind, messages: [{ role: "user", content: "Hi" }], timeoutMs: 5_000 });
    }
    expect(fake.requests.map((r) => r.body.response_format?.type)).toEqual([
      "json_schema",
      "json_object",
      "json_object",
      "json_object",
    ]);
    expect(logLines.filter((l) => l.includes("LLM structured output"))).toHaveLength(1);
    // Below json_schema the schema travels in the instructions.
    expect(fake.requests.at(-1)?.body.messages?.[0]?.content).toContain('"reply"');
  });
});

describe("the scripted adapter, against the answer styles it can play", () => {
  const textual = CASES.filter(({ style }) => style.content !== undefined);
  it.each(textual)("$kind.name: $style.name", async ({ style, kind }) => {
    const llm = new ScriptedLlmClient([style.content?.(JSON.stringify(kind.answer)) ?? ""]);
    const call = llm.completeJson({
      system: kind.system,
      messages: [{ role: "user", content: "Hi" }],
      schema: kind.schema,
      schemaName: kind.schemaName,
      timeoutMs: 1_000,
    });
    if (style.expect.used) await expect(call).resolves.toEqual(kind.answer);
    else await expect(call).rejects.toMatchObject({ reason: style.expect.reason });
  });
});
