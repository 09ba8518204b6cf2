/**
 * Savepoints inside a transaction, their statements compiled once (they run for every message).
 * @module
 */
import { CompiledQuery, type Kysely } from "kysely";
import type { Database } from "./database.js";

/** Runs work inside a savepoint of `trx`: when it throws, only its own writes are rolled back. */
export type InSavepoint = <T>(trx: Kysely<Database>, work: () => Promise<T>) => Promise<T>;

/** A savepoint named `name` (an SQL identifier). */
export function savepoint(name: string): InSavepoint {
  const begin = CompiledQuery.raw(`savepoint ${name}`);
  const release = CompiledQuery.raw(`release savepoint ${name}`);
  const rollback = CompiledQuery.raw(`rollback to savepoint ${name}`);
  return async (trx, work) => {
    await trx.executeQuery(begin);
    try {
      const value = await work();
      await trx.executeQuery(release);
      return value;
    } catch (error) {
      await trx.executeQuery(rollback);
      await trx.executeQuery(release);
      throw error;
    }
  };
}
