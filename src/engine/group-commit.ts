/**
 * Group commit: units of work queued in the same turn of the event loop run in
 * one transaction (one disk sync), each in its own savepoint so a failing unit
 * rolls back alone and only its caller sees the error. Group commits that share
 * (`sharing`) take each other's queued units into the transaction that gets the
 * connection first, so intake and the sender's records cost one disk sync, not two.
 * @module
 */
import type { Kysely } from "kysely";
import { type Database, savepoint, withWritePriority } from "../store/index.js";

/** Most units in one transaction. */
export const GROUP_COMMIT_MAX = 256;

type Unit = {
  work: (trx: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
};

/** Runs units of work in shared transactions. */
export class GroupCommit {
  readonly #db: Kysely<Database>;
  readonly #priority: boolean;
  /** Group commits whose queued units join this one's transactions (and the other way round). */
  readonly #siblings: GroupCommit[] = [];
  #queue: Unit[] = [];
  #flushing = false;

  /**
   * With `priority`, each shared transaction takes the store's priority lane: it waits for the
   * transaction in hand at most, never behind intake and message handling (see write-priority.ts).
   */
  constructor(
    db: Kysely<Database>,
    { priority = false, sharing }: { priority?: boolean; sharing?: GroupCommit | undefined } = {},
  ) {
    this.#db = db;
    this.#priority = priority;
    if (sharing !== undefined) {
      this.#siblings.push(sharing);
      sharing.#siblings.push(this);
    }
  }

  /** Runs `work` in a transaction shared with the units queued alongside it; resolves after the commit. */
  run<T>(work: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        setImmediate(() => void this.#flush());
      }
    });
  }

  /**
   * Runs the units queued here and with the siblings now, inside the caller's transaction `trx`
   * (which holds the connection: they would otherwise wait for it, then sync on their own). Call
   * the returned function once the transaction's fate is known: with nothing after the commit
   * (each unit resolves, or rejects with its own error), with `{error}` when it failed (all reject).
   */
  async absorb(trx: Kysely<Database>): Promise<(failure?: { error: unknown }) => void> {
    const batch = this.#take([]);
    const outcomes = await runUnits(trx, batch);
    return (failure) => settle(batch, outcomes, failure);
  }

  /** Moves queued units (own, then the siblings') into `batch`, up to the most per transaction. */
  #take(batch: Unit[]): Unit[] {
    for (const group of [this, ...this.#siblings]) {
      batch.push(...group.#queue.splice(0, Math.max(0, GROUP_COMMIT_MAX - batch.length)));
    }
    return batch;
  }

  async #flush(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, GROUP_COMMIT_MAX);
      let outcomes: Outcome[] = [];
      const commit = () =>
        this.#db.transaction().execute(async (trx) => {
          // The connection is ours: units waiting with a sibling commit now, in this one sync, where
          // they would otherwise wait for this transaction and then sync on their own.
          outcomes = await runUnits(trx, this.#take(batch));
        });
      try {
        await (this.#priority ? withWritePriority(commit) : commit());
      } catch (error) {
        settle(batch, outcomes, { error });
        continue;
      }
      settle(batch, outcomes);
    }
    this.#flushing = false;
  }
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

const inUnitSavepoint = savepoint("group_unit");

/** Runs each unit in its own savepoint of `trx`: a failing unit rolls back alone. */
async function runUnits(trx: Kysely<Database>, batch: readonly Unit[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  for (const unit of batch) {
    try {
      outcomes.push({ ok: true, value: await inUnitSavepoint(trx, () => unit.work(trx)) });
    } catch (error) {
      outcomes.push({ ok: false, error });
    }
  }
  return outcomes;
}

/** Resolves or rejects each unit once its transaction committed, or rejects all with `failure`. */
function settle(batch: readonly Unit[], outcomes: readonly Outcome[], failure?: { error: unknown }): void {
  batch.forEach((unit, i) => {
    const outcome = outcomes[i];
    if (failure !== undefined) unit.reject(failure.error);
    else if (outcome?.ok) unit.resolve(outcome.value);
    else unit.reject(outcome?.error);
  });
}
