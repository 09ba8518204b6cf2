/**
 * A limit on LLM calls in flight at once (`LLM_CONCURRENCY`): a call waits for
 * a free slot, but not past its deadline.
 * @module
 */

/** A counting semaphore whose waiters give up after a time. */
export class ConcurrencyLimit {
  readonly #max: number;
  #inFlight = 0;
  readonly #waiters: (() => void)[] = [];

  /** @param max calls at once, at least 1. */
  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  /** Calls in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  /** Takes a slot, waiting at most `waitMs`; false when none came free in time. */
  async acquire(waitMs: number): Promise<boolean> {
    if (this.#inFlight < this.#max) {
      this.#inFlight++;
      return true;
    }
    if (waitMs <= 0) return false;
    return new Promise<boolean>((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        this.#inFlight++;
        resolve(true);
      };
      const timer = setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        resolve(false);
      }, waitMs);
      this.#waiters.push(waiter);
    });
  }

  /** Frees a slot, handing it to the longest waiter. */
  release(): void {
    this.#inFlight = Math.max(0, this.#inFlight - 1);
    this.#waiters.shift()?.();
  }
}
