/**
 * The bandit's pure math: seeded randomness, Beta posteriors and their intervals,
 * probability of being best and expected loss, Thompson-sampling weights with floor,
 * burn-in and candidate cap, graduation and retirement of arms, the Lai–Robbins bound, the SRM test, an
 * always-valid test, the verdict rules, off-policy estimates and baseline policies; pending outcomes as
 * fractional failures, per-arm change detection and the newcomer prior. No I/O, no
 * clock, no global randomness: time and a {@link Random} come in as arguments, so
 * the product and the simulator share this code unchanged.
 * @module
 */

export type { AlwaysValidOptions, AlwaysValidResult, BinomialCounts } from "./always-valid.js";
export {
  alwaysValidAgrees,
  alwaysValidPValue,
  DEFAULT_ALWAYS_VALID_ALPHA,
  DEFAULT_MIXTURE_SD,
} from "./always-valid.js";
// how arms earn or lose their place: graduation, automatic retirement, max_arms
export type { CandidateReview, CandidateReviewOptions, MakeRoomOptions, RoomPlan } from "./arm-lifecycle.js";
export {
  DEFAULT_GRADUATION_DECISIONS,
  DEFAULT_MAX_ARMS,
  DEFAULT_MIN_DECISIONS,
  GRADUATION_P_BEST,
  MAKE_ROOM_MAX_P_BEST,
  makeRoomForArms,
  RETIREMENT_P_BEATS,
  RETIREMENT_P_BEST,
  reviewCandidates,
} from "./arm-lifecycle.js";
export type { BanditPolicy } from "./baseline-policies.js";
export { DEFAULT_EPSILON, epsilonGreedyPolicy, oraclePolicy, ucb1Policy, uniformPolicy } from "./baseline-policies.js";
export { betaCdf, betaPdf, betaQuantile } from "./beta-distribution.js";

// posteriors
export type { BetaPosterior, DiscountOptions, OutcomeCounts, ResolvedOutcome } from "./beta-posterior.js";
export {
  discountedCounts,
  MS_PER_WEEK,
  NO_DISCOUNT,
  posterior,
  posteriorMean,
  posteriorVariance,
  UNIFORM_PRIOR,
} from "./beta-posterior.js";
// learning that keeps up: change detection, pending outcomes, newcomers
export type { CusumOptions, CusumResult, CusumState } from "./change-detection.js";
export {
  cusum,
  cusumStep,
  cusumThreshold,
  DEFAULT_CHANGE_ODDS_RATIO,
  DEFAULT_FALSE_ALARM_RATE,
  DEFAULT_PRE_CHANGE_WEIGHT,
  downweightBeforeChange,
} from "./change-detection.js";
export { credibleInterval, DEFAULT_CREDIBLE_LEVEL } from "./credible-interval.js";
export type { DecisionRules, Verdict, VerdictArm, VerdictInput, VerdictKind } from "./decision-rules.js";
export { DEFAULT_DECISION_RULES, MS_PER_DAY, verdict } from "./decision-rules.js";
export type { DelayAdjustedInput, DelayCdfOptions } from "./delayed-outcomes.js";
export {
  DEFAULT_DELAY_PRIOR_MEAN_FRACTION,
  DEFAULT_DELAY_PRIOR_STRENGTH,
  delayAdjustedPosterior,
  delayCdf,
  pendingFailureWeight,
  truncatedExponentialCdf,
} from "./delayed-outcomes.js";
export type { NewcomerPriorOptions } from "./empirical-bayes-prior.js";
export {
  DEFAULT_NEWCOMER_MIN_OUTCOMES,
  DEFAULT_NEWCOMER_PRIOR_STRENGTH,
  newcomerPrior,
} from "./empirical-bayes-prior.js";
// regret
export { klBernoulli, laiRobbinsBound, laiRobbinsConstant } from "./lai-robbins.js";
export type {
  ChangeAlarm,
  LearningEvidenceOptions,
  LearningEvidenceResult,
  LearningOptions,
} from "./learning-evidence.js";
export { DEFAULT_LEARNING, DELAY_SAMPLE_SIZE, LEARNING_OFF, LearningEvidence } from "./learning-evidence.js";
// off-policy evaluation
export type { LoggedDecision, OffPolicyEstimate, RateEstimate, TargetPolicy } from "./off-policy.js";
export { championTarget, evaluatePolicy, kishEffectiveSampleSize, uniformTarget } from "./off-policy.js";
// probability of best and expected loss
export type { BestArmEstimate } from "./probability-best.js";
export { DEFAULT_POSTERIOR_DRAWS, probabilityBest } from "./probability-best.js";
export {
  bestArmExact,
  EXACT_INTEGRATION_INTERVALS,
  expectedLossExact,
  probabilityBestExact,
} from "./probability-best-exact.js";
// the policy
export type { CappedPropensities, FlooredPropensities } from "./propensity-floor.js";
export { applyFloor, capCandidates, DEFAULT_CANDIDATE_CAP, DEFAULT_WEIGHT_FLOOR } from "./propensity-floor.js";
// randomness
export type { Random } from "./random.js";
export { createSeededRandom, deriveSeed, forkRandom } from "./random.js";
export { beta, gamma, lognormal, normal, randomIndex, sampleIndex } from "./random-variates.js";
// special functions and the Beta distribution
export {
  logBeta,
  logGamma,
  regularizedIncompleteBeta,
  regularizedLowerGamma,
  regularizedUpperGamma,
} from "./special-functions.js";
// checks and decisions
export type { SrmResult } from "./srm-test.js";
export { chiSquarePValue, SRM_ALARM_P_VALUE, srmTest } from "./srm-test.js";
export type {
  ArmChoice,
  ArmStatus,
  PolicyArm,
  ThompsonWeights,
  ThompsonWeightsOptions,
  WeightsReason,
} from "./thompson-weights.js";
export { chooseArm, DEFAULT_BURN_IN, inRotation, thompsonWeights } from "./thompson-weights.js";
