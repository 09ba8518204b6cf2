/**
 * The `alerts` table: every alert Closer raised, for `closer alerts` and the
 * dashboard. Rows hold no message text and no phone numbers except masked
 * ones (last four digits); the alert service masks before it writes.
 * @module
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** One alert: a condition that fired (and maybe resolved), or a one-off event. */
export interface AlertTable {
  id: Generated<number>;
  /** What it is about: `send_success_low`, `gateway_offline`, `hot_lead`, … */
  kind: string;
  /** The deduplication key: the kind for a rule, kind and message for a one-off alert. */
  alert_key: string;
  /** `active` (a condition that holds), `resolved` (it cleared), `event` (a one-off alert). */
  status: string;
  /** What an operator reads; masked. */
  message: string;
  /** JSON of the figures behind it (rates, counts, thresholds); masked. */
  detail_json: string | null;
  /** When it fired, epoch ms. */
  fired_at: number;
  /** When it was last delivered (fired or repeated), epoch ms. */
  last_sent_at: number;
  /** How many times it was delivered while it held (1 = only when it fired). */
  deliveries: number;
  /** When the condition cleared; null while active and for events. */
  resolved_at: number | null;
}

/** A stored alert. */
export type AlertRow = Selectable<AlertTable>;
/** An alert to insert. */
export type NewAlertRow = Insertable<AlertTable>;
/** A change to an alert. */
export type AlertUpdate = Updateable<AlertTable>;
