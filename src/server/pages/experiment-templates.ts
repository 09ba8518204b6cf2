/**
 * The experiments page's template, in the shop owner's words ("strategy",
 * "chance it is best", "share of new customers") with the statistical names
 * on hover.
 * @module
 */
import { pageTemplate } from "./dashboard-view.js";

/** `/dashboard/experiments`. */
export const renderExperiments = pageTemplate(`{{#> layout}}
<h1>Strategies per stage</h1>
<p class="muted">Each stage tries several ways of talking (<span class="term" title="arms: variant@version">strategies</span>);
new customers are shared out by how likely each one is to be the best.</p>
{{#each stages}}
<section class="card" id="stage-{{report.stage}}" data-testid="stage-{{report.stage}}">
  <h2>{{stage report.stage}} · <span class="term" title="verdict: {{report.verdict}}">{{verdictText}}</span></h2>
  {{#if report.srm.alarm}}<p class="error" data-testid="srm-alarm">Traffic is not split as the bandit intended (<span class="term" title="sample ratio mismatch, p = {{report.srm.pValue}}">SRM alarm</span>): the shares are frozen until you look into it and acknowledge it.</p>{{/if}}
  {{#if notes.length}}<details class="action"><summary>Why this verdict</summary><ul class="muted">{{#each notes}}<li>{{this}}</li>{{/each}}</ul></details>{{/if}}
  {{#if chart}}<div class="chart" data-testid="interval-chart">{{{chart}}}</div>{{/if}}
  <div class="table-box">
  <table>
    <thead><tr>
      <th><span class="term" title="arm (variant@version)">Strategy</span></th>
      <th><span class="term" title="status">Role</span></th>
      <th class="num"><span class="term" title="resolved decisions (successes + failures)">Customers judged</span></th>
      <th class="num"><span class="term" title="successes">Moved on</span></th>
      <th class="num"><span class="term" title="pending: still inside the conversion window">Waiting</span></th>
      <th class="num"><span class="term" title="posterior mean of the success rate">Success rate</span></th>
      <th class="num"><span class="term" title="95% credible interval">Likely range</span></th>
      <th class="num"><span class="term" title="P(best)">Chance it is best</span></th>
      <th class="num"><span class="term" title="weight: probability a new customer gets it">Share of new customers</span></th>
    </tr></thead>
    <tbody>
    {{#each arms}}
      <tr data-testid="arm-row" data-arm="{{key}}">
        <td>{{key}}</td><td title="{{status}}">{{role}}</td>
        <td class="num">{{decisions}}</td><td class="num">{{successes}}</td><td class="num">{{pending}}</td>
        <td class="num">{{pct posteriorMean}}</td><td class="num">{{pct low}}–{{pct high}}</td>
        <td class="num">{{pct pBest}}</td><td class="num">{{pct weight}}</td>
      </tr>
    {{/each}}
    </tbody>
  </table>
  </div>
  {{#if rotating.length}}
  <details class="action" data-testid="change-strategies">
  <summary>Promote or retire a strategy…</summary>
  <div class="side-by-side">
    <form method="post" action="/dashboard/experiments/{{report.stage}}/promote" data-testid="promote-form">
      <input type="hidden" name="_csrf" value="{{../csrf}}">
      <h3>Make a strategy the default</h3>
      {{#if collecting}}<p class="warning" data-testid="promote-warning">{{collecting}}</p>{{/if}}
      <label for="promote-arm-{{report.stage}}">Strategy</label>
      <select id="promote-arm-{{report.stage}}" name="arm" data-testid="promote-arm">{{#each rotating}}<option value="{{this}}">{{this}}</option>{{/each}}</select>
      <label for="promote-reason-{{report.stage}}">Reason</label>
      <input id="promote-reason-{{report.stage}}" name="reason" required maxlength="500" data-testid="promote-reason">
      <p><label class="inline"><input type="checkbox" name="keepChallengers" value="yes"> Keep the others competing</label></p>
      {{#if collecting}}<p><label class="inline"><input type="checkbox" name="force" value="yes" required data-testid="promote-force"> Promote anyway, on this evidence</label></p>{{/if}}
      <button type="submit" data-testid="promote-button">Promote</button>
    </form>
    <form method="post" action="/dashboard/experiments/{{report.stage}}/retire" data-testid="retire-form">
      <input type="hidden" name="_csrf" value="{{../csrf}}">
      <h3>Stop using a strategy</h3>
      <label for="retire-arm-{{report.stage}}">Strategy</label>
      <select id="retire-arm-{{report.stage}}" name="arm">{{#each rotating}}<option value="{{this}}">{{this}}</option>{{/each}}</select>
      <label for="retire-reason-{{report.stage}}">Reason</label>
      <input id="retire-reason-{{report.stage}}" name="reason" required maxlength="500">
      <p><button type="submit" class="secondary">Retire</button></p>
    </form>
  </div>
  </details>
  {{/if}}
  {{#if report.srm.alarm}}
  <form method="post" action="/dashboard/experiments/{{report.stage}}/srm-ack" class="inline" data-testid="srm-form">
    <input type="hidden" name="_csrf" value="{{../csrf}}">
    <div><label for="srm-reason-{{report.stage}}">What you found</label><input id="srm-reason-{{report.stage}}" name="reason" required maxlength="500"></div>
    <button type="submit">Acknowledge and unfreeze</button>
  </form>
  {{/if}}
</section>
{{/each}}
{{/layout}}`);
