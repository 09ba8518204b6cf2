/**
 * The audit log: what operators and the system did that changes behaviour.
 * @module
 */
import type { Kysely } from "kysely";
import type { AuditLogRow, Database } from "./database.js";

/** Appends an audit entry. `detail` must not hold message text or phone numbers. */
export async function appendAudit(
  db: Kysely<Database>,
  e: { at: number; actor: string; action: string; subject?: string | null; detail?: unknown },
): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      at: e.at,
      actor: e.actor,
      action: e.action,
      subject: e.subject ?? null,
      detail_json: e.detail === undefined ? null : JSON.stringify(e.detail),
    })
    .execute();
}

/** The most recent audit entries, newest first. */
export async function recentAudit(db: Kysely<Database>, limit = 100): Promise<AuditLogRow[]> {
  return db.selectFrom("audit_log").selectAll().orderBy("id", "desc").limit(limit).execute();
}
