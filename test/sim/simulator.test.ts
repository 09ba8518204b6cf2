import { describe, expect, it } from "vitest";
import { createSeededRandom } from "../../src/experiments/index.js";
import { planMarket } from "../../src/sim/market.js";
import { createSimPolicy, type PolicyName } from "../../src/sim/sim-policies.js";
import type { SimDecision, SimOutcome, SimPolicy } from "../../src/sim/sim-policy.js";
import { simulateRun } from "../../src/sim/simulator.js";
import { thompsonSimPolicy } from "../../src/sim/thompson-sim-policy.js";
import { CLEAR, fixedArmPolicy, runOnce, scenario } from "./sim-fixtures.js";

const SEEDS = [1, 2, 3, 4, 5, 6];

function meanRegret(name: PolicyName): number {
  const runs = SEEDS.map((seed) => runOnce(CLEAR, createSimPolicy(name, seed, CLEAR.stages.length), seed));
  return runs.reduce((total, run) => total + run.regret, 0) / runs.length;
}

describe("simulateRun", () => {
  it("should give the oracle zero regret and every decision to the best arm", () => {
    const run = runOnce(CLEAR, createSimPolicy("oracle", 1, 2), 1);
    expect(run.regret).toBe(0);
    for (const stage of run.stages) expect(stage.bestArmDecisions).toBe(stage.decisions);
  });

  it("should end every customer won or lost: first-stage decisions = customers, later ones = earlier successes", () => {
    const run = runOnce(CLEAR, createSimPolicy("uniform", 3, 2), 3);
    expect(run.stages[0]!.decisions).toBe(CLEAR.customers);
    expect(run.stages[1]!.decisions).toBe(run.stages[0]!.successes);
    expect(run.won).toBe(run.stages[1]!.successes);
  });

  it("should match uniform rotation's regret to T·(p* − p̄) in every stage within 10%", () => {
    const runs = SEEDS.map((seed) => runOnce(CLEAR, createSimPolicy("uniform", seed, 2), seed));
    for (const s of [0, 1]) {
      const regret = runs.reduce((total, run) => total + run.stages[s]!.regret, 0);
      const decisions = runs.reduce((total, run) => total + run.stages[s]!.decisions, 0);
      const ps = CLEAR.stages[s]!.arms.map((arm) => arm.p);
      const expected = decisions * (Math.max(...ps) - ps.reduce((a, b) => a + b, 0) / ps.length);
      expect(Math.abs(regret - expected) / expected).toBeLessThan(0.1);
      const recorded = runs.reduce((total, run) => total + run.stages[s]!.uniformRegret, 0);
      expect(recorded).toBeCloseTo(expected, 6);
    }
  });

  it("should find Thompson's regret below UCB1's and ε-greedy's and at most a third of uniform's", () => {
    const thompson = meanRegret("thompson");
    expect(thompson).toBeLessThan(meanRegret("ucb1"));
    expect(thompson).toBeLessThan(meanRegret("epsilon-greedy"));
    expect(thompson).toBeLessThanOrEqual(meanRegret("uniform") / 3);
  });

  it("should make Thompson behave as uniform rotation when its weights are never recomputed", () => {
    const frozen = SEEDS.map((seed) =>
      runOnce(CLEAR, thompsonSimPolicy(createSeededRandom(seed), 2, { recomputeHours: 10_000 }), seed),
    );
    for (const run of frozen) {
      const expected = run.stages[0]!.uniformRegret;
      expect(Math.abs(run.stages[0]!.regret - expected) / expected).toBeLessThan(0.1);
    }
  });

  describe("common random numbers", () => {
    it("should give the oracle and a fixed policy on the best arms identical outcomes", () => {
      const oracle = runOnce(CLEAR, createSimPolicy("oracle", 9, 2), 9);
      const fixed = runOnce(
        CLEAR,
        fixedArmPolicy((stage) => (stage === 0 ? 0 : 1)),
        9,
      );
      expect(fixed.won).toBe(oracle.won);
      expect(fixed.stages).toEqual(oracle.stages);
      expect(fixed.endMs).toBe(oracle.endMs);
      expect(fixed.conversionCurve).toEqual(oracle.conversionCurve);
    });

    it("should give an arm the same outcome and delay for a customer whichever policy offered it", () => {
      const seen = new Map<string, { success: boolean; delay: number }>();
      let shared = 0;
      for (const name of ["uniform", "thompson", "ucb1"] as const) {
        const recorder = recording(createSimPolicy(name, 4, 2));
        runOnce(CLEAR, recorder, 4, 1000);
        for (const o of recorder.outcomes) {
          const key = `${o.customer}/${o.stage}/${o.arm}`;
          const value = { success: o.success, delay: o.resolvedAt - o.assignedAt };
          const before = seen.get(key);
          if (before) {
            shared++;
            expect(value.success, key).toBe(before.success);
            expect(value.delay, key).toBeCloseTo(before.delay, 3);
          } else seen.set(key, value);
        }
      }
      expect(shared).toBeGreaterThan(500);
    });

    it("should give different seeds different customer streams", () => {
      const a = runOnce(CLEAR, createSimPolicy("oracle", 1, 2), 1);
      const b = runOnce(CLEAR, createSimPolicy("oracle", 2, 2), 2);
      expect(a.won).not.toBe(b.won);
    });
  });

  describe("what policies see", () => {
    it.each(["thompson", "ucb1", "epsilon-greedy"] as const)(
      "should hand %s only outcomes resolved by the moment of each decision",
      (name) => {
        const watcher = watchful(
          createSimPolicy(name, 5, 2),
          CLEAR.stages.map((s) => s.window_hours * 3_600_000),
        );
        runOnce(CLEAR, watcher, 5, 1500);
        expect(watcher.violations).toEqual([]);
        expect(watcher.decisions).toBeGreaterThan(1500);
      },
    );

    it("should throw when a policy chooses an arm that is not in rotation", () => {
      expect(() =>
        runOnce(
          CLEAR,
          fixedArmPolicy(() => 3),
          1,
          10,
        ),
      ).toThrow(/chose arm 3 of 3/);
    });
  });

  describe("a market that moves", () => {
    const MOVING = scenario({
      name: "moving",
      customers: 600,
      stages: [
        {
          stage: "intent",
          window_hours: 24,
          delay_hours: { median: 2 },
          arms: [
            { variant: "a", p: 0.3 },
            { variant: "b", p: 0.2 },
          ],
        },
      ],
      changes: [{ at_customer: 400, stage: "intent", variant: "a", p: 0.1 }],
      new_arms: [{ at_customer: 200, stage: "intent", variant: "c", p: 0.25 }],
    });

    it("should offer a new arm from its customer on, and follow changes from theirs", () => {
      const seen: { customer: number; arms: number; trueP: readonly number[] }[] = [];
      const spy: SimPolicy = {
        name: "spy",
        observe() {},
        choose(d) {
          seen.push({ customer: d.customer, arms: d.arms.length, trueP: d.trueP });
          return 0;
        },
      };
      runOnce(MOVING, spy, 1);
      for (const s of seen) {
        expect(s.arms).toBe(s.customer >= 200 ? 3 : 2);
        expect(s.trueP[0]).toBe(s.customer >= 400 ? 0.1 : 0.3);
      }
    });

    it("should measure regret against the best arm of the moment", () => {
      const run = runOnce(
        MOVING,
        fixedArmPolicy(() => 0),
        1,
      );
      // arm a is best (0.3) for customers 0–399, then 0.25 − 0.1 behind c.
      expect(run.stages[0]!.regret).toBeCloseTo(200 * 0.15, 9);
      const oracle = runOnce(MOVING, createSimPolicy("oracle", 1, 1), 1);
      expect(oracle.regret).toBe(0);
    });
  });

  it("should sample the curves at evenly spaced customers: cumulative regret ends at the total", () => {
    const run = simulateRun(
      { market: planMarket(CLEAR), customers: 1000, arrivalsPerDay: 500, seed: 2, looks: false, curvePoints: 10 },
      createSimPolicy("uniform", 2, 2),
    );
    expect(run.regretCurve).toHaveLength(10);
    expect(run.regretCurve.at(-1)).toBeCloseTo(run.regret, 9);
    const wonShare = run.conversionCurve.reduce((a, b) => a + b, 0) / 10;
    expect(wonShare).toBeCloseTo(run.won / 1000, 9);
  });
});

