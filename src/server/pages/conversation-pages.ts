/**
 * The conversation pages: the list, one customer's transcript, and the
 * operator's actions on it. Actions answer with a redirect back to the page
 * (post/redirect/get) and a notice saying what happened.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  type CustomerView,
  describeCustomer,
  eraseCustomer,
  giveBackToBot,
  profileAfterOutcomeHook,
} from "../../engine/index.js";
import { CloserError } from "../../errors.js";
import type { AppContext } from "../app-context.js";
import { searchConversations } from "./conversation-list.js";
import { renderConversation, renderConversationList } from "./conversation-templates.js";
import { csrfFor, sendPage } from "./dashboard-reply.js";
import { DASHBOARD_PATH } from "./dashboard-session.js";

/** Who the audit log names for dashboard actions. */
export const DASHBOARD_ACTOR = "dashboard";

/** The notices an action can leave, by key (the key travels in the redirect's query). */
const NOTICES: Record<string, string> = {
  sent: "Sent. The message goes out through the gateway; the bot stays silent in this chat.",
  "taken-over": "You have the chat: the bot stays silent until you give it back.",
  "given-back": "The bot answers this customer again.",
  won: "Marked won. The sale counts in the reports and for the strategies on this customer's path.",
  forgotten: "The customer is forgotten.",
};

