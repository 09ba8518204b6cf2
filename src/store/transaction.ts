/**
 * Running several store calls as one unit.
 * @module
 */
import type { Kysely, Transaction } from "kysely";
import type { Database } from "./database.js";

/**
 * Runs `fn` in a transaction: committed when it resolves, rolled back when it
 * throws (the error is rethrown). When `db` already is a transaction, `fn`
 * joins it instead of failing, so repository functions that use this helper
 * compose inside a caller's transaction.
 */
export async function transaction<T>(db: Kysely<Database>, fn: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return fn(db as Transaction<Database>);
  return db.transaction().execute(fn);
}
