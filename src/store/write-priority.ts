/**
 * The priority lane of the one SQLite connection. Every transaction and query
 * waits for the connection in turn; work run inside `withWritePriority` (the
 * sender recording what the gateway answered) goes ahead of everything still
 * waiting, so it waits for at most the transaction in hand, never behind a
 * backlog of intake and message handling.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";

const lane = new AsyncLocalStorage<boolean>();

/** Runs `work` with its database calls in the priority lane (keep it short: it overtakes everyone). */
export function withWritePriority<T>(work: () => Promise<T>): Promise<T> {
  return lane.run(true, work);
}

/** True inside `withWritePriority`. */
export function inWritePriorityLane(): boolean {
  return lane.getStore() === true;
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
