/**
 * Issue 4, end to end: customers reach the closing stage through the playground
 * API, a seeded script decides who buys (one closing variant truly converts
 * better), outcomes come in through POST /api/outcomes, and the resolution and
 * weight jobs run at an injected clock through the admin job endpoints. The
 * weights and the verdict move toward the better arm; a promotion then sends
 * every new closing customer to the champion.
 *
 * The service runs in-process (`startCloser` with a ManualClock) over a real
 * SQLite file and real HTTP on 127.0.0.1; its cron jobs are set to a date that
 * does not come during the test, so only the test drives them.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { experimentReportSchema, type StageReport } from "../../src/analytics/index.js";
import { loadConfig } from "../../src/config.js";
import { ManualClock } from "../../src/engine/index.js";
import { createSeededRandom } from "../../src/experiments/index.js";
import { silentLogger } from "../../src/log.js";
import { type Closer, startCloser } from "../../src/main.js";

const TOKEN = "e2e-admin-token-0123456789abcdef";
const BETTER = "simple-steps@2";
const WORSE = "reserve-now@2";
/** The script's truth: the probability that a customer who got the arm buys. */
const TRUE_RATE: Record<string, number> = { [BETTER]: 0.7, [WORSE]: 0.2 };
const ROUNDS = 10;
const CUSTOMERS_PER_ROUND = 30;
const MINUTE = 60_000;
const DAY = 86_400_000;
/** A date no test run reaches: keeps node-cron from firing the jobs on its own. */
const NEVER_CRON = "0 0 1 1 *";

interface Reply {
  stage: string;
  variant: string | null;
  version: number | null;
  propensity: number | null;
}

/** The shipped playbooks with small thresholds and only two closing variants. */
function testPlaybooks(dir: string): string {
  const target = join(dir, "playbooks");
  cpSync(resolve(import.meta.dirname, "../../playbooks"), target, { recursive: true });
  const funnelFile = join(target, "funnel.yaml");
  const funnel = parseDocument(readFileSync(funnelFile, "utf8"));
  for (const [key, value] of Object.entries({
    burn_in: 5,
    min_decisions: 20,
    min_successes: 5,
    min_days: 0,
    floor: 0.2,
  })) {
    funnel.setIn(["experiment", key], value);
  }
  const stages = funnel.get("stages") as { items: { get(key: string): unknown; delete(key: string): void }[] };
  for (const stage of stages.items) stage.delete("experiment");
  writeFileSync(funnelFile, funnel.toString());
  rmSync(join(target, "variants/closing/limited-offer.yaml"));
  rmSync(join(target, "variants/closing/reassurance-first.yaml"));
  return target;
}

