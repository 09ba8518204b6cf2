/**
 * The candidates page: strategies proposed by the weekly reflection that wait
 * for review (`proposed`) or run on capped traffic (`candidate`), each with its
 * description, parents and rationale, and the owner's approve / reject forms
 * (a reason required), through the same review calls as the admin API.
 * @module
 */
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { approveCandidate, listCandidates, rejectCandidate, showCandidate } from "../../experiments/index.js";
import type { AppContext } from "../app-context.js";
import { csrfFor, sendPage } from "./dashboard-reply.js";
import { DASHBOARD_PATH } from "./dashboard-session.js";
import { pageTemplate } from "./dashboard-view.js";

/** Who the audit log names for dashboard decisions. */
const ACTOR = "dashboard";

const NOTICES: Record<string, string> = {
  approved: "Approved. It is on trial now and gets customers within the stage's candidate cap.",
  rejected: "Rejected. It is retired and gets no customers.",
};

const renderCandidates = pageTemplate(`{{#> layout}}
<h1>Candidates</h1>
<section class="card" data-testid="candidates">
{{#each candidates}}
  <article data-testid="candidate" id="candidate-{{stageId}}-{{arm}}">
    <h2>{{arm}} <small>({{stageId}}, {{#if (eq status "proposed")}}waiting for review{{else}}on trial{{/if}})</small></h2>
    <p>{{description}}</p>
    <p>Grew from: {{#each parents}}{{this}}{{#unless @last}}, {{/unless}}{{else}}none{{/each}}</p>
    <p>Why: {{#if rationale}}{{rationale}}{{else}}no rationale given{{/if}}</p>
    <div class="side-by-side">
    {{#if (eq status "proposed")}}
    <form method="post" action="/dashboard/candidates/{{stageId}}/{{arm}}/approve" data-testid="approve-form">
      <input type="hidden" name="_csrf" value="{{../csrf}}">
      <label for="approve-reason-{{stageId}}-{{arm}}">Reason</label>
      <input id="approve-reason-{{stageId}}-{{arm}}" name="reason" required maxlength="500">
      <button type="submit">Approve</button>
    </form>
    {{/if}}
    <form method="post" action="/dashboard/candidates/{{stageId}}/{{arm}}/reject" data-testid="reject-form">
      <input type="hidden" name="_csrf" value="{{../csrf}}">
      <label for="reject-reason-{{stageId}}-{{arm}}">Reason</label>
      <input id="reject-reason-{{stageId}}-{{arm}}" name="reason" required maxlength="500">
      <button type="submit" class="secondary">Reject</button>
    </form>
    </div>
  </article>
{{else}}
  <p>None. New strategies proposed by the weekly reflection will wait here for your review, with the
  strategies they grew from and the reason they were proposed.</p>
{{/each}}
</section>
{{/layout}}`);

const reviewSchema = z.object({ reason: z.string().trim().min(1, "say why").max(500) });

type ArmParams = { Params: { stage: string; arm: string } };

/** Registers `/dashboard/candidates` and its approve / reject forms. */
export function registerCandidatePages(scope: FastifyInstance, ctx: AppContext): void {
  const base = `${DASHBOARD_PATH}/candidates`;

  scope.get<{ Querystring: { done?: string } }>(base, async function candidates(request, reply) {
    const list = await listCandidates(ctx.candidates);
    const candidates = await Promise.all(
      list.map(async (c) => ({
        ...c,
        stageId: c.stage,
        rationale: (await showCandidate(ctx.candidates, c.stage, c.arm)).rationale,
      })),
    );
    return sendPage(
      reply,
      renderCandidates({
        title: "Candidates",
        nav: "candidates",
        csrf: csrfFor(request, reply),
        notice: NOTICES[request.query.done ?? ""],
        candidates,
      }),
    );
  });

  scope.post<ArmParams>(`${base}/:stage/:arm/approve`, async function approve(request, reply) {
    const body = reviewSchema.parse(request.body ?? {});
    await approveCandidate(ctx.candidates, request.params.stage, request.params.arm, {
      actor: ACTOR,
      reason: body.reason,
    });
    return reply.redirect(`${base}?done=approved`, 303);
  });

  scope.post<ArmParams>(`${base}/:stage/:arm/reject`, async function reject(request, reply) {
    const body = reviewSchema.parse(request.body ?? {});
    await rejectCandidate(ctx.candidates, request.params.stage, request.params.arm, {
      actor: ACTOR,
      reason: body.reason,
    });
    return reply.redirect(`${base}?done=rejected`, 303);
  });
}
