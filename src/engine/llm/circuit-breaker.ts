/**
 * The LLM circuit breaker: after `failureThreshold` failed calls in a row it
 * opens, and calls are not made (replies use templates) until `cooldownMs` has
 * passed; then one trial call goes through, and its result closes the breaker
 * or opens it for another cool-down. Time comes in as an argument.
 * @module
 */

/** Failed calls in a row that open the breaker, by default. */
export const BREAKER_FAILURE_THRESHOLD = 5;
/** How long an open breaker keeps calls away, ms, by default. */
export const BREAKER_COOLDOWN_MS = 60_000;

/** Whether a call may be made now: `yes`, `trial` (the one probe after a cool-down) or `no`. */
export type BreakerDecision = "yes" | "trial" | "no";

/** A circuit breaker over consecutive failures. */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  #failures = 0;
  #openUntil: number | null = null;
  #trialInFlight = false;

  constructor({ failureThreshold = BREAKER_FAILURE_THRESHOLD, cooldownMs = BREAKER_COOLDOWN_MS } = {}) {
    this.#threshold = failureThreshold;
    this.#cooldownMs = cooldownMs;
  }

  /** May a call be made at `now`? A `trial` must be followed by {@link record}. */
  decide(now: number): BreakerDecision {
    if (this.#openUntil === null) return "yes";
    if (now < this.#openUntil || this.#trialInFlight) return "no";
    this.#trialInFlight = true;
    return "trial";
  }

  /** Records a call's result; true when this failure opened the breaker. */
  record(ok: boolean, now: number): boolean {
    const wasTrial = this.#trialInFlight;
    this.#trialInFlight = false;
    if (ok) {
      this.#failures = 0;
      this.#openUntil = null;
      return false;
    }
    this.#failures++;
    if (!wasTrial && (this.#openUntil !== null || this.#failures < this.#threshold)) return false;
    this.#openUntil = now + this.#cooldownMs;
    return true;
  }

  /** True while calls are kept away. */
  isOpen(now: number): boolean {
    return this.#openUntil !== null && now < this.#openUntil;
  }
}
