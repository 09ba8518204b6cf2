/**
 * Scripted conversations (fixtures/*.yaml): each customer line goes through the
 * real service (playground gateway, shipped playbooks, SQLite file), first with
 * templates only, then with an OpenAI-compatible LLM (the fake, keeping the
 * template's draft). Each reply must contain / must not contain what the fixture
 * says, the stage must be the one expected, and no conversation ever gets the
 * same bot text twice in a row.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { z } from "zod";
import { loadConfig } from "../../../src/config.js";
import { silentLogger } from "../../../src/log.js";
import { type Closer, startCloser } from "../../../src/main.js";
import { FakeOpenAi } from "../../support/fake-openai.js";

const PLAYBOOKS = resolve(import.meta.dirname, "../../../playbooks");
const FIXTURES = resolve(import.meta.dirname, "fixtures");
const TOKEN = "conversations-admin-token-0123456789";

const words = z.union([z.string(), z.array(z.string())]).transform((w) => (Array.isArray(w) ? w : [w]));
const turnSchema = z.union([
  z.strictObject({
    say: z.string().min(1),
    name: z.string().optional(),
    /** Every string must appear in the reply (case-insensitive); a `/regex/` is matched as one. */
    contains: words.default([]),
    not_contains: words.default([]),
    stage: z.string().optional(),
    /** true: the bot must stay silent (a person has the chat). */
    silent: z.boolean().default(false),
    handoff: z.boolean().optional(),
    language: z.string().optional(),
  }),
  z.strictObject({ outcome: z.enum(["won", "lost"]) }),
]);
const conversationSchema = z.strictObject({
  name: z.string().min(1),
  turns: z.array(turnSchema).min(1),
  /** Alert kinds that must have been raised for this customer, once each. */
  alerts: z.array(z.enum(["human_requested", "hot_lead"])).default([]),
  no_alerts: z.array(z.enum(["human_requested", "hot_lead"])).default([]),
});
type Conversation = z.infer<typeof conversationSchema>;

function loadFixtures(): { file: string; conversation: Conversation }[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .flatMap((file) => {
      const data = parse(readFileSync(join(FIXTURES, file), "utf8")) as { conversations: unknown[] };
      return data.conversations.map((c) => ({ file, conversation: conversationSchema.parse(c) }));
    });
}

const fixtures = loadFixtures();

function matches(text: string, expected: string): boolean {
  if (expected.startsWith("/") && expected.lastIndexOf("/") > 0) {
    const end = expected.lastIndexOf("/");
    return new RegExp(expected.slice(1, end), [...new Set(`${expected.slice(end + 1)}i`)].join("")).test(text);
  }
  return text.toLowerCase().includes(expected.toLowerCase());
}

interface Reply {
  text: string;
}
interface PlaygroundAnswer {
  replies: Reply[];
  customer: { id: string; stage: string; handoff: boolean; profile: { language: string } } | null;
}

async function run(closer: Closer, conversation: Conversation, phone: string): Promise<void> {
  let previous: string | null = null;
  let customerId: string | null = null;
  for (const [i, turn] of conversation.turns.entries()) {
    const where = `${conversation.name}, turn ${i + 1}`;
    if ("outcome" in turn) {
      const response = await closer.app.inject({
        method: "POST",
        url: "/api/outcomes",
        headers: { authorization: `Bearer ${TOKEN}` },
        payload: { customer: phone, outcome: turn.outcome, eventId: `${phone}-${i}` },
      });
      expect(response.statusCode, `${where}: ${response.body}`).toBeLessThan(300);
      continue;
    }
    const response = await closer.app.inject({
      method: "POST",
      url: "/api/playground/messages",
      payload: { from: phone, name: turn.name ?? "Sam Rivera", text: turn.say },
    });
    expect(response.statusCode, where).toBe(200);
    const answer = response.json() as PlaygroundAnswer;
    customerId = answer.customer?.id ?? customerId;
    const text = answer.replies.map((r) => r.text).join("\n");
    if (turn.silent) expect(answer.replies, `${where}: expected silence`).toEqual([]);
    else expect(answer.replies.length, `${where}: expected a reply to "${turn.say}"`).toBeGreaterThan(0);
    for (const w of turn.contains) expect(matches(text, w), `${where}: reply should contain ${w}:\n${text}`).toBe(true);
    for (const w of turn.not_contains) {
      expect(matches(text, w), `${where}: reply should not contain ${w}:\n${text}`).toBe(false);
    }
    if (turn.stage !== undefined) expect(answer.customer?.stage, `${where}: stage`).toBe(turn.stage);
    if (turn.handoff !== undefined) expect(answer.customer?.handoff, `${where}: handoff`).toBe(turn.handoff);
    if (turn.language !== undefined)
      expect(answer.customer?.profile.language, `${where}: language`).toBe(turn.language);
    for (const reply of answer.replies) {
      expect(reply.text, `${where}: the same bot text twice in a row`).not.toBe(previous);
      previous = reply.text;
    }
  }
  if (customerId !== null) await checkAlerts(closer, conversation, phone);
}

