/**
 * The Clock port: everything in the engine asks it for the time, so tests and
 * the simulator can drive time by hand.
 * @module
 */

/** Tells the time, in epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (tests, simulation). */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: number) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves the clock forward by `ms` milliseconds. */
  advance(ms: number): void {
    this.#now += ms;
  }

  /** Sets the clock to `at` (epoch ms). */
  set(at: number): void {
    this.#now = at;
  }
}
