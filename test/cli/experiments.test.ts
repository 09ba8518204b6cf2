import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { openSqliteDatabase } from "../../src/store/sqlite-database.js";
import { loadPlaybookSet, nodeFileReader, type PlaybookSet } from "../../src/strategies/index.js";
import { seedAssignments, seedPolicy, times } from "../experiments/experiment-fixtures.js";
import { PLAYBOOKS_DIR, type TempInstall, tempInstall } from "./cli-fixtures.js";

/** The report's shape as issue 4 writes it, independent of the product's own schema. */
const issueShape = z.strictObject({
  stages: z.array(
    z.strictObject({
      stage: z.string(),
      verdict: z.enum(["collecting", "winner", "no_winner_yet"]),
      winner: z.string().nullable(),
      srm: z.strictObject({ pValue: z.number(), alarm: z.boolean() }),
      arms: z.array(
        z.strictObject({
          variant: z.string(),
          version: z.number().int(),
          status: z.enum(["champion", "active", "candidate", "retired"]),
          decisions: z.number().int(),
          successes: z.number().int(),
          failures: z.number().int(),
          pending: z.number().int(),
          posteriorMean: z.number(),
          credibleInterval: z.tuple([z.number(), z.number()]),
          pBest: z.number().nullable(),
          expectedLoss: z.number().nullable(),
          weight: z.number(),
        }),
      ),
    }),
  ),
});

