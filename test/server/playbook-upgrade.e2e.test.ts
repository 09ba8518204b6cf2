/**
 * An existing user upgrades: a data folder that served the shipped playbooks of 2 December 2026
 * (every variant at version 1, kept in fixtures/) starts with today's shipped playbooks. Real
 * service in-process on a real SQLite file, customers through the playground API on 127.0.0.1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { experimentReportSchema, type StageReport } from "../../src/analytics/index.js";
import type { CommandIo } from "../../src/cli/command.js";
import { playbooksLintCommand } from "../../src/cli/commands/playbooks-lint.js";
import { loadConfig } from "../../src/config.js";
import { ManualClock } from "../../src/engine/index.js";
import { silentLogger } from "../../src/log.js";
import { type Closer, startCloser } from "../../src/main.js";
import { loadPlaybookSet, nodeFileReader, type PlaybookSet, variantKey } from "../../src/strategies/index.js";

const TOKEN = "upgrade-admin-token-0123456789abcdef";
const NEVER_CRON = "0 0 1 1 *";
const OLD_PLAYBOOKS = resolve(import.meta.dirname, "fixtures/playbooks-2026-12-02");
const SHIPPED = resolve(import.meta.dirname, "../../playbooks");
const HOUR = 3_600_000;

/**
 * The hashes the code of 2 December 2026 (commit 38f6cf9) recorded for its shipped variants at first
 * service, computed with that commit's own `contentHash`. Today's code must compute the same ones from
 * the same files, or every upgraded data folder would refuse its own unchanged history.
 */
const HASHES_SERVED_ON_2026_12_02: Record<string, string> = {
  "empathy-first@1": "89b20d6f8b613b78c731963a3f5ec2b31693b2fb250a805b39cf84fcd7f93ad0",
  "guarantee-led@1": "835f1494baf13bed0189ff202a7c6b142c2b847c3e810f94203b722209cc8c3f",
  "proof-and-specifics@1": "9cac3482acc19ac5b1374a18f56e088c6661ff28443bf9f91d716ca7c4df71f4",
  "limited-offer@1": "9b38abb234c1e9542f77aed7d7c8bdd01aa846c271a9045ffe5fe33fb1e6c7c4",
  "reassurance-first@1": "d34250957da7ce7c4f50a4af25bd90aa5cf01e2f69d597c0fbf9de44e80a68f7",
  "reserve-now@1": "40d11bf28b44f2c50aa27ddf63d2979926c092f2e239d4ee4d5315fa4a03ae82",
  "simple-steps@1": "4479e7d873751fd2e12ea09782a9850c8906d641897ebccf8ed36e632903259e",
  "product-first@1": "7e8ea87ec848391f5599e53b52d4e1381a058087d64d7d7d6a254cc82fdaebc0",
  "question-led@1": "104f6d88974f44f6d7926b8dcbc91be2c7cb552c7014db9865ce82beac068291",
  "warm-welcome@1": "288b5747037d4327e7e25ef4728cb403932647dd4be7e24de0bda7d8ee10cece",
  "fit-finder@1": "413f4a82ebe17f00246c0be896e1abb8625825a98c252d4a34a411c1a6f40c7c",
  "straight-price@1": "483d19c08a4a801583fc6da26b55f1bbec69e6dc8922ba21a872e7d1e3f3d808",
  "value-compare@1": "55201b185eeecb744d6d5f8cd2129936a61a55c8908f56949fbb36adf8695742",
};

interface PlaygroundReply {
  text: string;
  stage: string;
  variant: string | null;
  version: number | null;
}
interface PlaygroundAnswer {
  replies: PlaygroundReply[];
  customer: { stage: string };
}

const HELLO = "Hi there!";
const PRICE = "How much is the dutch oven? Is there any discount?";
const TRUST = "Is the dutch oven good quality? What warranty does it have?";
const BUY = "Great, I'll take it. How do I order and pay?";

