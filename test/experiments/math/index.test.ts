import { describe, expect, it } from "vitest";
import * as math from "../../../src/experiments/math/index.js";

describe("experiments/math index", () => {
  it("should export the policy, statistics and simulator API by name", () => {
    const functions = [
      "createSeededRandom",
      "deriveSeed",
      "forkRandom",
      "normal",
      "gamma",
      "beta",
      "lognormal",
      "sampleIndex",
      "posterior",
      "posteriorMean",
      "discountedCounts",
      "delayCdf",
      "truncatedExponentialCdf",
      "pendingFailureWeight",
      "delayAdjustedPosterior",
      "cusum",
      "cusumThreshold",
      "downweightBeforeChange",
      "newcomerPrior",
      "credibleInterval",
      "betaCdf",
      "betaPdf",
      "betaQuantile",
      "logBeta",
      "probabilityBest",
      "probabilityBestExact",
      "expectedLossExact",
      "thompsonWeights",
      "chooseArm",
      "klBernoulli",
      "laiRobbinsConstant",
      "laiRobbinsBound",
      "srmTest",
      "chiSquarePValue",
      "alwaysValidPValue",
      "alwaysValidAgrees",
      "verdict",
      "evaluatePolicy",
      "kishEffectiveSampleSize",
      "epsilonGreedyPolicy",
      "ucb1Policy",
      "oraclePolicy",
    ];
    const exported = new Map<string, unknown>(Object.entries(math));
    for (const name of functions) expect(typeof exported.get(name), name).toBe("function");
    expect(math.uniformPolicy.name).toBe("uniform");
    expect(math.DEFAULT_WEIGHT_FLOOR).toBe(0.01);
    expect(math.DEFAULT_BURN_IN).toBe(20);
    expect(math.DEFAULT_CANDIDATE_CAP).toBe(0.1);
    expect(math.DEFAULT_POSTERIOR_DRAWS).toBe(10_000);
    expect(math.SRM_ALARM_P_VALUE).toBe(0.001);
    expect(math.DEFAULT_DECISION_RULES).toEqual({
      minDecisions: 100,
      minSuccesses: 40,
      minDays: 14,
      pBestThreshold: 0.95,
      expectedLossThreshold: 0.0025,
    });
  });
});
