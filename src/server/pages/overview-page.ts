/**
 * The overview (`/dashboard`): the alerts that need the owner now, the
 * headline figures of the last seven days, and the weekly report itself,
 * built live with its charts.
 * @module
 */
import type { FastifyInstance } from "fastify";
import {
  buildExperimentReport,
  buildWeeklyReport,
  DEFAULT_SINCE,
  renderWeeklyReportHtml,
  resolveReportSpan,
  type WeeklyReport,
} from "../../analytics/index.js";
import type { AppContext } from "../app-context.js";
import { csrfFor, sendPage } from "./dashboard-reply.js";
import { DASHBOARD_PATH } from "./dashboard-session.js";
import { pageTemplate, withoutInlineStyles } from "./dashboard-view.js";
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
<section aria-labelledby="week-title">
  <h2 id="week-title">The last 7 days</h2>
  <div class="stats">
    <div class="stat"><b data-testid="won-customers">{{headline.won}}</b>customers won</div>
    {{#each headline.revenue}}<div class="stat"><b data-testid="revenue">{{amount}} {{currency}}</b>revenue ({{orders}} order{{#unless (eq orders 1)}}s{{/unless}})</div>{{else}}<div class="stat"><b data-testid="revenue">—</b>no order values yet</div>{{/each}}
  </div>
</section>
<section class="card chart" data-testid="weekly-report">
  <h2>Weekly report</h2>
  {{{reportHtml}}}
</section>
{{/layout}}`);

/** Registers `GET /dashboard`. */
export function registerOverviewPage(scope: FastifyInstance, ctx: AppContext): void {
  scope.get(DASHBOARD_PATH, async function overview(request, reply) {
    const now = ctx.clock.now();
    const experiments = await buildExperimentReport(ctx.db, ctx.playbooks, now);
    const alerts = await overviewAlerts(ctx, experiments);
    const span = resolveReportSpan({ since: DEFAULT_SINCE }, now, ctx.config.SHOP_TIMEZONE);
    // No LLM narrative here: a page view must not cost a model call; the weekly job writes one.
    const report = await buildWeeklyReport(
      {
        db: ctx.db,
        cipher: ctx.cipher,
        playbooks: ctx.playbooks,
        clock: ctx.clock,
        timeZone: ctx.config.SHOP_TIMEZONE,
      },
      span,
    );
    const reportHtml = withoutInlineStyles(await renderWeeklyReportHtml(report, { standalone: false }));
    const html = renderOverview({
      title: "Overview",
      nav: "overview",
      csrf: csrfFor(request, reply),
      alerts,
      headline: headlineOf(report),
      reportHtml,
    });
    return sendPage(reply, html);
  });
}

/** Won customers and revenue per currency, for the figures at the top. */
function headlineOf(report: WeeklyReport) {
  return {
    won: report.sales.wonCustomers.value ?? 0,
    revenue: report.sales.revenue
      .filter((r) => (r.revenue.value ?? 0) > 0)
      .map((r) => ({
        currency: r.currency ?? "",
        amount: (r.revenue.value ?? 0).toLocaleString("en-US", { maximumFractionDigits: 2 }),
        orders: r.orders.value ?? 0,
      })),
  };
}
