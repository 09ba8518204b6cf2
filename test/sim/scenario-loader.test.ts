import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../src/sim/scenario-loader.js";

const SCENARIOS = join(import.meta.dirname, "../../playbooks/scenarios");
const VARIANTS = join(import.meta.dirname, "../../playbooks/variants");

const VALID = `name: tiny
customers: 100
stages:
  - stage: first_contact
    window_hours: 48
    delay_hours: { median: 6 }
    arms:
      - { variant: a, p: 0.3 }
      - { variant: b, p: 0.2 }
`;

function problemsOf(text: string) {
  const result = parseScenario(text, "s.yaml");
  if (result.ok) throw new Error("expected problems");
  return result.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`);
}

describe("parseScenario", () => {
  it("should fill the defaults: 500 arrivals a day, sigma 1.0, no changes, no new arms", () => {
    const result = parseScenario(VALID, "s.yaml");
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.scenario.arrivals_per_day).toBe(500);
    expect(result.scenario.stages[0]!.delay_hours).toEqual({ median: 6, sigma: 1 });
    expect(result.scenario.changes).toEqual([]);
    expect(result.scenario.new_arms).toEqual([]);
  });

  it.each(readdirSync(SCENARIOS).filter((f) => f.endsWith(".yaml")))("should load the shipped %s", (file) => {
    const result = parseScenario(readFileSync(join(SCENARIOS, file), "utf8"), file);
    expect(result.ok ? [] : result.problems).toEqual([]);
  });

  it.each(readdirSync(SCENARIOS).filter((f) => f.endsWith(".yaml")))(
    "should name only variants shipped in playbooks/variants/<stage>/ in %s",
    (file) => {
      const result = parseScenario(readFileSync(join(SCENARIOS, file), "utf8"), file);
      if (!result.ok) throw new Error("invalid scenario");
      const { stages, new_arms } = result.scenario;
      const named = [
        ...stages.flatMap((s) => s.arms.map((arm) => [s.stage, arm.variant] as const)),
        ...new_arms.map((arm) => [arm.stage, arm.variant] as const),
      ];
      for (const [stage, variant] of named) {
        const shipped = readdirSync(join(VARIANTS, stage)).map((f) => f.replace(/\.yaml$/, ""));
        expect(shipped, `${stage}/${variant}`).toContain(variant);
      }
    },
  );

  it("should have all arms equal within every stage in the A/A scenario", () => {
    const result = parseScenario(readFileSync(join(SCENARIOS, "aa-test.yaml"), "utf8"), "aa-test.yaml");
    if (!result.ok) throw new Error("invalid scenario");
    for (const stage of result.scenario.stages) expect(new Set(stage.arms.map((a) => a.p)).size).toBe(1);
  });

  it("should name the line and column of an unknown key, with the key", () => {
    expect(problemsOf(VALID.replace("    window_hours: 48", "    window_hours: 48\n    windw: 3"))).toEqual([
      "s.yaml:6:5 unknown key `windw` in stages[0]",
    ]);
  });

  it("should name the line of a value out of range", () => {
    const [problem] = problemsOf(VALID.replace("p: 0.2 }", "p: 1.2 }"));
    expect(problem).toMatch(/^s\.yaml:9:\d+ stages\[0\]\.arms\[1\]\.p: /);
  });

  it("should name a missing key at its parent", () => {
    expect(problemsOf(VALID.replace("    window_hours: 48\n", ""))).toEqual([
      "s.yaml:4:5 missing key `window_hours` in stages[0]",
    ]);
  });

  it("should name the line of a YAML syntax error", () => {
    const [problem] = problemsOf(`${VALID}  - stage: [unclosed\n`);
    expect(problem).toMatch(/^s\.yaml:1[01]:\d+ YAML syntax: /);
  });

  it("should refuse a change to a variant the stage does not have, at the variant's line", () => {
    const text = `${VALID}changes:\n  - { at_customer: 50, stage: first_contact, variant: zzz, p: 0.1 }\n`;
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^s\.yaml:11:\d+ changes\[0\]\.variant: stage `first_contact` has no variant `zzz`$/),
    ]);
  });

  it("should refuse a new arm in an unknown stage and one that duplicates an arm", () => {
    const text =
      `${VALID}new_arms:\n` +
      "  - { at_customer: 5, stage: closing, variant: c, p: 0.1 }\n" +
      "  - { at_customer: 5, stage: first_contact, variant: a, p: 0.1 }\n";
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^s\.yaml:11:\d+ new_arms\[0\]\.stage: no stage `closing` in stages$/),
      expect.stringMatching(/^s\.yaml:12:\d+ new_arms\[1\]\.variant: variant `a` is already in stage `first_contact`$/),
    ]);
  });

  it("should refuse a change to a new arm before it arrives, and events past the last customer", () => {
    const text =
      `${VALID}new_arms:\n  - { at_customer: 50, stage: first_contact, variant: c, p: 0.1 }\n` +
      "changes:\n  - { at_customer: 40, stage: first_contact, variant: c, p: 0.2 }\n" +
      "  - { at_customer: 100, stage: first_contact, variant: a, p: 0.2 }\n";
    expect(problemsOf(text)).toEqual([
      expect.stringMatching(/^s\.yaml:13:\d+ .*only arrives at customer 50/),
      expect.stringMatching(/^s\.yaml:14:\d+ .*must be below customers \(100\)/),
    ]);
  });

  it("should refuse a median delay longer than the window", () => {
    expect(problemsOf(VALID.replace("median: 6", "median: 60"))).toEqual([
      expect.stringMatching(/^s\.yaml:6:28 stages\[0\]\.delay_hours\.median: median delay 60 h must not exceed/),
    ]);
  });

  it("should say so when the file is empty", () => {
    expect(problemsOf("")).toEqual(["s.yaml:1:1 the file is empty"]);
  });
});
