/**
 * The candidates page: strategies proposed by the weekly reflection that wait
 * for review. Reflection does not propose anything yet, so the page says so.
 * @module
 */
import type { FastifyInstance } from "fastify";
import type { AppContext } from "../app-context.js";
import { csrfFor, sendPage } from "./dashboard-reply.js";
import { DASHBOARD_PATH } from "./dashboard-session.js";
import { pageTemplate } from "./dashboard-view.js";

const renderCandidates = pageTemplate(`{{#> layout}}
<h1>Candidates</h1>
<section class="card" data-testid="candidates">
  <p>None. New strategies proposed by the weekly reflection will wait here for your review, side by side with the
  strategies they grew from, with the reason they were proposed.</p>
</section>
{{/layout}}`);

/** Registers `/dashboard/candidates`. */
export function registerCandidatePages(scope: FastifyInstance, _ctx: AppContext): void {
  scope.get(`${DASHBOARD_PATH}/candidates`, async function candidates(request, reply) {
    return sendPage(reply, renderCandidates({ title: "Candidates", nav: "candidates", csrf: csrfFor(request, reply) }));
  });
}