describe("experiments, end to end", () => {
  let dir: string;
  let closer: Closer;
  const clock = new ManualClock(Date.UTC(2026, 2, 2, 9, 0, 0));
  const script = createSeededRandom(20260302);
  let customerNumber = 0;

  async function api<T>(
    method: "GET" | "POST",
    path: string,
    body?: unknown,
    auth = true,
  ): Promise<{ status: number; json: T }> {
    const response = await fetch(`${closer.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { "content-type": "application/json" }),
        ...(auth ? { authorization: `Bearer ${TOKEN}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as T };
  }

  /** A new customer who asks how to order, which puts them straight in the closing stage. */
  async function newClosingCustomer(): Promise<{ phone: string; arm: string; propensity: number }> {
    clock.advance(MINUTE);
    const phone = `+1555300${String(++customerNumber).padStart(4, "0")}`;
    const { status, json } = await api<{ replies: Reply[]; customer: { stage: string } }>(
      "POST",
      "/api/playground/messages",
      { from: phone, name: `Customer ${customerNumber}`, text: "Hi! How do I order the blender?" },
      true, // the admin token: the reply then names its arm
    );
    expect(status).toBe(200);
    expect(json.customer.stage).toBe("closing");
    const reply = json.replies[0];
    expect(reply?.stage).toBe("closing");
    return { phone, arm: `${reply?.variant}@${reply?.version}`, propensity: reply?.propensity ?? Number.NaN };
  }

  async function closingReport(): Promise<StageReport> {
    const { status, json } = await api<unknown>("GET", "/api/experiments");
    expect(status).toBe(200);
    const report = experimentReportSchema.parse(json);
    return report.stages.find((s) => s.stage === "closing") as StageReport;
  }

  const weightOf = (stage: StageReport, key: string) =>
    stage.arms.find((a) => `${a.variant}@${a.version}` === key)?.weight ?? Number.NaN;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "closer-experiments-e2e-"));
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: join(dir, "data"),
      PLAYBOOKS_DIR: testPlaybooks(dir),
      CLOSER_ADMIN_TOKEN: TOKEN,
      CLOSER_RANDOM_SEED: "11",
      // 300 customers in a few seconds, all from 127.0.0.1.
      RATE_LIMIT_PLAYGROUND: "0",
      RATE_LIMIT_ADMIN: "0",
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

  it("should learn that the better closing variant sells, name it the winner, and promote it", {
    timeout: 60_000,
  }, async () => {
    const initial = await closingReport();
    expect(initial.verdict).toBe("collecting");
    expect(initial.arms.map((a) => [`${a.variant}@${a.version}`, a.weight])).toEqual([
      [WORSE, 0.5],
      [BETTER, 0.5],
    ]);

    const weights: number[] = [];
    const verdicts: string[] = [];
    const shareOfBetter: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const customers = [];
      for (let i = 0; i < CUSTOMERS_PER_ROUND; i++) customers.push(await newClosingCustomer());
      shareOfBetter.push(customers.filter((c) => c.arm === BETTER).length / customers.length);
      if (round === 0) for (const c of customers) expect(c.propensity).toBe(0.5);

      let leftToExpire = 0;
      for (const [i, c] of customers.entries()) {
        clock.advance(MINUTE);
        const buys = script.next() < (TRUE_RATE[c.arm] ?? 0);
        if (buys || script.next() < 0.5) {
          const outcome = buys
            ? { customer: c.phone, outcome: "won", value: 59, currency: "USD", eventId: `order-${round}-${i}` }
            : { customer: c.phone, outcome: "lost", reason: "chose another shop" };
          const { status, json } = await api<{ resolved: number }>("POST", "/api/outcomes", outcome);
          expect(status).toBe(200);
          expect(json.resolved).toBe(1);
        } else {
          leftToExpire++;
        }
      }
      clock.advance(8 * DAY);
      const expiry = await api<{ expired: number }>("POST", "/api/jobs/expire-windows", {});
      expect(expiry.json.expired).toBe(leftToExpire);
      const update = await api<{ stages: { stage: string; status: string }[] }>("POST", "/api/jobs/update-weights", {});

      expect(update.json.stages.find((s) => s.stage === "closing")).toMatchObject({ status: "updated" });

      const closing = await closingReport();
      expect(closing.srm.alarm).toBe(false);
      expect(closing.arms.reduce((n, a) => n + a.decisions + a.pending, 0)).toBe((round + 1) * CUSTOMERS_PER_ROUND);
      expect(closing.arms.every((a) => a.pending === 0)).toBe(true);
      weights.push(weightOf(closing, BETTER));
      verdicts.push(closing.verdict);
    }

    // the weights move toward the better arm: up from 0.5 to the floor's limit, 1 − 0.2
    expect(weights[0]).toBeGreaterThan(0.5);
    expect(weights.at(-1)).toBeGreaterThan(0.75);
    // round 0 drew from 50/50 weights; afterwards most customers get the better arm
    const later = shareOfBetter.slice(1);
    expect(later.reduce((sum, share) => sum + share, 0) / later.length).toBeGreaterThan(0.7);
    // the verdict moves from collecting to naming the better arm
    expect(verdicts[0]).toBe("collecting");
    expect(verdicts.at(-1)).toBe("winner");
    const beforePromotion = await closingReport();
    expect(beforePromotion.winner).toBe(BETTER);
    const better = beforePromotion.arms.find((a) => a.variant === "simple-steps");
    const worse = beforePromotion.arms.find((a) => a.variant === "reserve-now");
    expect(better!.pBest).toBeGreaterThan(0.95);
    expect(better!.posteriorMean).toBeGreaterThan(worse!.posteriorMean);

    // the logged propensities say the champion-only policy would have done better than a uniform rotation
    const uniform = await api<{ snips: { estimate: number } }>(
      "GET",
      "/api/experiments/closing/evaluate?policy=uniform",
    );
    const alwaysBetter = await api<{ snips: { estimate: number } }>(
      "GET",
      `/api/experiments/closing/evaluate?policy=${encodeURIComponent(JSON.stringify({ [BETTER]: 1 }))}`,
    );
    expect(alwaysBetter.json.snips.estimate).toBeGreaterThan(uniform.json.snips.estimate);

    // a won customer's profile says so
    const someone = await api<{ profile: { purchaseProbability: number } }>("GET", "/api/customers/+15553000001");
    expect([1, 0.02]).toContain(someone.json.profile.purchaseProbability);

    // promote: every new customer in closing goes to the champion, with propensity 1
    const promotion = await api<{ champion: string; retired: string[]; weights: Record<string, number> }>(
      "POST",
      "/api/experiments/closing/promote",
      { arm: BETTER, reason: "winner of the closing experiment" },
    );
    expect(promotion.status).toBe(200);
    expect(promotion.json).toMatchObject({ champion: BETTER, retired: [WORSE], weights: { [BETTER]: 1 } });
    for (let i = 0; i < 12; i++) {
      const c = await newClosingCustomer();
      expect(c.arm).toBe(BETTER);
      expect(c.propensity).toBe(1);
    }
    const after = await closingReport();
    expect(after.arms.find((a) => a.variant === "reserve-now")).toMatchObject({
      status: "retired",
      weight: 0,
      decisions: worse!.decisions,
    });
    expect(after.arms.find((a) => a.variant === "simple-steps")).toMatchObject({ status: "champion", weight: 1 });

    // a retired arm never comes back under the same version
    const again = await api<{ error: { code: string } }>("POST", "/api/experiments/closing/promote", { arm: WORSE });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("experiment_invalid");
  });
});
