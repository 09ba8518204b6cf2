import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CommandIo } from "../../src/cli/command.js";
import { simulateCommand } from "../../src/cli/commands/simulate.js";

const SCENARIO = `name: tiny
customers: 400
arrivals_per_day: 400
stages:
  - stage: first_contact
    window_hours: 24
    delay_hours: { median: 3 }
    arms:
      - { variant: a, p: 0.4 }
      - { variant: b, p: 0.2 }
  - stage: closing
    window_hours: 24
    delay_hours: { median: 3 }
    arms:
      - { variant: x, p: 0.5 }
      - { variant: y, p: 0.3 }
`;

const PLAYBOOKS = join(import.meta.dirname, "../../playbooks");

let dir: string;

function io(env: NodeJS.ProcessEnv = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CommandIo = { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd: dir, isTty: false };
  return { io: value, out, err };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "closer-sim-"));
  mkdirSync(join(dir, "books", "scenarios"), { recursive: true });
  writeFileSync(join(dir, "books", "scenarios", "default.yaml"), SCENARIO);
  writeFileSync(join(dir, "tiny.yaml"), SCENARIO);
  writeFileSync(join(dir, "bad.yaml"), SCENARIO.replace("p: 0.2 }", "p: 2 }"));
  writeFileSync(
    join(dir, "reflect.yaml"),
    `${SCENARIO.replace("customers: 400", "customers: 1500").replace("arrivals_per_day: 400", "arrivals_per_day: 150")}` +
      "reflection:\n  every_days: 3\n  proposals_per_stage: 2\n  child_p: { mean_delta: 0.05, sd: 0.02 }\n",
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("closer simulate", () => {
  it("should write --json with exactly the documented keys", async () => {
    const { io: cli, out } = io();
    const code = await simulateCommand(
      [
        "--scenario",
        "tiny.yaml",
        "--seeds",
        "2",
        "--policies",
        "uniform,oracle",
        "--json",
        "out.json",
        "--workers",
        "1",
      ],
      cli,
    );
    expect(code).toBe(0);
    const json = JSON.parse(readFileSync(join(dir, "out.json"), "utf8"));
    expect(Object.keys(json)).toEqual([
      "scenario",
      "customers",
      "seeds",
      "policies",
      "decisionQuality",
      "stages",
      "weeklyConversion",
      "changeDetection",
      "reflection",
    ]);
    expect(json).toMatchObject({ scenario: "tiny", customers: 400, seeds: 2 });
    expect(Object.keys(json.policies)).toEqual(["uniform", "oracle"]);
    for (const policy of Object.values(json.policies) as Record<string, unknown>[]) {
      expect(Object.keys(policy)).toEqual(["regret", "won", "followUps", "bestArmShare", "regretOverLaiRobbins"]);
      expect(Object.keys(policy["regret"] as object)).toEqual(["mean", "se"]);
      expect(Object.keys(policy["won"] as object)).toEqual(["mean", "se"]);
      expect(Object.keys(policy["bestArmShare"] as object)).toEqual(["first_contact", "closing"]);
      expect(typeof policy["regretOverLaiRobbins"]).toBe("number");
    }
    expect(json.policies.oracle.regret).toEqual({ mean: 0, se: 0 });
    expect(json.policies.oracle.bestArmShare).toEqual({ first_contact: 1, closing: 1 });
    expect(json.decisionQuality).toMatchObject({ looks: "daily", counts: "matured", aa: false });
    expect(Object.keys(json.decisionQuality.policies)).toEqual(["uniform", "oracle"]);
    expect(out.join("\n")).toMatch(/regret \(mean ± se\)/);
    expect(out.join("\n")).toMatch(/^oracle +0\.0 ± 0\.0/m);
  });

  it("should write a self-contained HTML report with inline SVG charts", async () => {
    const { io: cli } = io();
    const code = await simulateCommand(
      ["--scenario", "tiny.yaml", "--seeds", "1", "--policies", "thompson,uniform", "--report", "r.html"],
      cli,
    );
    expect(code).toBe(0);
    const html = readFileSync(join(dir, "r.html"), "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain("Cumulative regret by week of arrival");
    expect(html).toContain("Conversion per week of arrival");
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html).toContain("closer simulate --scenario tiny.yaml --seeds 1");
  });

  it("should run PLAYBOOKS_DIR/scenarios/default.yaml when no scenario is given", async () => {
    const { io: cli, out } = io({ PLAYBOOKS_DIR: "books" });
    expect(await simulateCommand(["--seeds", "1", "--policies", "oracle"], cli)).toBe(0);
    expect(out[0]).toMatch(/^tiny: 1 seed × 1 policy × 400 customers in [\d.]+ s on 1 thread$/m);
  });

  it("should print every scenario problem as file:line:column and exit 1", async () => {
    const { io: cli, err } = io();
    expect(await simulateCommand(["--scenario", "bad.yaml"], cli)).toBe(1);
    expect(err).toEqual([expect.stringMatching(/^bad\.yaml:10:\d+ stages\[0\]\.arms\[1\]\.p: /)]);
  });

  it.each([
    [["--policies", "greedy"], /unknown policy 'greedy'/],
    [["--seeds", "0"], /--seeds must be at least 1/],
    [["--seeds", "x"], /--seeds must be a whole number/],
    [["--verdict-counts", "some"], /--verdict-counts must be resolved or matured/],
    [["--known-changes-stages", "first_contact,trust"], /no stage 'trust' \(stages: first_contact, closing\)/],
    [["--bogus"], /Unknown option '--bogus'/],
  ])("should refuse %j with exit 2", async (args, message) => {
    const { io: cli, err } = io();
    expect(await simulateCommand(["--scenario", "tiny.yaml", ...args], cli)).toBe(2);
    expect(err.join("\n")).toMatch(message);
  });

  it("should run --engine beside the fast simulator's Thompson on the same customers", async () => {
    const { io: cli, out } = io({ PLAYBOOKS_DIR: PLAYBOOKS });
    const code = await simulateCommand(
      ["--engine", "--scenario", join(PLAYBOOKS, "scenarios", "default.yaml"), "--customers", "60", "--json", "e.json"],
      cli,
    );
    expect(code).toBe(0);
    expect(out[0]).toMatch(/^spring-sale through the engine: 1 seed × 60 customers in/);
    const json = JSON.parse(readFileSync(join(dir, "e.json"), "utf8"));
    expect(Object.keys(json.policies)).toEqual(["engine", "thompson"]);
    expect(json.customers).toBe(60);
  }, 60_000);

  it("should refuse --engine with a scenario the playbooks cannot serve, with exit 2", async () => {
    const { io: cli, err } = io({ PLAYBOOKS_DIR: PLAYBOOKS });
    expect(await simulateCommand(["--engine", "--scenario", "tiny.yaml"], cli)).toBe(2);
    expect(err.join("\n")).toMatch(
      /--engine cannot run this scenario:\n.*the funnel's stages are first_contact, building_trust/,
    );
  });

  it("should run a reflection scenario with and without reflection on the same customers, week by week", async () => {
    const { io: cli, out } = io();
    const args = ["--scenario", "reflect.yaml", "--seeds", "2", "--draws", "500", "--workers", "1"];
    expect(await simulateCommand([...args, "--json", "r.json", "--report", "rr.html"], cli)).toBe(0);
    const text = out.join("\n");
    expect(text).toMatch(/^tiny: 2 seeds × 2 runs × 1,500 customers/m);
    expect(text).toMatch(/^thompson\+reflection /m);
    expect(text).toMatch(/Conversion per simulated week:\nweek +thompson\+reflection +thompson +reflection − none/);
    expect(text).toMatch(/^thompson\+reflection: per run [\d.]+ proposals, [\d.]+ graduated/m);
    const json = JSON.parse(readFileSync(join(dir, "r.json"), "utf8"));
    expect(Object.keys(json.policies)).toEqual(["thompson+reflection", "thompson"]);
    expect(json.weeklyConversion["thompson"]).toHaveLength(2);
    expect(json.reflection["thompson+reflection"].proposed).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "rr.html"), "utf8")).toContain("Conversion per simulated week");

    const { io: plain, out: plainOut } = io();
    expect(
      await simulateCommand([...args, "--no-reflection", "--policies", "thompson", "--json", "n.json"], plain),
    ).toBe(0);
    const without = JSON.parse(readFileSync(join(dir, "n.json"), "utf8"));
    expect(Object.keys(without.policies)).toEqual(["thompson"]);
    expect(without.policies.thompson).toEqual(json.policies.thompson);
    expect(without.weeklyConversion.thompson).toEqual(json.weeklyConversion.thompson);
    expect(plainOut.join("\n")).toMatch(/Conversion per simulated week:\nweek +thompson\n/);
  }, 120_000);

  it("should exit 2 when the scenario file cannot be read", async () => {
    const { io: cli, err } = io();
    expect(await simulateCommand(["--scenario", "missing.yaml"], cli)).toBe(2);
    expect(err[0]).toMatch(/cannot read missing\.yaml/);
  });
});
