/**
 * The priority lane of the one SQLite connection. Every transaction and query
 * waits for the connection in turn; work run inside `withWritePriority` (the
 * sender recording what the gateway answered) goes ahead of everything still
 * waiting, so it waits for at most the transaction in hand, never behind a
 * backlog of intake and message handling.
 *
 * The lane is a flag set while `work` is called, not an AsyncLocalStorage: any
 * AsyncLocalStorage turns on Node 20's promise hooks for every promise of the
 * process, which made the whole pipeline (kysely awaits at every step) several
 * times costlier per await. So the lane holds for the connection `work` asks
 * for before its first `await`: `db.transaction().execute(…)` or a query
 * started at once (kysely asks the driver for the connection synchronously).
 * @module
 */

let inLane = false;

/**
 * Runs `work` with the connection it asks for first (synchronously, before any `await`) taken in
 * the priority lane: start the transaction at once (keep it short: it overtakes everyone).
 */
export function withWritePriority<T>(work: () => Promise<T>): Promise<T> {
  const outer = inLane;
  inLane = true;
  try {
    return work();
  } finally {
    inLane = outer;
  }
}

/** True while `withWritePriority` calls its work (before the work's first `await`). */
export function inWritePriorityLane(): boolean {
  return inLane;
}

/** A mutex whose waiters in the priority lane are served before the others, each group in arrival order. */
export class PriorityMutex {
  #locked = false;
  readonly #first: (() => void)[] = [];
  readonly #rest: (() => void)[] = [];

  /** Resolves once the caller holds the mutex. */
  lock(priority: boolean): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => (priority ? this.#first : this.#rest).push(resolve));
  }

  /** Hands the mutex to the next waiter (priority first), or frees it. */
  unlock(): void {
    const next = this.#first.shift() ?? this.#rest.shift();
    if (next === undefined) this.#locked = false;
    else next();
  }
}
