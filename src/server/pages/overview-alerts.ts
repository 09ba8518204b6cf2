/**
 * The overview's alerts: what needs the shop owner now — the gateway's state,
 * SRM alarms that froze a stage, chats a person has, and hot leads (customers
 * in the last stage before a sale who wrote recently), then the alerts the alert
 * engine holds now or raised in the last day (the gateway's own line stands above).
 * @module
 */
import type { ExperimentReport } from "../../analytics/index.js";
import { listAlerts } from "../../store/index.js";
import type { AppContext } from "../app-context.js";

/** How far back the overview shows one-off alerts (an order, a human requested, a breaker opened), ms. */
export const RECENT_ALERTS_MS = 24 * 3_600_000;

/** How recent a closing-stage customer's last message must be to count as a hot lead, ms. */
export const HOT_LEAD_WINDOW_MS = 48 * 3_600_000;

/** One line of the alert list. */
export interface OverviewAlert {
  kind: "gateway" | "srm" | "handoff" | "hot_leads" | "alert";
  /** False for a reassuring line ("the gateway is connected"). */
  problem: boolean;
  text: string;
  href: string | null;
}

/** Builds the alert list from the live state. */
export async function overviewAlerts(ctx: AppContext, experiments: ExperimentReport): Promise<OverviewAlert[]> {
  const now = ctx.clock.now();
  const alerts: OverviewAlert[] = [];
  const gateway = ctx.gatewayHealth();
  alerts.push(
    gateway.connected
      ? { kind: "gateway", problem: false, text: `WhatsApp gateway (${ctx.config.GATEWAY}) is connected.`, href: null }
      : {
          kind: "gateway",
          problem: true,
          text: `WhatsApp gateway (${ctx.config.GATEWAY}) is not connected since ${new Date(gateway.since).toISOString().slice(0, 16).replace("T", " ")} UTC: ${gateway.detail}. Replies wait in the outbox.`,
          href: null,
        },
  );
  for (const stage of experiments.stages.filter((s) => s.srm.alarm)) {
    alerts.push({
      kind: "srm",
      problem: true,
      text: `${stage.stage.replace(/_/g, " ")}: traffic is not split as intended (SRM alarm); its shares are frozen.`,
      href: `/dashboard/experiments#stage-${stage.stage}`,
    });
  }
  const withPerson = await ctx.db
    .selectFrom("customers")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("handoff_until", ">", now)
    .executeTakeFirstOrThrow();
  if (Number(withPerson.n) > 0) {
    alerts.push({
      kind: "handoff",
      problem: true,
      text: `${withPerson.n} chat${Number(withPerson.n) === 1 ? "" : "s"} with a person: the bot is silent there.`,
      href: "/dashboard/conversations",
    });
  }
  const closing = ctx.playbooks.stageIds.at(-1);
  if (closing !== undefined) {
    const hot = await ctx.db
      .selectFrom("customers")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("stage", "=", closing)
      .where("opted_out", "=", 0)
      .where("last_interaction_at", ">", now - HOT_LEAD_WINDOW_MS)
      .executeTakeFirstOrThrow();
    if (Number(hot.n) > 0) {
      alerts.push({
        kind: "hot_leads",
        problem: true,
        text: `${hot.n} hot lead${Number(hot.n) === 1 ? "" : "s"}: in ${closing.replace(/_/g, " ")} and wrote in the last 48 hours.`,
        href: `/dashboard/conversations?q=${encodeURIComponent(closing)}`,
      });
    }
  }
  for (const alert of await listAlerts(ctx.db, { sinceMs: now - RECENT_ALERTS_MS, limit: 20 })) {
    if (alert.status === "resolved" || alert.kind.startsWith("gateway")) continue;
    alerts.push({ kind: "alert", problem: true, text: alert.message, href: null });
  }
  return alerts;
}
