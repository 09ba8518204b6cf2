import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { engineMismatches, simulateThroughEngine, stageTexts } from "../../src/sim/engine-simulation.js";
import { parseScenario } from "../../src/sim/scenario-loader.js";
import type { Scenario } from "../../src/sim/scenario-schema.js";
import { loadPlaybookSet, nodeFileReader, type PlaybookSet } from "../../src/strategies/index.js";

const PLAYBOOKS = join(import.meta.dirname, "../../playbooks");

function shipped(name: string): Scenario {
  const file = join(PLAYBOOKS, "scenarios", name);
  const result = parseScenario(readFileSync(file, "utf8"), name);
  if (!result.ok) throw new Error(`${name} does not load`);
  return result.scenario;
}

async function playbooks(): Promise<PlaybookSet> {
  const loaded = await loadPlaybookSet(PLAYBOOKS, nodeFileReader);
  if (!loaded.ok) throw new Error("the shipped playbooks do not load");
  return loaded.set;
}

describe("engineMismatches", () => {
  it("should accept the default scenario with the shipped playbooks", async () => {
    expect(engineMismatches(shipped("default.yaml"), await playbooks())).toEqual([]);
  });

  it("should refuse new arms, other windows and other arms, naming each", async () => {
    const base = shipped("default.yaml");
    const [first, ...rest] = base.stages;
    const changed: Scenario = {
      ...base,
      stages: [
        { ...first!, window_hours: 24, arms: [...first!.arms.slice(1), { variant: "shouting", p: 0.1 }] },
        ...rest,
      ],
      new_arms: [{ at_customer: 5, stage: "intent", variant: "extra", p: 0.3 }],
    };
    const problems = engineMismatches(changed, await playbooks());
    expect(problems).toEqual([
      expect.stringMatching(/^new_arms /),
      "first_contact: window_hours is 48 in the funnel, 24 here",
      expect.stringMatching(/^first_contact: the playbooks rotate .*; the scenario has .*shouting/),
    ]);
  });
});

describe("stageTexts", () => {
  it("should find, per stage, a message that stage recognises and no later stage does", async () => {
    const { funnel } = await playbooks();
    const texts = stageTexts(funnel);
    expect(texts).toHaveLength(funnel.stages.length);
    texts.forEach((text, i) => {
      expect(funnel.stages[i]!.matcher.matches(text)).toBe(true);
      for (const later of funnel.stages.slice(i + 1)) expect(later.matcher.matches(text)).toBe(false);
    });
  });
});

describe("simulateThroughEngine", () => {
  it("should drive simulated customers through the engine to won or lost, stage by stage", async () => {
    const done: number[] = [];
    const run = await simulateThroughEngine({
      scenario: shipped("default.yaml"),
      playbooksDir: PLAYBOOKS,
      seed: 3,
      customers: 150,
      onCustomer: (n) => done.push(n),
    });
    expect(run.policy).toBe("engine");
    expect(done.at(-1)).toBe(150);
    expect(run.stages[0]!.decisions).toBe(150);
    for (let s = 1; s < run.stages.length; s++) expect(run.stages[s]!.decisions).toBe(run.stages[s - 1]!.successes);
    expect(run.won).toBe(run.stages.at(-1)!.successes);
    expect(run.regret).toBeGreaterThan(0);
    expect(run.looks.every((look) => look.looks > 0)).toBe(true);
  }, 60_000);
});
