/**
 * The follow-up runner, a scheduled job (FOLLOW_UP_CRON): it schedules the next
 * follow-up of each quiet customer's arm in the `follow_ups` table, and turns the
 * due ones into outbox rows under the safety rules (follow-up-rules.ts). Turning
 * a follow-up into its transcript message and outbox row happens in one
 * transaction that also marks it `queued`, so a crash at any point neither loses
 * it (it stays `scheduled`) nor repeats it (the outbox sends a row once).
 * @module
 */
import type { Kysely } from "kysely";
import type { Logger } from "../../log.js";
import {
  CUSTOMER_AAD,
  type CustomerRow,
  countWrittenFollowUps,
  type Database,
  dueFollowUps,
  type FieldCipher,
  type FollowUpRow,
  followUpFiguresByArm,
  followUpStepsOf,
  insertMessage,
  insertOutboxEntry,
  MESSAGE_TEXT_AAD,
  scheduleFollowUp,
  unscheduleFollowUp,
  updateScheduledFollowUp,
} from "../../store/index.js";
import type { Alerts } from "../alerts.js";
import type { Clock } from "../clock.js";
import { parseProfile } from "../customer-profile.js";
import type { GatewayName } from "../gateway/index.js";
import { type PacingConfig, quietHoursEnd } from "../pacing.js";
import type { PlaybookRuntime } from "../playbook-runtime.js";
import { decideFollowUp, type FollowUpLimits } from "./follow-up-rules.js";

const HOUR_MS = 3_600_000;
/** Rows looked at per pass (scheduling and sending each). */
const SCAN_LIMIT = 500;
/** The Cloud API's customer-service window. */
export const CLOUD_WINDOW_MS = 24 * HOUR_MS;
/** An arm's opt-out rate is judged once it has sent this many follow-ups (in the last 30 days). */
export const FOLLOW_UP_ALERT_MIN_SENT = 10;
const ALERT_LOOKBACK_MS = 30 * 24 * HOUR_MS;

/** The follow-up settings. */
export interface FollowUpSettings {
  /** FOLLOW_UP_MAX. */
  maxPerJourney: number;
  /** FOLLOW_UP_MIN_AGE_HOURS. */
  minCustomerAgeHours: number;
  /** FOLLOW_UP_OPT_OUT_ALERT_RATE. */
  optOutAlertRate: number;
}

/** What the runner needs. */
export interface FollowUpRunnerDeps {
  db: Kysely<Database>;
  cipher: FieldCipher;
  playbooks: PlaybookRuntime;
  clock: Clock;
  gateway: GatewayName;
  pacing: PacingConfig;
  /** SHOP_TIMEZONE: quiet hours for customers whose time zone is unknown. */
  shopTimeZone: string;
  settings: FollowUpSettings;
  alerts: Alerts;
  logger: Logger;
  /** Called after follow-ups were queued (the engine kicks its sender). */
  onQueued?: () => void;
}

/** What one pass did. */
export interface FollowUpPass {
  scheduled: number;
  queued: number;
  skipped: number;
  waiting: number;
  unscheduled: number;
  /** Could not be queued this time (a database error; tried again next pass). */
  failed: number;
}

/** Schedules and queues follow-ups; `run()` is one pass (the job calls it every minute). */
export class FollowUpRunner {
  readonly #deps: FollowUpRunnerDeps;
  #running: Promise<FollowUpPass> | null = null;
  #lastAlertCheck = Number.NEGATIVE_INFINITY;

  constructor(deps: FollowUpRunnerDeps) {
    this.#deps = deps;
  }

