/**
 * The report's service figures (the plan's KPIs): send success rate, reply
 * latency p50/p95, first-response time, opt-outs, human takeovers and the
 * automation rate, from the transcript, outbox, consent and handoff tables.
 * Only ids, statuses and times are read, never message text.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "../store/index.js";
import type { ReportPeriod } from "./report-period.js";
import { quantile, ratio, type Span, spansOf } from "./report-rows.js";
import { metric, type WeeklyReport } from "./weekly-report-schema.js";

/** Statuses of a bot message the gateway accepted. */
const ACCEPTED = ["sent", "delivered", "read"];

/** The plan's targets, which the next steps and the pages compare against. */
export const SERVICE_TARGETS = {
  /** Share of bot messages the gateway accepts. */
  sendSuccessRate: 0.95,
  /** Seconds from a customer's message to the reply leaving, at p95. */
  replyLatencySeconds: 30,
  /** Share of conversations with no human takeover. */
  automationRate: 0.7,
} as const;

/** The figures of one span. */
interface ServiceFigures {
  sent: number;
  failed: number;
  latencies: number[];
  firstResponses: number[];
  optOuts: number;
  takeovers: number;
  conversationIds: string[];
  automated: number;
}

/** The service section (LLM usage and "human requested" are filled by the caller when tracked) and who wrote. */
export async function serviceSection(
  db: Kysely<Database>,
  period: ReportPeriod,
): Promise<{ section: WeeklyReport["service"]; activeIds: string[] }> {
  const { current, previous } = spansOf(period);
  const now = await figures(db, current);
  const before = await figures(db, previous);
  const rate = (f: ServiceFigures) => ratio(f.sent, f.sent + f.failed);
  const p = (f: ServiceFigures, q: number, pick: "latencies" | "firstResponses") => quantile(f[pick], q);
  return {
    section: {
      targets: { ...SERVICE_TARGETS },
      sendSuccessRate: metric(rate(now), rate(before)),
      messagesSent: metric(now.sent, before.sent),
      sendFailures: metric(now.failed, before.failed),
      replyLatencyP50Seconds: metric(p(now, 0.5, "latencies"), p(before, 0.5, "latencies")),
      replyLatencyP95Seconds: metric(p(now, 0.95, "latencies"), p(before, 0.95, "latencies")),
      firstResponseP50Seconds: metric(p(now, 0.5, "firstResponses"), p(before, 0.5, "firstResponses")),
      optOuts: metric(now.optOuts, before.optOuts),
      humanTakeovers: metric(now.takeovers, before.takeovers),
      humanRequested: null,
      conversations: metric(now.conversationIds.length, before.conversationIds.length),
      automationRate: metric(
        ratio(now.automated, now.conversationIds.length),
        ratio(before.automated, before.conversationIds.length),
      ),
      llm: null,
    },
    activeIds: now.conversationIds,
  };
}

async function figures(db: Kysely<Database>, span: Span): Promise<ServiceFigures> {
  const sends = await db
    .selectFrom("messages")
    .select(["status", (eb) => eb.fn.countAll<number>().as("n")])
    .where("direction", "=", "out")
    .where("author", "=", "bot")
    .where("created_at", ">=", span.from)
    .where("created_at", "<", span.to)
    .groupBy("status")
    .execute();
  const countOf = (statuses: readonly string[]) =>
    sends.filter((r) => statuses.includes(r.status)).reduce((total, r) => total + Number(r.n), 0);
  const replies = await db
    .selectFrom("outbox")
    .select(["sent_at", "in_reply_to_at"])
    .where("kind", "=", "reply")
    .where("sent_at", ">=", span.from)
    .where("sent_at", "<", span.to)
    .where("in_reply_to_at", "is not", null)
    .execute();
  const writers = await db
    .selectFrom("messages")
    .select("customer_id")
    .distinct()
    .where("direction", "=", "in")
    .where("created_at", ">=", span.from)
    .where("created_at", "<", span.to)
    .execute();
  const takeovers = await db
    .selectFrom("handoffs")
    .select("customer_id")
    .where("started_at", ">=", span.from)
    .where("started_at", "<", span.to)
    .execute();
  const optOuts = await db
    .selectFrom("consent_events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("kind", "=", "opt_out")
    .where("at", ">=", span.from)
    .where("at", "<", span.to)
    .executeTakeFirst();
  const takenOver = new Set(takeovers.map((t) => t.customer_id));
  const conversationIds = writers.map((w) => w.customer_id);
  return {
    sent: countOf(ACCEPTED),
    failed: countOf(["failed"]),
    latencies: replies.map((r) => (Number(r.sent_at) - Number(r.in_reply_to_at)) / 1000),
    firstResponses: await firstResponses(db, span),
    optOuts: Number(optOuts?.n ?? 0),
    takeovers: takeovers.length,
    conversationIds,
    automated: conversationIds.filter((id) => !takenOver.has(id)).length,
  };
}

/** Seconds from each new customer's first message to the first reply that left, for customers first seen in `span`. */
async function firstResponses(db: Kysely<Database>, span: Span): Promise<number[]> {
  const rows = await db
    .selectFrom("customers as c")
    .innerJoin("outbox as o", "o.customer_id", "c.id")
    .select(["c.id", "c.first_contact_at", (eb) => eb.fn.min<number>("o.sent_at").as("first_sent")])
    .where("c.first_contact_at", ">=", span.from)
    .where("c.first_contact_at", "<", span.to)
    .where("o.sent_at", "is not", null)
    .groupBy(["c.id", "c.first_contact_at"])
    .execute();
  return rows.map((r) => (Number(r.first_sent) - Number(r.first_contact_at)) / 1000);
}
