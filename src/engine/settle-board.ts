/**
 * A board where workers post that something finished and callers wait for it,
 * in either order: a result posted before anyone waits is kept (bounded) so a
 * late waiter still gets it.
 * @module
 */

/** Results kept for late waiters. */
export const SETTLE_BOARD_CAPACITY = 10_000;

/** Posts and awaits results keyed by number. */
export class SettleBoard<T> {
  readonly #results = new Map<number, T>();
  readonly #waiters = new Map<number, ((value: T) => void)[]>();

  /** Posts the result of `key`, waking its waiters. */
  post(key: number, value: T): void {
    this.#results.set(key, value);
    if (this.#results.size > SETTLE_BOARD_CAPACITY) {
      const oldest = this.#results.keys().next().value;
      if (oldest !== undefined) this.#results.delete(oldest);
    }
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) return;
    this.#waiters.delete(key);
    for (const wake of waiters) wake(value);
  }

  /** Waits for the result of `key`; resolves `null` after `timeoutMs`. */
  wait(key: number, timeoutMs: number): Promise<T | null> {
    if (this.#results.has(key)) return Promise.resolve(this.#results.get(key) as T);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        const rest = (this.#waiters.get(key) ?? []).filter((w) => w !== wake);
        // Drop the key once nobody waits, so timed-out waits leave nothing behind.
        if (rest.length === 0) this.#waiters.delete(key);
        else this.#waiters.set(key, rest);
        resolve(null);
      }, timeoutMs);
      const wake = (value: T) => {
        clearTimeout(timer);
        resolve(value);
      };
      const list = this.#waiters.get(key) ?? [];
      list.push(wake);
      this.#waiters.set(key, list);
    });
  }
}
