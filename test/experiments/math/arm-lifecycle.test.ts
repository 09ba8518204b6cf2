import { describe, expect, it } from "vitest";
import {
  createSeededRandom,
  makeRoomForArms,
  type PolicyArm,
  reviewCandidates,
  thompsonWeights,
} from "../../../src/experiments/index.js";

const arm = (key: string, status: PolicyArm["status"], successes: number, failures: number): PolicyArm => ({
  key,
  status,
  successes,
  failures,
});

describe("reviewCandidates", () => {
  const champion = arm("champ", "champion", 300, 700);

  it("should take no draws and review nothing while every candidate is in burn-in", () => {
    const rng = createSeededRandom(1);
    const before = createSeededRandom(1).next();
    expect(reviewCandidates({ arms: [champion, arm("c", "candidate", 15, 4)], rng })).toEqual([]);
    expect(rng.next()).toBe(before);
  });

  it("should graduate a candidate only once it has 60 decisions and P(beats the champion) ≥ 0.9", () => {
    const early = reviewCandidates({ arms: [champion, arm("c", "candidate", 30, 25)], rng: createSeededRandom(2) });
    expect(early[0]).toMatchObject({ key: "c", action: "keep", decisions: 55 });
    expect(early[0]?.pBeatsReference).toBeGreaterThan(0.99);
    const [review] = reviewCandidates({ arms: [champion, arm("c", "candidate", 34, 28)], rng: createSeededRandom(2) });
    expect(review).toMatchObject({ key: "c", action: "graduate", decisions: 62, reference: "champ" });
    // A child a little better than its parent is not yet sure enough to leave the cap.
    const close = reviewCandidates({ arms: [champion, arm("c", "candidate", 21, 39)], rng: createSeededRandom(2) });
    expect(close[0]?.action).toBe("keep");
    expect(close[0]?.pBeatsReference).toBeGreaterThan(0.5);
    expect(close[0]?.pBeatsReference).toBeLessThan(0.9);
  });

  it("should retire a candidate that clearly trails the champion after min_decisions, even with some P(best)", () => {
    const arms = [champion, arm("b", "active", 200, 800), arm("c", "candidate", 48, 152)];
    const [review] = reviewCandidates({ arms, minDecisions: 100, rng: createSeededRandom(6) });
    expect(review?.action).toBe("retire");
    expect(review?.pBeatsReference).toBeLessThan(0.05);
    expect(review?.reason).toMatch(/P\(beats champ\) 0\.\d+ < 0\.05 after 200/);
  });

  it("should compare with the best non-candidate by posterior mean when the stage has no champion", () => {
    const arms = [arm("a", "active", 20, 80), arm("b", "active", 40, 60), arm("c", "candidate", 7, 15)];
    const [review] = reviewCandidates({ arms, rng: createSeededRandom(3) });
    expect(review?.reference).toBe("b");
    expect(review?.action).toBe("keep");
  });

  it("should retire a hopeless candidate only from min_decisions on, and never a proposed or active arm", () => {
    const weak = (n: number) => arm("c", "candidate", Math.round(n * 0.05), n - Math.round(n * 0.05));
    const arms = (n: number) => [champion, arm("a", "active", 1, 999), arm("p", "proposed", 0, 0), weak(n)];
    expect(reviewCandidates({ arms: arms(99), minDecisions: 100, rng: createSeededRandom(4) })[0]?.action).toBe("keep");
    const reviews = reviewCandidates({ arms: arms(100), minDecisions: 100, rng: createSeededRandom(4) });
    expect(reviews.map((r) => [r.key, r.action])).toEqual([["c", "retire"]]);
    expect(reviews[0]?.pBest).toBeLessThan(0.01);
  });

  it("should replay the same reviews from the same seed", () => {
    const arms = [champion, arm("c1", "candidate", 28, 72), arm("c2", "candidate", 33, 67)];
    expect(reviewCandidates({ arms, rng: createSeededRandom(9) })).toEqual(
      reviewCandidates({ arms, rng: createSeededRandom(9) }),
    );
  });
});

describe("makeRoomForArms", () => {
  it("should retire nothing while the new arms fit", () => {
    const arms = [arm("champ", "champion", 30, 70), arm("r", "retired", 1, 99), arm("p", "proposed", 0, 0)];
    expect(makeRoomForArms({ arms, adding: 2, maxArms: 4, rng: createSeededRandom(1) })).toEqual({
      retire: [],
      room: 2,
    });
  });

  it("should retire hopeless arms past burn-in, weakest first, never the champion, a contender or the last full competitor", () => {
    const arms = [
      arm("champ", "champion", 40, 960),
      arm("a", "active", 300, 700),
      arm("b", "active", 100, 900),
      arm("close", "active", 280, 720),
      arm("young", "active", 0, 5),
      arm("cand", "candidate", 60, 900),
    ];
    const plan = makeRoomForArms({ arms, adding: 3, maxArms: 6, burnIn: 20, rng: createSeededRandom(5) });
    // The champion is weakest but stays; "close" may well be best, so it stays and one new arm waits.
    expect(plan.retire.map((r) => r.key)).toEqual(["cand", "b"]);
    expect(plan.room).toBe(2);
    const lone = [arm("x", "active", 10, 190), arm("y", "active", 60, 140)];
    expect(makeRoomForArms({ arms: lone, adding: 2, maxArms: 2, rng: createSeededRandom(5) })).toMatchObject({
      retire: [{ key: "x" }],
      room: 1,
    });
  });
});

describe("thompsonWeights with proposed and candidate arms", () => {
  it("should give proposed arms nothing and let a candidate in burn-in keep its capped share without resetting the others", () => {
    const result = thompsonWeights({
      arms: [
        arm("champ", "champion", 300, 700),
        arm("a", "active", 20, 180),
        arm("c", "candidate", 0, 0),
        arm("p", "proposed", 0, 0),
      ],
      burnIn: 20,
      candidateCap: 0.1,
      rng: createSeededRandom(1),
    });
    expect(result.reason).toBe("thompson");
    expect(result.propensities[3]).toBe(0);
    expect(result.propensities[2]).toBeCloseTo(0.1, 10);
    expect(result.propensities[0]).toBeGreaterThan(0.8);
  });
});
