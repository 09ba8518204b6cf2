import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../support/start-server.js";

interface PlaygroundReply {
  text: string;
  stage: string;
  variant: string | null;
  version: number | null;
  propensity: number | null;
}
interface PlaygroundAnswer {
  replies: PlaygroundReply[];
  customer: {
    id: string;
    stage: string;
    optedOut: boolean;
    profile: { interests: string[]; trustLevel: number; purchaseProbability: number; recommendedApproach: string };
  };
}

describe("the playground API, on the real server", () => {
  let server: RunningServer;
  const phone = "+15551230001";

  /** Says `text` as the customer; with the admin token, so the replies name their arm. */
  async function say(text: string, from = phone, name = "Ana"): Promise<PlaygroundAnswer> {
    const response = await fetch(`${server.url}/api/playground/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${server.adminToken}` },
      body: JSON.stringify({ from, name, text }),
    });
    expect(response.status).toBe(200);
    return (await response.json()) as PlaygroundAnswer;
  }

  beforeAll(async () => {
    server = await startServer({ env: { CLOSER_RANDOM_SEED: "7" } });
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it("walks a customer from greeting to closing, one sticky variant per stage", async () => {
    const hello = await say("Hi there!");
    expect(hello.replies).toHaveLength(1);
    const first = hello.replies[0] as PlaygroundReply;
    expect(first.stage).toBe("first_contact");
    expect(first.text.length).toBeGreaterThan(10);
    expect(first.variant).toMatch(/^[a-z0-9-]+$/);
    expect(first.version).toBeGreaterThanOrEqual(1);
    expect(first.propensity).toBeGreaterThan(0);
    expect(first.propensity).toBeLessThanOrEqual(1);

    const trust = await say("Is the dutch oven good quality? What warranty does it have?");
    expect(trust.customer.stage).toBe("building_trust");
    expect(trust.replies[0]?.stage).toBe("building_trust");

    const intent = await say("How much is the dutch oven? Is there any discount?");
    expect(intent.customer.stage).toBe("intent");
    const intentVariant = intent.replies[0]?.variant;
    const again = await say("And how much is shipping for the dutch oven?");
    expect(again.customer.stage).toBe("intent");
    expect(again.replies[0]?.variant).toBe(intentVariant);

    const closing = await say("Great, I'll take it. How do I order and pay?");
    expect(closing.customer.stage).toBe("closing");
    expect(closing.replies[0]?.stage).toBe("closing");

    const back = await say("Hello again");
    expect(back.customer.stage).toBe("closing");
  });

  it("fills the profile from what the customer said", async () => {
    const answer = await say("Thanks! the skillet sounds perfect.");
    const profile = answer.customer.profile;
    expect(profile.interests.length).toBeGreaterThan(0);
    expect(profile.trustLevel).toBeGreaterThan(2);
    expect(profile.purchaseProbability).toBeGreaterThan(0.05);
    expect(profile.recommendedApproach.length).toBeGreaterThan(0);
  });

  it("opts a customer out on STOP with one confirmation, and back in on START", async () => {
    const other = "+15551230002";
    await say("Hello", other, "Ben");
    const stop = await say("STOP", other, "Ben");
    expect(stop.replies).toHaveLength(1);
    expect(stop.replies[0]?.text).toMatch(/unsubscribed/i);
    expect(stop.customer.optedOut).toBe(true);

    const silent = await say("hello? how much is the skillet?", other, "Ben");
    expect(silent.replies).toEqual([]);
    const stopAgain = await say("stop", other, "Ben");
    expect(stopAgain.replies).toEqual([]);

    const start = await say("START", other, "Ben");
    expect(start.customer.optedOut).toBe(false);
    expect(start.replies).toHaveLength(1);
    const after = await say("How much is the skillet?", other, "Ben");
    expect(after.replies).toHaveLength(1);
  });

  it("does not treat a sentence containing 'stop' as an opt-out", async () => {
    const answer = await say("we have to stop the bill from going up, how much is the skillet?", "+15551230003");
    expect(answer.customer.optedOut).toBe(false);
    expect(answer.replies).toHaveLength(1);
  });

  it("answers 400 with the reason for bad bodies", async () => {
    const post = (body: string, type = "application/json") =>
      fetch(`${server.url}/api/playground/messages`, { method: "POST", headers: { "content-type": type }, body });
    const missing = await post(JSON.stringify({ from: phone }));
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/text/);
    const badPhone = await post(JSON.stringify({ from: "not a phone", text: "hi" }));
    expect(badPhone.status).toBe(400);
    expect(((await badPhone.json()) as { error: { message: string } }).error.message).toMatch(/phone/);
    const notJson = await post("{ nope");
    expect(notJson.status).toBe(400);
    const unknownKey = await post(JSON.stringify({ from: phone, text: "hi", sender: "x" }));
    expect(unknownKey.status).toBe(400);
  });

  it("keeps the admin API behind the bearer token", async () => {
    const url = `${server.url}/api/customers/${encodeURIComponent(phone)}`;
    expect((await fetch(url)).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: "Bearer wrong-token-000000" } })).status).toBe(401);
    const ok = await fetch(url, { headers: { authorization: `Bearer ${server.adminToken}` } });
    expect(ok.status).toBe(200);
    const view = (await ok.json()) as {
      stage: string;
      assignments: { stage: string; propensity: number }[];
      transcript: { direction: string; text: string }[];
    };
    expect(view.stage).toBe("closing");
    expect(view.assignments.map((a) => a.stage)).toEqual(["first_contact", "building_trust", "intent", "closing"]);
    expect(view.transcript.some((m) => m.direction === "in" && m.text === "Hi there!")).toBe(true);
    const unknown = await fetch(`${server.url}/api/customers/%2B15559999999`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(unknown.status).toBe(404);
  });

  it("reports the health of database, playbooks and gateway", async () => {
    const health = (await (await fetch(`${server.url}/healthz`)).json()) as {
      status: string;
      database: { ok: boolean };
      playbooks: { stages: number; variants: number };
      gateway: { name: string; ok: boolean };
    };
    expect(health.database.ok).toBe(true);
    expect(health.playbooks.stages).toBe(4);
    expect(health.playbooks.variants).toBeGreaterThanOrEqual(12);
    expect(health.gateway.name).toBe("playground");
  });

  it("gives every conversation back, each reply with its stage, strategy and propensity", async () => {
    const response = await fetch(`${server.url}/api/playground/conversations`, {
      headers: { authorization: `Bearer ${server.adminToken}` },
    });
    expect(response.status).toBe(200);
    const { conversations } = (await response.json()) as {
      conversations: {
        phone: string;
        name: string;
        customer: { id: string; stage: string };
        messages: { author: string; text: string; variant: string | null; propensity: number | null }[];
      }[];
    };
    const ana = conversations.find((c) => c.phone === phone);
    expect(ana?.name).toBe("Ana");
    expect(ana?.messages[0]).toMatchObject({ author: "customer", text: "Hi there!", variant: null, propensity: null });
    const firstReply = ana?.messages.find((m) => m.author === "bot");
    expect(firstReply?.variant).toMatch(/^[a-z0-9-]+$/);
    expect(firstReply?.propensity).toBeGreaterThan(0);
    expect(conversations.map((c) => c.phone)).toEqual([...new Set(conversations.map((c) => c.phone))]);
  });

  it("stores no message text or phone number in clear in the database files", () => {
    const files = readdirSync(server.dataDir).filter((f) => f.startsWith("closer.db"));
    expect(files.length).toBeGreaterThan(0);
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(server.dataDir, f))));
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of ["Hi there!", "skillet sounds perfect", "5551230001", "15551230002"]) {
      expect(bytes.includes(Buffer.from(secret)), `found "${secret}" in clear`).toBe(false);
    }
  });
});