  /** One pass: schedule, then queue what is due, then judge the arms' opt-out rates (hourly). Never overlaps itself. */
  run(): Promise<FollowUpPass> {
    this.#running ??= this.#pass().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #pass(): Promise<FollowUpPass> {
    const now = this.#deps.clock.now();
    const pass: FollowUpPass = { scheduled: 0, queued: 0, skipped: 0, waiting: 0, unscheduled: 0, failed: 0 };
    pass.scheduled = await this.#schedule(now);
    for (const row of await dueFollowUps(this.#deps.db, now, SCAN_LIMIT)) {
      try {
        const outcome = await this.#deps.db.transaction().execute((trx) => this.#claim(trx, row, now));
        pass[outcome]++;
      } catch (error) {
        // Rolled back: the follow-up stays scheduled and is tried again on the next pass.
        pass.failed++;
        this.#deps.logger.error({ err: error, followUpId: Number(row.id) }, "follow-up could not be queued");
      }
    }
    if (pass.queued > 0) this.#deps.onQueued?.();
    if (now - this.#lastAlertCheck >= HOUR_MS) {
      this.#lastAlertCheck = now;
      await this.#checkOptOuts(now);
    }
    return pass;
  }

  /** Inserts the next follow-up of every quiet customer whose arm has one left. */
  async #schedule(now: number): Promise<number> {
    const { db, playbooks, settings } = this.#deps;
    const arms = [...playbooks.loadedKeys]
      .filter((key) => playbooks.followUps(key).length > 0)
      .map((key) => {
        const at = key.lastIndexOf("@");
        return [key.slice(0, at), Number(key.slice(at + 1))] as const;
      });
    if (arms.length === 0) return 0;
    const candidates = await db
      .selectFrom("assignments as a")
      .innerJoin("customers as c", "c.id", "a.customer_id")
      .select([
        "a.id",
        "a.customer_id",
        "a.journey",
        "a.stage",
        "a.variant_id",
        "a.variant_version",
        "c.last_inbound_at",
      ])
      .where("a.status", "=", "pending")
      .whereRef("a.stage", "=", "c.stage")
      .whereRef("a.journey", "=", "c.journey")
      .where("a.window_ends_at", ">", now)
      .where("c.opted_out", "=", 0)
      .where("c.last_inbound_at", "is not", null)
      .where((eb) =>
        eb.or(
          arms.map(([id, version]) => eb.and([eb("a.variant_id", "=", id), eb("a.variant_version", "=", version)])),
        ),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("follow_ups as f")
              .select("f.id")
              .whereRef("f.assignment_id", "=", "a.id")
              .where("f.status", "in", ["scheduled", "queued"]),
          ),
        ),
      )
      // Not while a reply is still on its way.
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom("outbox as o")
              .select("o.id")
              .whereRef("o.customer_id", "=", "a.customer_id")
              .where("o.status", "in", ["pending", "sending", "composing"]),
          ),
        ),
      )
      .orderBy("a.id")
      .limit(SCAN_LIMIT)
      .execute();
    let scheduled = 0;
    for (const a of candidates) {
      const key = `${a.variant_id}@${a.variant_version}`;
      const followUps = playbooks.followUps(key);
      const step = (await followUpStepsOf(db, Number(a.id))).length;
      const next = followUps[step];
      if (next === undefined) continue;
      if ((await countWrittenFollowUps(db, a.customer_id, a.journey)) >= settings.maxPerJourney) continue;
      const quietSince = await lastReplySentAt(db, a.customer_id);
      if (quietSince === null || a.last_inbound_at === null || quietSince <= a.last_inbound_at) continue;
      const inserted = await scheduleFollowUp(db, {
        customer_id: a.customer_id,
        journey: a.journey,
        stage: a.stage,
        assignment_id: Number(a.id),
        variant_id: a.variant_id,
        variant_version: a.variant_version,
        step,
        quiet_since: quietSince,
        due_at: quietSince + Math.round(next.afterHours * HOUR_MS),
        status: "scheduled",
        reason: null,
        language: null,
        cloud_template_json: null,
        outbox_id: null,
        message_id: null,
        created_at: now,
        updated_at: now,
        sent_at: null,
      });
      if (inserted) scheduled++;
    }
    return scheduled;
  }

  /** Applies the rules to one due follow-up and queues, delays, skips or unschedules it. */
  async #claim(
    trx: Kysely<Database>,
    row: FollowUpRow,
    now: number,
  ): Promise<"queued" | "skipped" | "waiting" | "unscheduled"> {
    const { cipher, playbooks, pacing } = this.#deps;
    const id = Number(row.id);
    const skip = async (reason: string) => {
      await updateScheduledFollowUp(trx, id, { status: "skipped", reason, updated_at: now });
      return "skipped" as const;
    };
    const customer = await trx.selectFrom("customers").selectAll().where("id", "=", row.customer_id).executeTakeFirst();
    if (customer === undefined) return skip("the customer was deleted");
    const key = `${row.variant_id}@${row.variant_version}`;
    const followUp = playbooks.loadedKeys.has(key) ? playbooks.followUps(key)[row.step] : undefined;
    if (followUp === undefined) return skip("the arm's follow-up is no longer loaded");
    const assignment = await trx
      .selectFrom("assignments")
      .select(["status", "window_ends_at"])
      .where("id", "=", row.assignment_id)
      .executeTakeFirst();
    const profile = parseProfile(cipher.decryptJson(customer.profile_enc, CUSTOMER_AAD.profile(customer.id)));
    const decision = decideFollowUp(
      {
        now,
        answered: (customer.last_inbound_at ?? 0) > row.quiet_since,
        optedOut: customer.opted_out === 1,
        handoffUntil: customer.handoff_until,
        firstContactAt: customer.first_contact_at,
        lastInboundAt: customer.last_inbound_at ?? customer.first_contact_at,
        stillInStage:
          assignment?.status === "pending" && customer.stage === row.stage && customer.journey === row.journey,
        windowEndsAt: assignment?.window_ends_at ?? now,
        writtenThisJourney: await countWrittenFollowUps(trx, customer.id, customer.journey),
        quietHoursEnd: quietHoursEnd(now, profile.timeZone ?? this.#deps.shopTimeZone, pacing),
        pacingSlot: await pacingSlot(trx, now, pacing),
        cloud: this.#deps.gateway === "cloud",
        hasCloudTemplate: followUp.cloudTemplate !== null,
      },
      this.#limits(),
    );
    if (decision.action === "skip") return skip(decision.reason);
    if (decision.action === "unschedule") {
      await unscheduleFollowUp(trx, id);
      return "unscheduled";
    }
    if (decision.action === "wait") {
      await updateScheduledFollowUp(trx, id, {
        due_at: decision.until,
        reason: `waits: ${decision.reason}`,
        updated_at: now,
      });
      return "waiting";
    }
    const composed = playbooks.composeFollowUp(
      key,
      row.step,
      { name: nameOf(cipher, customer), stage: row.stage, profile, productIds: [] },
      now,
    );
    if (composed.violations.length > 0)
      return skip(`fails its checks: ${composed.violations.join("; ")}`.slice(0, 300));
    const template =
      followUp.cloudTemplate === null
        ? null
        : { ...followUp.cloudTemplate, parameters: composed.cloudParameters ?? [] };
    const text = decision.template && template !== null ? templateTranscript(template) : composed.text;
    const messageId = await insertMessage(trx, {
      customerId: customer.id,
      direction: "out",
      author: "bot",
      textEnc: cipher.encrypt(text, MESSAGE_TEXT_AAD(customer.id)),
      gatewayMessageIndex: null,
      journey: row.journey,
      stage: row.stage,
      assignmentId: row.assignment_id,
      variantId: row.variant_id,
      variantVersion: row.variant_version,
      intent: "follow_up",
      status: "queued",
      createdAt: now,
    });
    const outboxId = await insertOutboxEntry(trx, {
      messageId,
      customerId: customer.id,
      kind: "follow_up",
      inReplyToAt: null,
      inReplyToGatewayIdEnc: null,
      createdAt: now,
    });
    const claimed = await updateScheduledFollowUp(trx, id, {
      status: "queued",
      reason: null,
      language: decision.template && template !== null ? `template:${template.name}` : composed.language,
      cloud_template_json: template === null ? null : JSON.stringify(template),
      outbox_id: outboxId,
      message_id: messageId,
      updated_at: now,
    });
    // Another runner took it first: roll the whole transaction back.
    if (!claimed) throw new Error(`follow-up ${id} was claimed twice`);
    return "queued";
  }

  #limits(): FollowUpLimits {
    const { settings } = this.#deps;
    return {
      maxPerJourney: settings.maxPerJourney,
      minCustomerAgeMs: settings.minCustomerAgeHours * HOUR_MS,
      cloudWindowMs: CLOUD_WINDOW_MS,
    };
  }

  /** Raises `follow_up_opt_outs` for every arm whose follow-ups led to opt-outs above the threshold. */
  async #checkOptOuts(now: number): Promise<void> {
    const { db, alerts, settings } = this.#deps;
    for (const arm of await followUpFiguresByArm(db, now - ALERT_LOOKBACK_MS, now + 1)) {
      if (arm.sent < FOLLOW_UP_ALERT_MIN_SENT) continue;
      const rate = arm.optOuts / arm.sent;
      if (rate <= settings.optOutAlertRate) continue;
      const name = `${arm.stage}/${arm.variantId}@${arm.variantVersion}`;
      alerts.raise(
        "follow_up_opt_outs",
        `Follow-ups of ${name} are followed by opt-outs above ${Math.round(settings.optOutAlertRate * 100)}%; consider retiring the arm or its follow-ups`,
        { arm: name, sent: arm.sent, optOuts: arm.optOuts, rate, threshold: settings.optOutAlertRate },
      );
    }
  }
}