describe("upgrading a data folder that served the playbooks of 2 December 2026", () => {
  let dir: string;
  let dataDir: string;
  let closer: Closer | undefined;
  const clock = new ManualClock(Date.UTC(2026, 11, 2, 10, 0, 0));
  const phone = (n: number) => `+1555010${String(n).padStart(4, "0")}`;
  /** The arm (`variant@version`) each customer got per stage, from the replies. */
  const armsOf = new Map<string, Map<string, string>>();
  /** Today's shipped playbooks. */
  let current: PlaybookSet;

  async function start(playbooks: string): Promise<Closer> {
    const config = loadConfig({
      HOST: "127.0.0.1",
      PORT: "0",
      DATA_DIR: dataDir,
      PLAYBOOKS_DIR: playbooks,
      PLAYBOOKS_WATCH: "off",
      CLOSER_ADMIN_TOKEN: TOKEN,
      CLOSER_RANDOM_SEED: "11",
      WEIGHTS_CRON: NEVER_CRON,
      RESOLVE_CRON: NEVER_CRON,
      REFLECT_CRON: NEVER_CRON,
      FOLLOW_UP_CRON: NEVER_CRON,
      RATE_LIMIT_PLAYGROUND: "0",
      RATE_LIMIT_ADMIN: "0",
      LOG_LEVEL: "silent",
    });
    return startCloser(config, silentLogger(), { clock });
  }

  async function say(from: string, text: string): Promise<PlaygroundReply> {
    if (closer === undefined) throw new Error("the service is not running");
    const response = await fetch(`${closer.url}/api/playground/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ from, name: "Ana", text }),
    });
    expect(response.status).toBe(200);
    const answer = (await response.json()) as PlaygroundAnswer;
    const reply = answer.replies[0];
    if (reply === undefined) throw new Error(`no reply to ${JSON.stringify(text)}`);
    const arms = armsOf.get(from) ?? new Map<string, string>();
    arms.set(reply.stage, `${reply.variant}@${reply.version}`);
    armsOf.set(from, arms);
    clock.advance(5 * 60_000);
    return reply;
  }

  async function experiments(): Promise<StageReport[]> {
    if (closer === undefined) throw new Error("the service is not running");
    const response = await fetch(`${closer.url}/api/experiments`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    return experimentReportSchema.parse(await response.json()).stages;
  }

  async function served(): Promise<Map<string, string>> {
    if (closer === undefined) throw new Error("the service is not running");
    const rows = await closer.db
      .selectFrom("variant_versions")
      .select(["id", "content_hash"])
      .where("first_served_at", "is not", null)
      .execute();
    return new Map(rows.map((row) => [row.id, row.content_hash]));
  }

  /** Intent assignments of the arm `key` resolved as successes. */
  async function intentSuccesses(key: string): Promise<number> {
    if (closer === undefined) throw new Error("the service is not running");
    const [variant, version] = key.split("@");
    const row = await closer.db
      .selectFrom("assignments")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("stage", "=", "intent")
      .where("variant_id", "=", variant as string)
      .where("variant_version", "=", Number(version))
      .where("status", "=", "success")
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async function lint(): Promise<{ code: number; out: string }> {
    const out: string[] = [];
    const io: CommandIo = {
      out: (text) => out.push(text),
      err: (text) => out.push(text),
      env: { DATA_DIR: dataDir, LOG_LEVEL: "silent" },
      cwd: dir,
      isTty: false,
    };
    const code = await playbooksLintCommand([SHIPPED], io);
    return { code, out: out.join("\n") };
  }

  beforeAll(async () => {
    const loaded = await loadPlaybookSet(SHIPPED, nodeFileReader);
    if (!loaded.ok) throw new Error("the shipped playbooks do not load");
    current = loaded.set;
    dir = mkdtempSync(join(tmpdir(), "closer-upgrade-"));
    dataDir = join(dir, "data");
    // The old install: 12 customers say hello, 6 ask the price (3 of them buy), 4 ask about quality.
    // Two days later the welcome's 48-hour windows have closed (10 moved on, 2 did not); the customers
    // in `building_trust` and `intent` are still inside theirs.
    closer = await start(OLD_PLAYBOOKS);
    for (let n = 0; n < 12; n++) await say(phone(n), HELLO);
    for (let n = 0; n < 6; n++) await say(phone(n), PRICE);
    for (let n = 0; n < 3; n++) await say(phone(n), BUY);
    for (let n = 6; n < 10; n++) await say(phone(n), TRUST);
    clock.advance(49 * HOUR);
    const expired = await fetch(`${closer.url}/api/jobs/expire-windows`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${TOKEN}` },
      body: "{}",
    });
    expect(await expired.json()).toMatchObject({ expired: 2 });
  });
  afterAll(async () => {
    await closer?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("served version 1 of the old variants, recording the hashes the code of that day recorded", async () => {
    const recorded = await served();
    expect(recorded.size).toBeGreaterThanOrEqual(6);
    for (const [key, hash] of recorded) expect(hash, key).toBe(HASHES_SERVED_ON_2026_12_02[key]);
    expect([...armsOf.values()].flatMap((arms) => [...arms.values()]).every((arm) => arm.endsWith("@1"))).toBe(true);
  });

  it("every shipped variant whose text changed since has a new version", async () => {
    const old = await loadPlaybookSet(OLD_PLAYBOOKS, nodeFileReader);
    if (!old.ok) throw new Error("the old playbooks do not load");
    expect(old.set.variants.map((v) => v.id).sort()).toEqual(current.variants.map((v) => v.id).sort());
    for (const variant of current.variants) {
      const before = old.set.variants.find((v) => v.id === variant.id);
      if (before === undefined || before.hash === variant.hash) continue;
      expect(variant.version, variant.id).toBeGreaterThan(before.version);
    }
    // The fixture is what that day shipped and served: all 13 variants at version 1, hashed as then.
    expect(Object.fromEntries(old.set.variants.map((v) => [variantKey(v), v.hash]))).toEqual(
      HASHES_SERVED_ON_2026_12_02,
    );
  });

  it("lints today's playbooks clean against the old data folder, served versions checked", async () => {
    await closer?.stop();
    closer = undefined;
    const run = await lint();
    expect(run.code, run.out).toBe(0);
    expect(run.out).not.toMatch(/error|has served customers and its text changed/);
    expect(run.out).toMatch(
      /Served versions: checked against .*closer\.db \(\d+ versions? ha(s|ve) served customers\)/,
    );
  });

  it("starts with today's playbooks on that folder without a refusal; the new versions enter as new arms", async () => {
    clock.advance(HOUR);
    closer = await start(SHIPPED);

    const stages = await experiments();
    const arms = stages.flatMap((stage) => stage.arms.map((arm) => ({ ...arm, stage: stage.stage })));
    for (const variant of current.variants) {
      // Every current version is an arm with the status its file gives it and no statistics yet.
      const arm = arms.find((a) => a.variant === variant.id && a.version === variant.version);
      expect(arm, `${variant.id}@${variant.version}`).toMatchObject({
        stage: variant.stage,
        status: variant.status,
        decisions: 0,
        pending: 0,
      });
      // Every older version is retired automatically and keeps its own statistics.
      for (const older of arms.filter((a) => a.variant === variant.id && a.version < variant.version))
        expect(older.status, `${older.variant}@${older.version}`).toBe("retired");
    }
    // The 12 welcomes of the old install stay with the version 1 arms that served them.
    const welcomes = arms.filter((a) => a.stage === "first_contact");
    const total = (field: "decisions" | "successes" | "failures" | "pending", version: number) =>
      welcomes.filter((a) => a.version === version).reduce((sum, a) => sum + a[field], 0);
    expect([total("decisions", 1), total("successes", 1), total("failures", 1), total("pending", 1)]).toEqual([
      12, 10, 2, 0,
    ]);
    expect(total("decisions", 2) + total("pending", 2)).toBe(0);
    // The stage's policy now draws among the current versions only.
    const weighted = stages.flatMap((stage) => stage.arms.filter((a) => a.weight > 0));
    expect(weighted.map((a) => `${a.variant}@${a.version}`).sort()).toEqual(
      current.variants
        .filter((v) => v.status !== "retired" && v.status !== "proposed")
        .map(variantKey)
        .sort(),
    );
  });

  it("gives a new customer a current version in every stage", async () => {
    const current = new Set(
      (await experiments()).flatMap((stage) =>
        stage.arms.filter((arm) => arm.status !== "retired").map((arm) => `${arm.variant}@${arm.version}`),
      ),
    );
    const fresh = phone(99);
    for (const text of [HELLO, PRICE, BUY]) {
      const reply = await say(fresh, text);
      expect(current, `${reply.stage}: ${reply.variant}@${reply.version}`).toContain(
        `${reply.variant}@${reply.version}`,
      );
    }
    expect([...(armsOf.get(fresh)?.keys() ?? [])]).toEqual(["first_contact", "intent", "closing"]);
  });

  it("answers a customer still in a stage on an old version with the new text; the outcome counts for the old version", async () => {
    const waiting = phone(4); // asked the price before the upgrade, inside intent's 96-hour window
    const before = armsOf.get(waiting)?.get("intent") as string;
    expect(before).toMatch(/^(fit-finder|straight-price|value-compare)@1$/);
    const variant = before.replace(/@1$/, "");
    const successor = `${variant}@${current.variants.find((v) => v.id === variant)?.version}`;

    const reply = await say(waiting, "And how much is shipping for the dutch oven?");
    expect(reply.stage).toBe("intent");
    expect(`${reply.variant}@${reply.version}`).toBe(successor);
    expect(reply.text.length).toBeGreaterThan(10);

    const successesBefore = await intentSuccesses(before);
    const successorBefore = await intentSuccesses(successor);
    const bought = await say(waiting, BUY);
    expect(bought.stage).toBe("closing");
    expect(await intentSuccesses(before)).toBe(successesBefore + 1);
    expect(await intentSuccesses(successor)).toBe(successorBefore);
    expect((await experiments()).find((stage) => stage.stage === "intent")?.arms).toContainEqual(
      expect.objectContaining({ variant, version: 1, status: "retired" }),
    );
  });
});