/** Records every outcome a policy receives. */
function recording(inner: SimPolicy): SimPolicy & { outcomes: SimOutcome[] } {
  const outcomes: SimOutcome[] = [];
  return {
    name: inner.name,
    outcomes,
    observe(outcome) {
      outcomes.push(outcome);
      inner.observe(outcome);
    },
    choose: (decision) => inner.choose(decision),
  };
}

/**
 * Wraps a policy and checks, independently of the simulator, that it never sees the
 * future: outcomes arrive in time order, at their resolution time (a failure only
 * when its window closes), for assignments that were really made then, and the
 * counts in every decision are exactly the outcomes delivered so far.
 */
function watchful(inner: SimPolicy, windowsMs: readonly number[]) {
  const violations: string[] = [];
  const assigned = new Map<string, { at: number; arm: number }>();
  const successAt = new Map<string, number>();
  const counts = windowsMs.map(() => new Map<number, { successes: number; failures: number }>());
  let clock = 0;
  let decisions = 0;
  const check = (ok: boolean, what: string) => {
    if (!ok && violations.length < 10) violations.push(what);
  };
  return {
    name: inner.name,
    violations,
    get decisions() {
      return decisions;
    },
    observe(o: SimOutcome) {
      check(o.resolvedAt >= clock, `outcome at ${o.resolvedAt} delivered after time ${clock}`);
      clock = Math.max(clock, o.resolvedAt);
      const made = assigned.get(`${o.customer}/${o.stage}`);
      check(
        made?.at === o.assignedAt && made.arm === o.arm,
        `outcome for an assignment never made: ${JSON.stringify(o)}`,
      );
      const window = windowsMs[o.stage]!;
      if (o.success) {
        check(o.resolvedAt >= o.assignedAt && o.resolvedAt <= o.assignedAt + window, "success outside its window");
        successAt.set(`${o.customer}/${o.stage}`, o.resolvedAt);
      } else check(o.resolvedAt === o.assignedAt + window, "failure learned before its window closed");
      const arm = counts[o.stage]!.get(o.arm) ?? { successes: 0, failures: 0 };
      if (o.success) arm.successes++;
      else arm.failures++;
      counts[o.stage]!.set(o.arm, arm);
      inner.observe(o);
    },
    choose(d: SimDecision) {
      decisions++;
      check(d.now >= clock, `decision at ${d.now} after time ${clock}`);
      clock = d.now;
      d.arms.forEach((arm, k) => {
        const mine = counts[d.stage]!.get(k) ?? { successes: 0, failures: 0 };
        check(
          arm.successes === mine.successes && arm.failures === mine.failures,
          `stage ${d.stage} arm ${k} shows ${arm.successes}/${arm.failures}, delivered ${mine.successes}/${mine.failures}`,
        );
      });
      if (d.stage > 0)
        check(successAt.get(`${d.customer}/${d.stage - 1}`) === d.now, "entered a stage without a success");
      const k = inner.choose(d);
      assigned.set(`${d.customer}/${d.stage}`, { at: d.now, arm: k });
      return k;
    },
  };
}
