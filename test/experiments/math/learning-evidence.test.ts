import { describe, expect, it } from "vitest";
import {
  createSeededRandom,
  DEFAULT_LEARNING,
  delayAdjustedPosterior,
  delayCdf,
  LEARNING_OFF,
  LearningEvidence,
  newcomerPrior,
  UNIFORM_PRIOR,
} from "../../../src/experiments/index.js";

const HOUR = 3_600_000;
const WINDOW = 48 * HOUR;
const ARMS = [
  { key: "a", status: "active" as const },
  { key: "b", status: "active" as const },
];

describe("LearningEvidence", () => {
  it("should give plain resolved counts, pending ignored, with every switch off", () => {
    const e = new LearningEvidence({ windowMs: WINDOW, prior: UNIFORM_PRIOR, learning: LEARNING_OFF });
    e.assigned("a", 1, 0);
    e.assigned("a", 2, 0);
    e.assigned("a", 3, HOUR);
    e.resolved("a", 1, 0, 5 * HOUR, true);
    e.resolved("a", 2, 0, WINDOW, false);
    const { arms, alarms } = e.evidence(WINDOW + HOUR, ARMS);
    expect(arms[0]).toEqual({ key: "a", status: "active", successes: 1, failures: 1 });
    expect(arms[1]).toEqual({ key: "b", status: "active", successes: 0, failures: 0 });
    expect(alarms).toEqual([]);
  });

  it("should count pending assignments as the fractional failures of the delay-adjusted posterior", () => {
    const e = new LearningEvidence({ windowMs: WINDOW, prior: UNIFORM_PRIOR, learning: DEFAULT_LEARNING });
    let id = 0;
    const delays: number[] = [];
    // 40 matured assignments of a: 10 successes after 6 h, 30 failures at the window's end.
    for (let i = 0; i < 40; i++) e.assigned("a", id++, 0);
    for (let i = 0; i < 10; i++) {
      e.resolved("a", i, 0, 6 * HOUR, true);
      delays.push(6 * HOUR);
    }
    for (let i = 10; i < 40; i++) e.resolved("a", i, 0, WINDOW, false);
    // Pending ones assigned 1 h, 12 h and 40 h before now.
    const now = 100 * HOUR;
    for (const age of [40, 12, 1]) e.assigned("a", id++, now - age * HOUR);
    const [a] = e.evidence(now, ARMS).arms;
    const cdf = delayCdf({ windowMs: WINDOW, delaysMs: delays });
    const expected = delayAdjustedPosterior({
      prior: UNIFORM_PRIOR,
      counts: { successes: 10, failures: 30 },
      pendingCdf: [40, 12, 1].map((age) => cdf(age * HOUR)),
    });
    expect(a!.successes).toBe(10);
    expect(a!.failures).toBeCloseTo(expected.beta - 1, 12);
    expect(a!.failures).toBeGreaterThan(30);
    expect(a!.failures).toBeLessThan(33);
  });

  it("should raise no alarm on a stable arm and find a drop, down-weighting only that arm's older evidence", () => {
    const rng = createSeededRandom(7);
    const e = new LearningEvidence({
      windowMs: WINDOW,
      prior: UNIFORM_PRIOR,
      learning: { ...DEFAULT_LEARNING, pendingOutcomes: false },
    });
    const perDay = 100;
    const days = 60;
    const switchDay = 30;
    let id = 0;
    const alarms = [];
    for (let day = 0; day < days; day++) {
      for (let i = 0; i < perDay; i++) {
        const at = day * 24 * HOUR + (i * 24 * HOUR) / perDay;
        for (const arm of ["a", "b"]) {
          const p = arm === "a" && day >= switchDay ? 0.1 : 0.3;
          const n = id++;
          e.assigned(arm, n, at);
          const success = rng.next() < p;
          e.resolved(arm, n, at, success ? at + HOUR : at + WINDOW, success);
        }
      }
      alarms.push(...e.evidence((day + 1) * 24 * HOUR + WINDOW, ARMS).alarms);
    }
    expect(alarms.map((alarm) => [alarm.arm, alarm.direction])).toEqual([["a", "down"]]);
    const alarm = alarms[0]!;
    expect(Math.abs(alarm.changeAt - switchDay * 24 * HOUR)).toBeLessThan(3 * 24 * HOUR);
    expect(alarm.at - switchDay * 24 * HOUR).toBeLessThan(7 * 24 * HOUR);
    const [a, b] = e.evidence(days * 24 * HOUR + WINDOW, ARMS).arms;
    // a: ~30 days at 0.3 weigh 0.1; ~30 days at 0.1 fully: its estimate is near the new rate.
    expect(a!.successes / (a!.successes + a!.failures)).toBeLessThan(0.15);
    expect(a!.successes + a!.failures).toBeLessThan(0.6 * perDay * days);
    expect(b!.successes + b!.failures).toBe(perDay * days);
  });

  it("should read each assignment at half its window, so a drop is found before the new regime's windows close", () => {
    // a: 40 days at 0.3 with successes 2 h after assignment, then nothing succeeds; b stays at 0.3.
    // Evidence is read hourly. The detector's event is "a success within 24 h" (half the 48 h window).
    const alarmAfterSwitch = (changeHorizon?: number): number => {
      const rng = createSeededRandom(11);
      const e = new LearningEvidence({
        windowMs: WINDOW,
        prior: UNIFORM_PRIOR,
        learning: { ...DEFAULT_LEARNING, pendingOutcomes: false, ...(changeHorizon ? { changeHorizon } : {}) },
      });
      const perHour = 4;
      const switchAt = 40 * 24 * HOUR;
      const successes: { arm: string; id: number; at: number }[] = [];
      let id = 0;
      for (let hour = 0; hour < 50 * 24; hour++) {
        const now = hour * HOUR;
        for (const s of successes.filter((x) => x.at + 2 * HOUR === now)) e.resolved(s.arm, s.id, s.at, now, true);
        for (let i = 0; i < perHour; i++) {
          for (const arm of ["a", "b"]) {
            const n = id++;
            e.assigned(arm, n, now);
            const p = arm === "a" && now >= switchAt ? 0 : 0.3;
            if (rng.next() < p) successes.push({ arm, id: n, at: now });
          }
        }
        const { alarms } = e.evidence(now, ARMS);
        if (alarms.length > 0) {
          expect(alarms.map((alarm) => [alarm.arm, alarm.direction])).toEqual([["a", "down"]]);
          return now - switchAt;
        }
      }
      return Number.POSITIVE_INFINITY;
    };
    const half = alarmAfterSwitch();
    expect(half).toBeGreaterThanOrEqual(WINDOW / 2);
    expect(half).toBeLessThan(WINDOW);
    // Waiting for the window to close (changeHorizon 1) finds the same drop a window after the switch at the earliest.
    expect(alarmAfterSwitch(1)).toBeGreaterThanOrEqual(WINDOW);
  });

  it("should down-weight only the named arm's evidence from before a change it is told of, pending outcomes included", () => {
    const e = new LearningEvidence({
      windowMs: WINDOW,
      prior: UNIFORM_PRIOR,
      learning: { ...DEFAULT_LEARNING, pendingOutcomes: false },
    });
    // Before the change at 10 h: a has 3 successes and 5 failures resolved and one assignment (id 9) pending.
    for (let i = 0; i < 8; i++) {
      e.assigned("a", i, i * HOUR);
      e.resolved("a", i, i * HOUR, i < 3 ? i * HOUR + HOUR : i * HOUR + WINDOW, i < 3);
    }
    e.assigned("a", 9, 9 * HOUR);
    e.assigned("b", 100, 0);
    e.resolved("b", 100, 0, HOUR, true);
    e.changedAt("a", 10 * HOUR);
    // After it: one success of a; then the pending one from before the change resolves as a failure.
    e.assigned("a", 10, 11 * HOUR);
    e.resolved("a", 10, 11 * HOUR, 12 * HOUR, true);
    e.resolved("a", 9, 9 * HOUR, 9 * HOUR + WINDOW, false);
    const { arms, alarms } = e.evidence(100 * HOUR, ARMS);
    expect(alarms).toEqual([]);
    expect(e.changePoints("a")).toEqual([10 * HOUR]);
    expect(e.changePoints("b")).toEqual([]);
    // a: 3 × 0.1 + 1 successes, (5 + 1) × 0.1 failures; b untouched.
    expect(arms[0]!.successes).toBeCloseTo(1.3, 12);
    expect(arms[0]!.failures).toBeCloseTo(0.6, 12);
    expect(arms[1]).toEqual({ key: "b", status: "active", successes: 1, failures: 0 });
  });

  it("should start an arm with little evidence from its stage's empirical-Bayes prior when asked", () => {
    const e = new LearningEvidence({
      windowMs: WINDOW,
      prior: UNIFORM_PRIOR,
      learning: { pendingOutcomes: false, changeDetection: false, newcomerPrior: true },
    });
    const counts = { a: [30, 70], b: [45, 55] } as const;
    let id = 0;
    for (const [arm, [s, f]] of Object.entries(counts)) {
      for (let i = 0; i < s + f; i++) {
        e.assigned(arm, id, 0);
        e.resolved(arm, id++, 0, HOUR, i < s);
      }
    }
    const arms = e.evidence(WINDOW, [...ARMS, { key: "new", status: "active" }]).arms;
    expect(arms[0]!.prior).toBeUndefined();
    expect(arms[2]!.prior).toEqual(
      newcomerPrior([
        { successes: 30, failures: 70 },
        { successes: 45, failures: 55 },
      ]),
    );
  });
});
