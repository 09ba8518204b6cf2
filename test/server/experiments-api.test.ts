/**
 * The experiments admin API over real HTTP on 127.0.0.1, with the service
 * in-process on a real SQLite file and the shipped playbooks.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experimentReportSchema } from "../../src/analytics/index.js";
import { loadConfig } from "../../src/config.js";
import { ManualClock } from "../../src/engine/index.js";
import { silentLogger } from "../../src/log.js";
import { type Closer, startCloser } from "../../src/main.js";

const TOKEN = "api-admin-token-0123456789abcdef";
const NEVER_CRON = "0 0 1 1 *";

describe("the experiments API", () => {
  let dir: string;
  let closer: Closer;
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));

  async function call(method: string, path: string, body?: unknown, token: string | null = TOKEN) {
    const response = await fetch(`${closer.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "closer-experiments-api-"));
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: join(dir, "data"),
      PLAYBOOKS_DIR: resolve(import.meta.dirname, "../../playbooks"),
      CLOSER_ADMIN_TOKEN: TOKEN,
      CLOSER_RANDOM_SEED: "3",
      WEIGHTS_CRON: NEVER_CRON,
      RESOLVE_CRON: NEVER_CRON,
      REFLECT_CRON: NEVER_CRON,
      LOG_LEVEL: "silent",
    });
    closer = await startCloser(config, silentLogger(), { clock });
  });
  afterAll(async () => {
    await closer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ["GET", "/api/experiments", undefined],
    ["POST", "/api/experiments/closing/promote", { arm: "simple-steps@2" }],
    ["POST", "/api/experiments/closing/retire", { arm: "simple-steps@2" }],
    ["POST", "/api/experiments/closing/srm-ack", {}],
    ["GET", "/api/experiments/closing/evaluate", undefined],
    ["POST", "/api/jobs/expire-windows", {}],
    ["POST", "/api/jobs/update-weights", {}],
  ])("should answer 401 without the admin token: %s %s", async (method, path, body) => {
    const { status, json } = await call(method, path, body, null);
    expect(status).toBe(401);
    expect(json).toMatchObject({ error: { code: "unauthorized" } });
    expect((await call(method, path, body, "wrong-token-0123456789")).status).toBe(401);
  });

  it("should serve the report in the issue's shape", async () => {
    const { status, json } = await call("GET", "/api/experiments");
    expect(status).toBe(200);
    const report = experimentReportSchema.parse(json);
    expect(report.stages.map((s) => s.stage)).toEqual(["first_contact", "building_trust", "intent", "closing"]);
    expect(report.stages[3]?.arms).toHaveLength(4);
  });

  it.each([
    ["an unknown key", "/api/experiments/closing/promote", { arm: "simple-steps@2", forced: true }, 400, "bad_request"],
    ["a malformed arm", "/api/experiments/closing/promote", { arm: "simple-steps" }, 400, "bad_request"],
    [
      "a non-boolean keepChallengers",
      "/api/experiments/closing/promote",
      { arm: "a@1", keepChallengers: "yes" },
      400,
      "bad_request",
    ],
    ["an unknown stage", "/api/experiments/checkout/promote", { arm: "simple-steps@2" }, 404, "strategy_unknown"],
    ["an arm of another stage", "/api/experiments/closing/retire", { arm: "warm-welcome@2" }, 404, "strategy_unknown"],
    [
      "an acknowledgement without an alarm",
      "/api/experiments/closing/srm-ack",
      { reason: "just checking" },
      409,
      "experiment_invalid",
    ],
    ["a job body that tries to move time", "/api/jobs/update-weights", { now: 0 }, 400, "bad_request"],
  ])("should refuse %s", async (_name, path, body, status, code) => {
    const answer = await call("POST", path, body);
    expect(answer.status).toBe(status);
    expect(answer.json).toMatchObject({ error: { code } });
  });

  it("should run the jobs at the service's clock and report a status per stage", async () => {
    const expiry = await call("POST", "/api/jobs/expire-windows", {});
    expect(expiry).toEqual({ status: 200, json: { expired: 0, customersLost: 0 } });
    const update = await call("POST", "/api/jobs/update-weights", {});
    expect(update.status).toBe(200);
    const stages = update.json["stages"] as { stage: string; status: string }[];
    expect(stages.map((s) => [s.stage, s.status])).toEqual([
      ["first_contact", "updated"],
      ["building_trust", "updated"],
      ["intent", "updated"],
      ["closing", "updated"],
    ]);
    const policy = await closer.db
      .selectFrom("policy_versions")
      .selectAll()
      .orderBy("id", "desc")
      .executeTakeFirstOrThrow();
    expect(policy).toMatchObject({ reason: "manual", created_at: clock.now() });
  });

  it("should evaluate a policy, and refuse a policy that is not one", async () => {
    const uniform = await call("GET", "/api/experiments/intent/evaluate?policy=uniform");
    expect(uniform.status).toBe(200);
    expect(uniform.json).toMatchObject({ stage: "intent", policy: "uniform", n: 0, ips: null });
    const bad = await call("GET", "/api/experiments/intent/evaluate?policy=best");
    expect(bad.status).toBe(400);
    const unknown = await call("GET", `/api/experiments/intent/evaluate?policy=${encodeURIComponent('{"x@1":1}')}`);
    expect(unknown.status).toBe(404);
  });

  it("should promote and retire through the API, recording the actor 'api'", async () => {
    const retire = await call("POST", "/api/experiments/intent/retire", { arm: "value-compare@2", reason: "too long" });
    expect(retire.status).toBe(200);
    expect(retire.json).toMatchObject({ stage: "intent", arm: "value-compare@2", retired: ["value-compare@2"] });
    expect(Object.keys(retire.json["weights"] as object).sort()).toEqual(["fit-finder@2", "straight-price@2"]);
    const promote = await call("POST", "/api/experiments/intent/promote", {
      arm: "straight-price@2",
      keepChallengers: true,
      reason: "clearer",
    });
    expect(promote.status).toBe(200);
    expect(promote.json).toMatchObject({ champion: "straight-price@2", demoted: ["fit-finder@2"], retired: [] });
    const audit = await closer.db.selectFrom("audit_log").selectAll().orderBy("id").execute();
    expect(audit.map((a) => [a.actor, a.action, a.subject])).toEqual([
      ["api", "experiment_retire", "intent/value-compare@2"],
      ["api", "experiment_promote", "intent/straight-price@2"],
    ]);
    const last = await call("POST", "/api/experiments/first_contact/promote", { arm: "warm-welcome@2", force: true });
    expect(last.status).toBe(200);
    const refused = await call("POST", "/api/experiments/first_contact/retire", { arm: "warm-welcome@2" });
    expect(refused.status).toBe(409);
  });

  // After the test above, whose audit log it would otherwise add to.
  it('should answer 409 promotion_needs_force while the stage is collecting, and promote with "force": true', async () => {
    const refused = await call("POST", "/api/experiments/building_trust/promote", { arm: "guarantee-led@2" });
    expect(refused.status).toBe(409);
    const error = refused.json["error"] as { code: string; message: string };
    expect(error.code).toBe("promotion_needs_force");
    expect(error.message).toMatch(/^Stage building_trust is still collecting evidence: .*guarantee-led@2 0 decisions/);
    expect(error.message).toContain('"force": true');
    const forced = await call("POST", "/api/experiments/building_trust/promote", {
      arm: "guarantee-led@2",
      force: true,
    });
    expect(forced.status).toBe(200);
    expect(forced.json).toMatchObject({
      champion: "guarantee-led@2",
      retired: ["empathy-first@2", "proof-and-specifics@2"],
      warning: expect.stringMatching(/still collecting evidence.*Promoted with force\.$/),
      note: expect.stringMatching(/^Customers already assigned to a retired arm keep it/),
    });
  });

  it("should answer 404 with a reason for an outcome of an unknown customer", async () => {
    const answer = await call("POST", "/api/outcomes", { customer: "+15550001111", outcome: "won" });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ error: { code: "customer_unknown" } });
  });
});
