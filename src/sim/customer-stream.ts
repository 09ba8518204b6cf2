/**
 * The seeded customer stream every policy shares (common random numbers): when
 * each customer arrives, and, for every customer, stage and arm, the uniform draw
 * that decides whether that arm would move the customer on and how long it would
 * take. Arm k's outcome for a customer is therefore the same whichever policy
 * offers it, so policies differ only by their choices.
 * @module
 */
import { createSeededRandom, deriveSeed, lognormal } from "../experiments/index.js";
import { MS_PER_HOUR } from "./market.js";

/** Milliseconds in one day. */
export const MS_PER_DAY = 24 * MS_PER_HOUR;

/** Tries of the truncated delay draw; with the median inside the window each try succeeds with probability ≥ 1/2. */
const MAX_DELAY_TRIES = 200;

/**
 * Arrival times in milliseconds from the start: a Poisson process with
 * `perDay` arrivals per day on average (exponential gaps), from the run's
 * `"arrivals"` stream.
 */
export function arrivalTimes(seed: number, customers: number, perDay: number): Float64Array {
  const rng = createSeededRandom(deriveSeed(seed, "arrivals"));
  const meanGap = MS_PER_DAY / perDay;
  const times = new Float64Array(customers);
  let t = 0;
  for (let c = 0; c < customers; c++) {
    t += -Math.log(1 - rng.next()) * meanGap;
    times[c] = t;
  }
  return times;
}

/** The draws of one customer in one stage, per arm. */
export interface StageDraws {
  /** Arm k moves the customer on when u[k] < p_k. */
  readonly u: Float64Array;
  /** If it does, after delayMs[k] milliseconds (inside the window). */
  readonly delayMs: Float64Array;
}

/** How the delays of a stage are distributed. */
export interface DelayShape {
  /** ln of the median delay in hours. */
  readonly delayMu: number;
  readonly delaySigma: number;
  readonly windowMs: number;
}

/** The root seed of the per-customer streams of run `seed`. */
export function customersSeed(seed: number): number {
  return deriveSeed(seed, "customers");
}

/**
 * Fills `out` with customer `customer`'s draws for stage `stage` and `arms` arms, from
 * the stream `deriveSeed(deriveSeed(customersSeed, customer), stage)`: per arm in
 * order, one uniform u, then a lognormal delay redrawn until it falls inside the window.
 */
export function stageDraws(
  rootSeed: number,
  customer: number,
  stage: number,
  arms: number,
  shape: DelayShape,
  out: StageDraws,
): StageDraws {
  const rng = createSeededRandom(deriveSeed(deriveSeed(rootSeed, customer), stage));
  const windowHours = shape.windowMs / MS_PER_HOUR;
  for (let k = 0; k < arms; k++) {
    out.u[k] = rng.next();
    let delay = lognormal(rng, shape.delayMu, shape.delaySigma);
    for (let tries = 1; delay > windowHours && tries < MAX_DELAY_TRIES; tries++) {
      delay = lognormal(rng, shape.delayMu, shape.delaySigma);
    }
    out.delayMs[k] = Math.min(delay, windowHours) * MS_PER_HOUR;
  }
  return out;
}