const listQuerySchema = z.object({
  q: z.string().max(200).default(""),
  page: z.coerce.number().int().min(1).default(1),
});
const sendBodySchema = z.object({ text: z.string().min(1, "write a message first").max(4096) });
const wonBodySchema = z.object({
  value: z
    .string()
    .trim()
    .transform((v) => (v === "" ? undefined : Number(v)))
    .pipe(z.number().nonnegative("must be 0 or more").optional()),
  currency: z
    .string()
    .trim()
    .transform((v) => v.toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code like USD")),
  eventId: z.string().min(1).max(200).optional(),
});
const forgetBodySchema = z.object({ confirm: z.literal("yes", "tick the box to confirm") });

type IdParams = { Params: { id: string }; Querystring: { done?: string } };

/** Registers `/dashboard/conversations…`. */
export function registerConversationPages(scope: FastifyInstance, ctx: AppContext): void {
  const base = `${DASHBOARD_PATH}/conversations`;
  const viewOf = async (id: string): Promise<CustomerView> => {
    const view = await describeCustomer(ctx.db, ctx.cipher, id);
    if (view === null) throw new CloserError("customer_unknown", "No such customer (forgotten, or never existed).");
    return view;
  };

  scope.get<{ Querystring: { q?: string; page?: string; done?: string } }>(base, async function list(request, reply) {
    const query = listQuerySchema.parse(request.query);
    const list = await searchConversations(ctx.db, ctx.cipher, {
      query: query.q,
      page: query.page,
      now: ctx.clock.now(),
    });
    const href = (page: number) => `${base}?${new URLSearchParams({ q: query.q, page: String(page) })}`;
    const html = renderConversationList({
      title: "Conversations",
      nav: "conversations",
      csrf: csrfFor(request, reply),
      notice: NOTICES[request.query.done ?? ""],
      query: query.q,
      list,
      prevHref: list.page > 1 ? href(list.page - 1) : null,
      nextHref: list.page < list.pages ? href(list.page + 1) : null,
    });
    return sendPage(reply, html);
  });

  scope.get<IdParams>(`${base}/:id`, async function conversation(request, reply) {
    const view = await viewOf(request.params.id);
    const now = ctx.clock.now();
    const lastCurrency = [...view.outcomes].reverse().find((o) => o.currency !== null)?.currency;
    const html = renderConversation({
      title: view.name ?? "Conversation",
      nav: "conversations",
      csrf: csrfFor(request, reply),
      notice: NOTICES[request.query.done ?? ""],
      view: { ...view, name: view.name ?? "(no name)" },
      phone: view.phone.endsWith("@lid") ? view.phone : `+${view.phone}`,
      withHuman: view.handoffUntil !== null && Date.parse(view.handoffUntil) > now,
      events: eventsOf(view),
      eventId: `dashboard-${randomUUID()}`,
      currency: lastCurrency ?? "USD",
    });
    return sendPage(reply, html);
  });

  scope.get<IdParams>(`${base}/:id/export`, async function exportCustomer(request, reply) {
    const view = await describeCustomer(ctx.db, ctx.cipher, request.params.id, { transcriptLimit: 100_000 });
    if (view === null) throw new CloserError("customer_unknown", "No such customer (forgotten, or never existed).");
    return reply
      .header("content-disposition", `attachment; filename="customer-${view.id}.json"`)
      .header("cache-control", "no-store")
      .type("application/json; charset=utf-8")
      .send(JSON.stringify(view, null, 2));
  });

  scope.post<IdParams>(`${base}/:id/send`, async function send(request, reply) {
    const body = sendBodySchema.parse(request.body ?? {});
    const view = await viewOf(request.params.id);
    await ctx.engine.sendAsShop(view.id, body.text, DASHBOARD_ACTOR);
    return reply.redirect(`${base}/${view.id}?done=sent`, 303);
  });

  scope.post<IdParams>(`${base}/:id/take-over`, async function takeOver(request, reply) {
    const view = await viewOf(request.params.id);
    await ctx.engine.takeOver(view.id, DASHBOARD_ACTOR);
    return reply.redirect(`${base}/${view.id}?done=taken-over`, 303);
  });

  scope.post<IdParams>(`${base}/:id/give-back`, async function giveBack(request, reply) {
    const view = await viewOf(request.params.id);
    const now = ctx.clock.now();
    await ctx.db.transaction().execute((trx) => giveBackToBot(trx, view.id, { actor: DASHBOARD_ACTOR, now }));
    ctx.engine.kickSender();
    return reply.redirect(`${base}/${view.id}?done=given-back`, 303);
  });

  scope.post<IdParams>(`${base}/:id/won`, async function markWon(request, reply) {
    const body = wonBodySchema.parse(request.body ?? {});
    const view = await viewOf(request.params.id);
    await ctx.experiments.recordOutcome(
      {
        customerId: view.id,
        outcome: "won",
        value: body.value,
        currency: body.currency,
        eventId: body.eventId,
        source: "dashboard",
        now: ctx.clock.now(),
      },
      profileAfterOutcomeHook(ctx.cipher),
    );
    return reply.redirect(`${base}/${view.id}?done=won`, 303);
  });

  scope.post<IdParams>(`${base}/:id/forget`, async function forget(request, reply) {
    forgetBodySchema.parse(request.body ?? {});
    const view = await viewOf(request.params.id);
    const now = ctx.clock.now();
    await eraseCustomer(ctx.db, view.id, { actor: DASHBOARD_ACTOR, now });
    return reply.redirect(`${base}?done=forgotten`, 303);
  });
}

/** Consent changes, handoffs, follow-ups and reported outcomes as one timeline, newest first. */
function eventsOf(view: CustomerView): { at: string; text: string }[] {
  const events = [
    ...view.consent.map((c) => ({ at: c.at, text: c.kind === "opt_out" ? "opted out" : c.kind.replace(/_/g, " ") })),
    ...view.handoffs.map((h) => ({
      at: h.startedAt,
      text: `a person took the chat (${h.reason.replace(/_/g, " ")})${h.endedAt === null ? "" : `, given back ${h.endedAt.slice(0, 16).replace("T", " ")}`}`,
    })),
    ...view.followUps.map((f) => ({
      at: f.sentAt ?? f.dueAt,
      text: `follow-up #${f.number} of ${f.variant}: ${f.status === "scheduled" ? "due" : f.status}${f.reason === null ? "" : ` (${f.reason})`}${f.language?.startsWith("template:") ? ` as Cloud template ${f.language.slice(9)}` : ""}`,
    })),
    ...view.outcomes.map((o) => ({
      at: o.at,
      text: `${o.outcome}${o.value === null ? "" : ` ${o.value} ${o.currency ?? ""}`}${o.reason === null ? "" : ` (${o.reason})`}, reported by ${o.source}`,
    })),
  ];
  return events.sort((a, b) => b.at.localeCompare(a.at));
}
