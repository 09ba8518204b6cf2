/**
 * The `follow_ups` table: messages the bot sends first to a customer who went
 * quiet, one row per follow-up of an assignment (arm × customer × stage). A row
 * is `scheduled` with its due time, then in one transaction it becomes `queued`
 * together with its transcript message and outbox row (so a crash neither loses
 * nor repeats it), then `sent` / `failed` / `held` as the sender settles that
 * outbox row; or `skipped` with the rule that stopped it. No text is stored here.
 * @module
 */
import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** One follow-up. */
export interface FollowUpTable {
  id: Generated<number>;
  customer_id: string;
  journey: number;
  stage: string;
  assignment_id: number;
  /** The arm it belongs to. */
  variant_id: string;
  variant_version: number;
  /** Which of the arm's follow-ups (0-based). */
  step: number;
  /** When the bot's last reply went out (the customer has been quiet since; `after_hours` counts from it), epoch ms. */
  quiet_since: number;
  /** When it may go out (moved later by quiet hours, a handoff, pacing), epoch ms. */
  due_at: number;
  /** `scheduled`, `queued`, `sent`, `failed`, `held`, `skipped`. */
  status: string;
  /** Why it was skipped, failed or held; null otherwise. */
  reason: string | null;
  /** The language of the text chosen, or `template:<name>` for a Cloud template message. */
  language: string | null;
  /** JSON `{name, language, parameters}` of the Cloud template message to send instead of text; null = text. */
  cloud_template_json: string | null;
  outbox_id: number | null;
  message_id: number | null;
  created_at: number;
  updated_at: number;
  sent_at: number | null;
}

/** A stored follow-up. */
export type FollowUpRow = Selectable<FollowUpTable>;
/** A follow-up to insert. */
export type NewFollowUpRow = Insertable<FollowUpTable>;
/** A change to a follow-up. */
export type FollowUpUpdate = Updateable<FollowUpTable>;
