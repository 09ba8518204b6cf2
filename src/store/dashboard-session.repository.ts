/**
 * Dashboard sessions, keyed by the SHA-256 of the cookie's random id.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";

/** Stores a new session. */
export async function insertDashboardSession(
  db: Kysely<Database>,
  s: { idHash: string; createdAt: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto("dashboard_sessions")
    .values({ id_hash: s.idHash, created_at: s.createdAt, expires_at: s.expiresAt })
    .execute();
}

/** True when a session with this hash exists and has not expired at `now`. */
export async function dashboardSessionValid(db: Kysely<Database>, idHash: string, now: number): Promise<boolean> {
  const row = await db
    .selectFrom("dashboard_sessions")
    .select("expires_at")
    .where("id_hash", "=", idHash)
    .executeTakeFirst();
  return row !== undefined && Number(row.expires_at) > now;
}

/** Ends a session (logout). */
export async function deleteDashboardSession(db: Kysely<Database>, idHash: string): Promise<void> {
  await db.deleteFrom("dashboard_sessions").where("id_hash", "=", idHash).execute();
}

/** Removes every session that expired before `now`; returns how many. */
export async function deleteExpiredDashboardSessions(db: Kysely<Database>, now: number): Promise<number> {
  const result = await db.deleteFrom("dashboard_sessions").where("expires_at", "<=", now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
