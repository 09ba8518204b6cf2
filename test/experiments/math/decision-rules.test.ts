import { describe, expect, it } from "vitest";
import { MS_PER_DAY, type VerdictArm, verdict } from "../../../src/experiments/math/decision-rules.js";

const STARTED = Date.UTC(2025, 2, 1);
const DAY_20 = STARTED + 20 * MS_PER_DAY;

/** A clear winner: 300/1000 vs 200/1000, P(best) ~1, tiny loss, and the sequential test rejects. */
const leader: VerdictArm = {
  key: "warm@1",
  decisions: 1000,
  successes: 300,
  failures: 700,
  pBest: 0.999,
  expectedLoss: 0.0001,
};
const loser: VerdictArm = {
  key: "cold@1",
  decisions: 1000,
  successes: 200,
  failures: 800,
  pBest: 0.001,
  expectedLoss: 0.1,
};

describe("verdict", () => {
  it.each([
    {
      name: "an arm below the minimum of resolved decisions",
      arms: [leader, { ...loser, decisions: 99, successes: 45, failures: 54 }],
      now: DAY_20,
      reason: "cold@1 has 99 of 100 resolved decisions",
    },
    {
      name: "an arm below the minimum of successes",
      arms: [leader, { ...loser, successes: 39, failures: 961 }],
      now: DAY_20,
      reason: "cold@1 has 39 of 40 successes",
    },
    {
      name: "an experiment younger than the minimum days",
      arms: [leader, loser],
      now: STARTED + 13.5 * MS_PER_DAY,
      reason: "running 13.5 of 14 days",
    },
  ])("should say collecting with $name", ({ arms, now, reason }) => {
    const result = verdict({ arms, startedAt: STARTED, now });
    expect(result).toMatchObject({ verdict: "collecting", winner: null });
    expect(result.reasons).toContain(reason);
  });

  it("should list every unmet condition while collecting", () => {
    const result = verdict({
      arms: [
        { ...leader, decisions: 10, successes: 3 },
        { ...loser, decisions: 10, successes: 2 },
      ],
      startedAt: STARTED,
      now: STARTED + MS_PER_DAY,
    });
    expect(result.verdict).toBe("collecting");
    expect(result.reasons).toHaveLength(5);
  });

  it("should name the winner when P(best), expected loss and the always-valid test all agree", () => {
    const result = verdict({ arms: [loser, leader], startedAt: STARTED, now: DAY_20 });
    expect(result).toMatchObject({ verdict: "winner", winner: "warm@1" });
    expect(result.reasons.join("\n")).toContain("agrees");
  });

  it("should start judging at exactly the minimums", () => {
    const result = verdict({
      arms: [
        { ...leader, decisions: 100, successes: 70, failures: 30 },
        { ...loser, decisions: 100, successes: 40, failures: 60 },
      ],
      startedAt: STARTED,
      now: STARTED + 14 * MS_PER_DAY,
    });
    expect(result.verdict).not.toBe("collecting");
  });

  it.each([
    {
      name: "P(best) below the threshold",
      arms: [{ ...leader, pBest: 0.94 }, loser],
      reason: "warm@1 P(best) 0.94 < 0.95",
    },
    {
      name: "expected loss above the threshold",
      arms: [{ ...leader, expectedLoss: 0.003 }, loser],
      reason: "warm@1 expected loss 0.003 > 0.0025",
    },
    {
      name: "an always-valid test that does not agree yet",
      arms: [
        { ...leader, successes: 215, failures: 785 },
        { ...loser, successes: 200, failures: 800 },
      ],
      reason: "does not agree yet",
    },
    {
      name: "a leader whose observed rate is the lower one",
      arms: [
        { ...leader, successes: 200, failures: 800 },
        { ...loser, successes: 300, failures: 700 },
      ],
      reason: "the leader's observed rate is not higher",
    },
  ])("should say no winner yet with $name", ({ arms, reason }) => {
    const result = verdict({ arms, startedAt: STARTED, now: DAY_20 });
    expect(result).toMatchObject({ verdict: "no_winner_yet", winner: null });
    expect(result.reasons.join("\n")).toContain(reason);
  });

  it("should test the leader against the runner-up by P(best), not against the weakest arm", () => {
    const runnerUp: VerdictArm = {
      key: "mid@1",
      decisions: 1000,
      successes: 290,
      failures: 710,
      pBest: 0.2,
      expectedLoss: 0.01,
    };
    const result = verdict({
      arms: [loser, runnerUp, { ...leader, pBest: 0.96, expectedLoss: 0.002 }],
      startedAt: STARTED,
      now: DAY_20,
    });
    expect(result.verdict).toBe("no_winner_yet");
    expect(result.reasons.join("\n")).toContain("warm@1 vs mid@1");
  });

  it("should honour configured rules and always-valid options", () => {
    const arms = [
      { ...leader, decisions: 30, successes: 12 },
      { ...loser, decisions: 30, successes: 6 },
    ];
    const relaxed = { minDecisions: 20, minSuccesses: 5, minDays: 1 };
    expect(verdict({ arms, startedAt: STARTED, now: DAY_20 }).verdict).toBe("collecting");
    expect(verdict({ arms, startedAt: STARTED, now: DAY_20, rules: relaxed }).verdict).not.toBe("collecting");
    const strict = verdict({ arms: [leader, loser], startedAt: STARTED, now: DAY_20, alwaysValid: { alpha: 1e-30 } });
    expect(strict.verdict).toBe("no_winner_yet");
  });

  it("should never call a single arm collecting or a winner", () => {
    const result = verdict({ arms: [leader], startedAt: STARTED, now: DAY_20 });
    expect(result).toEqual({
      verdict: "no_winner_yet",
      winner: null,
      reasons: ["single arm: nothing to compare it with"],
    });
  });

  it("should say there is no arm when there is none", () => {
    expect(verdict({ arms: [], startedAt: STARTED, now: DAY_20 })).toMatchObject({
      verdict: "no_winner_yet",
      winner: null,
    });
  });
});