async function checkAlerts(closer: Closer, conversation: Conversation, phone: string): Promise<void> {
  const deadline = Date.now() + 2_000;
  let kinds: string[] = [];
  while (Date.now() < deadline) {
    const rows = await closer.db.selectFrom("alerts").select(["kind", "message"]).execute();
    // Alerts name the customer by the last four digits of the number only.
    kinds = rows.filter((r) => r.message.includes(`…${phone.slice(-4)} `)).map((r) => r.kind);
    if (conversation.alerts.every((k) => kinds.includes(k))) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  for (const kind of conversation.alerts) {
    expect(
      kinds.filter((k) => k === kind),
      `${conversation.name}: one ${kind} alert`,
    ).toHaveLength(1);
  }
  for (const kind of conversation.no_alerts) expect(kinds, `${conversation.name}: no ${kind}`).not.toContain(kind);
}

function baseEnv(dataDir: string): Record<string, string> {
  return {
    DATA_DIR: dataDir,
    PLAYBOOKS_DIR: PLAYBOOKS,
    HOST: "127.0.0.1",
    PORT: "0",
    CLOSER_RANDOM_SEED: "11",
    CLOSER_ADMIN_TOKEN: TOKEN,
    CLOSER_PACING: "off",
    CLOSER_MAX_PER_MINUTE: "100000",
    LOG_LEVEL: "silent",
    PLAYBOOKS_WATCH: "off",
    // Every conversation comes from this one address: the per-address limits are not under test here.
    RATE_LIMIT_PLAYGROUND: "0",
    RATE_LIMIT_ADMIN: "0",
  };
}

it("has at least 40 scripted conversations in English and Spanish", () => {
  expect(fixtures.length).toBeGreaterThanOrEqual(40);
  expect(fixtures.some((f) => f.file.startsWith("es-"))).toBe(true);
});

for (const mode of ["templates", "fake LLM"] as const) {
  describe(`scripted conversations (${mode})`, () => {
    let closer: Closer;
    let llm: FakeOpenAi | null = null;
    let dir: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "closer-conversations-"));
      let env = baseEnv(join(dir, "data"));
      if (mode === "fake LLM") {
        llm = await FakeOpenAi.start({ apiKey: "sk-test", model: "test-model" });
        llm.always({ kind: "echo_draft" });
        env = { ...env, LLM_BASE_URL: llm.baseUrl, LLM_API_KEY: "sk-test", LLM_MODEL: "test-model" };
      }
      closer = await startCloser(loadConfig(env), silentLogger());
    }, 60_000);
    afterAll(async () => {
      await closer?.stop();
      await llm?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    fixtures.forEach(({ file, conversation }, n) => {
      it(`${file}: ${conversation.name}`, async () => {
        await run(closer, conversation, `+1555${mode === "templates" ? "2" : "3"}${String(n).padStart(6, "0")}`);
      }, 30_000);
    });

    if (mode === "fake LLM") {
      it("sent replies the model wrote (the draft it kept), not only template fallbacks", () => {
        expect(closer.engine.metrics.llmReplies).toBeGreaterThan(0);
      });
    }
  });
}