/** When the bot's last reply to the customer went out (follow-ups count from it), or null. */
async function lastReplySentAt(db: Kysely<Database>, customerId: string): Promise<number | null> {
  const row = await db
    .selectFrom("outbox")
    .select((eb) => eb.fn.max("sent_at").as("at"))
    .where("customer_id", "=", customerId)
    .where("kind", "=", "reply")
    .where("status", "=", "sent")
    .executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/** The earliest time the pacing caps (per minute, per hour) allow one more send, from what was sent. */
async function pacingSlot(db: Kysely<Database>, now: number, pacing: PacingConfig): Promise<number> {
  const recent = await db
    .selectFrom("outbox")
    .select("sent_at")
    .where("status", "=", "sent")
    .where("sent_at", ">", now - HOUR_MS)
    .orderBy("sent_at", "desc")
    .limit(pacing.maxPerHour)
    .execute();
  const times = recent.map((r) => Number(r.sent_at)).sort((a, b) => a - b);
  const inMinute = times.filter((t) => t > now - 60_000);
  let slot = now;
  if (inMinute.length >= pacing.maxPerMinute) {
    slot = Math.max(slot, (inMinute[inMinute.length - pacing.maxPerMinute] ?? now) + 60_000);
  }
  if (times.length >= pacing.maxPerHour) {
    slot = Math.max(slot, (times[times.length - pacing.maxPerHour] ?? now) + HOUR_MS);
  }
  return slot;
}

function nameOf(cipher: FieldCipher, customer: CustomerRow): string | null {
  return customer.name_enc === null ? null : cipher.decrypt(customer.name_enc, CUSTOMER_AAD.name(customer.id));
}

/** What the transcript shows for a template message (the template's own text lives with Meta). */
export function templateTranscript(template: { name: string; parameters: string[] }): string {
  const params = template.parameters.length === 0 ? "" : `: ${template.parameters.join(" | ")}`;
  return `[template ${template.name}${params}]`;
}
