/**
 * The overview (`/dashboard`): the alerts that need the owner now.
 * @module
 */
import type { FastifyInstance } from "fastify";
import { buildExperimentReport } from "../../analytics/index.js";
import type { AppContext } from "../app-context.js";
import { csrfFor, sendPage } from "./dashboard-reply.js";
import { DASHBOARD_PATH } from "./dashboard-session.js";
import { pageTemplate } from "./dashboard-view.js";
import { overviewAlerts } from "./overview-alerts.js";

const renderOverview = pageTemplate(`{{#> layout}}
<h1>Overview</h1>
<section class="card" aria-labelledby="alerts-title">
  <h2 id="alerts-title">Needs you now</h2>
  <ul class="alerts" data-testid="alerts">
  {{#each alerts}}
    <li class="{{#unless problem}}ok{{/unless}}" data-kind="{{kind}}">{{#if href}}<a href="{{href}}">{{text}}</a>{{else}}{{text}}{{/if}}</li>
  {{/each}}
  </ul>
</section>
{{/layout}}`);

/** Registers `GET /dashboard`. */
export function registerOverviewPage(scope: FastifyInstance, ctx: AppContext): void {
  scope.get(DASHBOARD_PATH, async function overview(request, reply) {
    const experiments = await buildExperimentReport(ctx.db, ctx.playbooks, ctx.clock.now());
    const alerts = await overviewAlerts(ctx, experiments);
    return sendPage(
      reply,
      renderOverview({ title: "Overview", nav: "overview", csrf: csrfFor(request, reply), alerts }),
    );
  });
}
