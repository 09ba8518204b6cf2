/**
 * Stored alerts: the alert service writes them, `closer alerts` and the
 * dashboard read them.
 * @module
 */
import type { Kysely } from "kysely";
import type { AlertRow, AlertUpdate, NewAlertRow } from "./alert.table.js";
import type { Database } from "./database.js";

/** A stored alert, parsed. Times are epoch ms. */
export interface AlertRecord {
  id: number;
  kind: string;
  key: string;
  status: "active" | "resolved" | "event";
  message: string;
  detail: Record<string, unknown>;
  firedAt: number;
  lastSentAt: number;
  deliveries: number;
  resolvedAt: number | null;
}

/** Which alerts {@link listAlerts} returns. */
export interface ListAlertsOptions {
  /** Only the conditions that still hold. Default false. */
  activeOnly?: boolean;
  /** Only alerts still active, or fired or resolved at or after this time (epoch ms). Default: no bound. */
  sinceMs?: number;
  /** At most this many, newest first. Default 100. */
  limit?: number;
}

/** Stores a new alert and returns its id. */
export async function insertAlert(db: Kysely<Database>, row: NewAlertRow): Promise<number> {
  const inserted = await db.insertInto("alerts").values(row).returning("id").executeTakeFirstOrThrow();
  return Number(inserted.id);
}

/** Changes a stored alert. */
export async function updateAlert(db: Kysely<Database>, id: number, change: AlertUpdate): Promise<void> {
  await db.updateTable("alerts").set(change).where("id", "=", id).execute();
}

/** Active alerts first, then the others, newest first within each. */
export async function listAlerts(
  db: Kysely<Database>,
  { activeOnly = false, sinceMs, limit = 100 }: ListAlertsOptions = {},
): Promise<AlertRecord[]> {
  let query = db.selectFrom("alerts").selectAll();
  if (activeOnly) query = query.where("status", "=", "active");
  if (sinceMs !== undefined) {
    query = query.where((eb) =>
      eb.or([eb("status", "=", "active"), eb("fired_at", ">=", sinceMs), eb("resolved_at", ">=", sinceMs)]),
    );
  }
  const rows = await query
    .orderBy((eb) => eb.case().when("status", "=", "active").then(0).else(1).end())
    .orderBy("fired_at", "desc")
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(alertRowToRecord);
}

/** Turns a row into an alert record. */
export function alertRowToRecord(row: AlertRow): AlertRecord {
  return {
    id: Number(row.id),
    kind: row.kind,
    key: row.alert_key,
    status: row.status as AlertRecord["status"],
    message: row.message,
    detail: row.detail_json === null ? {} : (JSON.parse(row.detail_json) as Record<string, unknown>),
    firedAt: Number(row.fired_at),
    lastSentAt: Number(row.last_sent_at),
    deliveries: row.deliveries,
    resolvedAt: row.resolved_at === null ? null : Number(row.resolved_at),
  };
}