describe("closer experiments", () => {
  let install: TempInstall;
  let set: PlaybookSet;

  beforeAll(async () => {
    const loaded = await loadPlaybookSet(PLAYBOOKS_DIR, nodeFileReader);
    if (!loaded.ok) throw new Error("the shipped playbooks do not load");
    set = loaded.set;
  });
  beforeEach(() => {
    install = tempInstall();
  });
  afterEach(() => {
    install.remove();
  });

  it("should print, on a fresh install, JSON of the issue's shape: stages from the funnel, arms from the playbooks, zero counts", async () => {
    const run = await install.run("experiments", "--json");
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    const report = issueShape.parse(JSON.parse(run.out));
    expect(report.stages.map((s) => s.stage)).toEqual(set.funnel.stages.map((s) => s.id));
    for (const stage of report.stages) {
      const variants = set.variants.filter((v) => v.stage === stage.stage);
      expect(stage.arms.map((a) => `${a.variant}@${a.version}`).sort()).toEqual(
        variants.map((v) => `${v.id}@${v.version}`).sort(),
      );
      for (const arm of stage.arms) {
        expect(arm.status).toBe(variants.find((v) => v.id === arm.variant)?.status);
        expect([arm.decisions, arm.successes, arm.failures, arm.pending]).toEqual([0, 0, 0, 0]);
        expect(arm.posteriorMean).toBe(0.5);
      }
      const weights = stage.arms.reduce((sum, a) => sum + a.weight, 0);
      expect(weights).toBeCloseTo(1, 12);
      expect(stage.verdict).toBe("collecting");
      expect(stage.srm).toEqual({ pValue: 1, alarm: false });
    }
  });

  it("should print a table per stage with the verdict, the SRM check and a row per arm", async () => {
    const run = await install.run("experiments");
    expect(run.code).toBe(0);
    for (const stage of set.funnel.stages)
      expect(run.out).toContain(`${stage.id}: collecting; SRM p-value 1.0000, no alarm`);
    for (const v of set.variants)
      expect(run.out).toMatch(new RegExp(`${v.id}@${v.version}\\s+${v.status}\\s+0\\s+0\\s+0\\s+0\\s+0\\.500`));
    expect(run.out).toContain("95% CI");
    expect(run.out).toContain("P(best)");
  });

  it.each([
    ["experiments", /closer experiments \[--json\]/],
    ["experiments evaluate", /--policy/],
    ["experiments srm-ack", /acknowledge/],
    ["promote", /--keep-challengers/],
    ["retire", /last arm in rotation/],
    ["outcome", /--event-id/],
  ])("should explain itself with --help: %s", async (name, text) => {
    const run = await install.run(name, "--help");
    expect(run.code).toBe(0);
    expect(run.out).toMatch(text);
  });

  it("should refuse an unknown option with the usage and exit status 1", async () => {
    const run = await install.run("experiments", "--jsn");
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/Unknown option '--jsn'/);
    expect(run.err).toMatch(/usage: closer experiments \[--json\]/);
  });

  it("should exit 1 with the variable's name on a bad configuration", async () => {
    const run = await tempInstall({ PLAYBOOKS_DIR, PORT: "eighty" }).run("experiments");
    expect(run.code).toBe(1);
    expect(run.err).toMatch(/PORT/);
  });

  it("should exit 1 with one line naming DATA_DIR when it cannot be created", async () => {
    const file = join(install.dir, "not-a-folder");
    writeFileSync(file, "x");
    const run = await tempInstall({ DATA_DIR: join(file, "data") }).run("experiments");
    expect(run.code).toBe(1);
    expect(run.err).toBe(
      `closer experiments: DATA_DIR ${join(file, "data")} cannot be created (a part of the path is a file, not a folder): ` +
        "give this user write access to it, or set DATA_DIR to a folder it can write",
    );
  });

  it("should exit 2 without a stack trace on an unexpected failure", async () => {
    const broken = tempInstall();
    mkdirSync(broken.env["DATA_DIR"] as string);
    writeFileSync(join(broken.env["DATA_DIR"] as string, "closer.db"), "this is not a SQLite database, it is a note");
    const run = await broken.run("experiments");
    broken.remove();
    expect(run.code).toBe(2);
    expect(run.err).toMatch(/^closer experiments: unexpected error: /);
    expect(run.err).not.toMatch(/\n\s+at /);
  });

  describe("evaluate", () => {
    it("should say there is nothing to evaluate on a fresh install", async () => {
      const run = await install.run("experiments evaluate", "--stage", "closing", "--policy", "uniform");
      expect(run.code).toBe(0);
      expect(run.out).toMatch(/closing: policy uniform/);
      expect(run.out).toMatch(/no estimate: no logged decisions/);
    });

    it("should read a weights file and print JSON with --json", async () => {
      const file = join(install.dir, "weights.json");
      writeFileSync(file, JSON.stringify({ "reserve-now@2": 0.5, "simple-steps@2": 0.5 }));
      const run = await install.run("experiments evaluate", "--stage", "closing", "--policy", "weights.json", "--json");
      expect(run.code).toBe(0);
      expect(JSON.parse(run.out)).toMatchObject({
        stage: "closing",
        policy: "weights",
        target: { "reserve-now@2": 0.5, "simple-steps@2": 0.5 },
        n: 0,
      });
    });

    it("should say why IPS is above 1, and show both estimates inside [0, 1] with their intervals", async () => {
      await install.run("experiments"); // creates and migrates the database
      const db = openSqliteDatabase({ file: join(install.env["DATA_DIR"] as string, "closer.db") });
      try {
        // A lucky log: simple-steps, logged with probability 0.2, won all 5 of its 20 decisions' share.
        const policyId = await seedPolicy(db, "closing", { "simple-steps@2": 0.2, "reserve-now@2": 0.8 });
        const seed = { stage: "closing", policyId } as const;
        await seedAssignments(db, [
          ...times(5, { ...seed, arm: "simple-steps@2", propensity: 0.2, status: "success" }),
          ...times(15, { ...seed, arm: "reserve-now@2", propensity: 0.8, status: "failure" }),
        ]);
      } finally {
        await db.destroy();
      }
      writeFileSync(join(install.dir, "steps.json"), JSON.stringify({ "simple-steps@2": 1 }));
      const run = await install.run("experiments evaluate", "--stage", "closing", "--policy", "steps.json");
      expect(run.err).toBe("");
      expect(run.code).toBe(0);
      const lines = run.out.split("\n");
      expect(lines[1]).toBe("  logged decisions 20, matching the policy 5, effective sample size 5.0");
      expect(lines[2]).toMatch(
        /^ {2}IPS {3}success rate 1\.2500 ± 0\.4967 \(standard error\), 95 % interval \[0\.2765, 1\.0000\]$/,
      );
      expect(lines.slice(3, 5).join(" ")).toMatch(/above 1: IPS .* not bounded by 1.*read the interval, or SNIPS/);
      expect(lines[5]).toBe(
        "  SNIPS success rate 1.0000 ± 0.0000 (standard error), 95 % interval [1.0000, 1.0000] (self-normalised, always within [0, 1])",
      );
      for (const [, value] of run.out.matchAll(/interval \[([\d.]+), ([\d.]+)\]/g)) {
        expect(Number(value)).toBeLessThanOrEqual(1);
      }
      const json = await install.run("experiments evaluate", "--stage", "closing", "--policy", "steps.json", "--json");
      expect(JSON.parse(json.out)).toMatchObject({
        ips: {
          estimate: 1.25,
          interval: [expect.closeTo(1.25 - 1.959963984540054 * Math.sqrt(93.75 / 19 / 20), 9), 1],
        },
        snips: { estimate: 1, interval: [1, 1] },
        effectiveSampleSize: 5,
      });
    });

    it.each([
      [["--policy", "uniform"], /--stage is required/],
      [["--stage", "closing", "--policy", "missing.json"], /not champion, uniform or a readable JSON file/],
      [["--stage", "checkout"], /not a stage of the funnel/],
    ])("should exit 1 for %j", async (args, message) => {
      const run = await install.run("experiments evaluate", ...args);
      expect(run.code).toBe(1);
      expect(run.err).toMatch(message);
    });
  });

  describe("srm-ack", () => {
    it("should exit 1 when the stage has no alarm", async () => {
      const run = await install.run("experiments srm-ack", "closing", "--reason", "checked");
      expect(run.code).toBe(1);
      expect(run.err).toMatch(/no SRM alarm to acknowledge/);
    });
  });
});
