/**
 * The conversation pages' templates: the searchable list, and one customer's
 * transcript with profile, strategies, events and the operator's actions
 * (take over, write as the shop, give back, mark won, export, forget).
 * @module
 */
import { pageTemplate } from "./dashboard-view.js";

/** `/dashboard/conversations`. */
export const renderConversationList = pageTemplate(`{{#> layout}}
<h1>Conversations</h1>
<form class="search" method="get" action="/dashboard/conversations" role="search">
  <label for="q" class="visually-hidden">Search</label>
  <input id="q" name="q" type="search" value="{{query}}" placeholder="Name, phone or stage (e.g. closing)" data-testid="search-input">
  <button type="submit">Search</button>
</form>
<p class="muted" data-testid="conversation-count">{{list.total}} customer{{#unless (eq list.total 1)}}s{{/unless}}{{#if query}} matching “{{query}}”{{/if}}</p>
<div class="card table-box">
<table data-testid="conversation-table">
  <thead><tr><th>Customer</th><th>Phone</th><th>Stage</th><th>Last message</th></tr></thead>
  <tbody>
  {{#each list.rows}}
    <tr data-testid="conversation-row">
      <td><a href="/dashboard/conversations/{{id}}">{{name}}</a>
        {{#if withHuman}} <span class="chip human" title="handoff: the bot is silent in this chat">with a person</span>{{/if}}
        {{#if optedOut}} <span class="chip lost">opted out</span>{{/if}}</td>
      <td>{{maskedPhone}}</td>
      <td><span class="chip {{stage}}">{{stage stage}}</span></td>
      <td>{{when lastInteractionAt}}</td>
    </tr>
  {{else}}
    <tr><td colspan="4" class="muted">No customers{{#if query}} match this search{{else}} yet: they appear here after their first message{{/if}}.</td></tr>
  {{/each}}
  </tbody>
</table>
</div>
{{#if (eq list.pages 1)}}{{else}}
<nav class="pager" aria-label="Pages">
  {{#if prevHref}}<a href="{{prevHref}}">← Newer</a>{{/if}}
  <span>Page {{list.page}} of {{list.pages}}</span>
  {{#if nextHref}}<a href="{{nextHref}}">Older →</a>{{/if}}
</nav>
{{/if}}
{{/layout}}`);

/** `/dashboard/conversations/:id`. */
export const renderConversation = pageTemplate(`{{#> layout}}
<p><a href="/dashboard/conversations">← All conversations</a></p>
<h1 data-testid="customer-name">{{view.name}} <span class="chip {{view.stage}}" data-testid="customer-stage">{{stage view.stage}}</span></h1>
<div class="grid two">
  <section class="card" aria-labelledby="chat-title">
    <h2 id="chat-title">Chat</h2>
    {{#if withHuman}}
      <p class="warning" data-testid="handoff-state">You have this chat until {{when view.handoffUntil}}: the bot stays silent.</p>
    {{else}}
      <p class="muted" data-testid="handoff-state">The bot answers this customer.</p>
    {{/if}}
    {{#if view.optedOut}}<p class="error">This customer opted out: nothing is sent to them.</p>{{/if}}
    <ol class="transcript" data-testid="transcript">
    {{#each view.transcript}}
      <li class="msg {{direction}} {{author}}" data-testid="message">{{text}}<span class="meta">{{author}} · {{when at}}{{#if variant}} · <span class="term" title="arm (variant@version)">strategy {{variant}}</span>{{/if}}{{#unless (eq direction "in")}} · {{status}}{{/unless}}</span></li>
    {{else}}
      <li class="muted">No messages.</li>
    {{/each}}
    </ol>
    <form method="post" action="/dashboard/conversations/{{view.id}}/send" data-testid="send-form">
      <input type="hidden" name="_csrf" value="{{csrf}}">
      <label for="text">Write as the shop</label>
      <textarea id="text" name="text" required maxlength="4096" placeholder="Your message goes out from the shop's WhatsApp number; the bot stays silent while you have the chat." data-testid="shop-message"></textarea>
      <button type="submit" data-testid="send-button">Send</button>
    </form>
    <div class="inline-actions">
    {{#if withHuman}}
      <form method="post" action="/dashboard/conversations/{{view.id}}/give-back" class="inline">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="secondary" data-testid="give-back">Give back to the bot</button>
      </form>
    {{else}}
      <form method="post" action="/dashboard/conversations/{{view.id}}/take-over" class="inline">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <button type="submit" class="secondary" data-testid="take-over">Take over</button>
      </form>
    {{/if}}
    </div>
  </section>
  <aside>
    <section class="card" aria-labelledby="profile-title">
      <h2 id="profile-title">Profile</h2>
      <dl class="profile" data-testid="profile">
        <dt>Phone</dt><dd>{{phone}}</dd>
        <dt>Stage</dt><dd>{{stage view.stage}} (journey {{view.journey}})</dd>
        <dt>First contact</dt><dd>{{when view.firstContactAt}}</dd>
        <dt>Last message</dt><dd>{{when view.lastInteractionAt}}</dd>
        <dt>Conversations</dt><dd>{{view.conversationCount}}</dd>
        <dt>Trust</dt><dd>{{view.profile.trustLevel}} / 10</dd>
        <dt>Chance to buy</dt><dd><span class="term" title="purchaseProbability">{{pct view.profile.purchaseProbability}}</span></dd>
        <dt>Approach</dt><dd>{{view.profile.recommendedApproach}}</dd>
        <dt>Interests</dt><dd>{{#each view.profile.interests}}<span class="chip">{{this}}</span> {{else}}none yet{{/each}}</dd>
        <dt>Concerns</dt><dd>{{#each view.profile.concerns}}<span class="chip">{{this}}</span> {{else}}none yet{{/each}}</dd>
        <dt>Language</dt><dd>{{view.profile.language}}</dd>
        <dt>Time zone</dt><dd>{{#if view.profile.timeZone}}{{view.profile.timeZone}}{{else}}unknown{{/if}}</dd>
      </dl>
    </section>
    <section class="card" aria-labelledby="won-title">
      <h2 id="won-title">Mark won</h2>
      <form method="post" action="/dashboard/conversations/{{view.id}}/won" class="inline" data-testid="won-form">
        <input type="hidden" name="_csrf" value="{{csrf}}">
        <input type="hidden" name="eventId" value="{{eventId}}">
        <div><label for="value">Order value</label><input id="value" name="value" type="number" min="0" step="0.01" inputmode="decimal" size="8" data-testid="won-value"></div>
        <div><label for="currency">Currency</label><input id="currency" name="currency" value="{{currency}}" pattern="[A-Z]{3}" maxlength="3" size="4" data-testid="won-currency"></div>
        <button type="submit" data-testid="won-button">Mark won</button>
      </form>
    </section>
    <section class="card" aria-labelledby="data-title">
      <h2 id="data-title">Data</h2>
      <p><a class="button secondary" href="/dashboard/conversations/{{view.id}}/export" download data-testid="export">Export everything (JSON)</a></p>
      <details class="action">
        <summary>Forget this customer…</summary>
        <form method="post" action="/dashboard/conversations/{{view.id}}/forget" data-testid="forget-form">
          <input type="hidden" name="_csrf" value="{{csrf}}">
          <p>Erases the profile, transcript, consent and handoffs for good. The experiment statistics keep only anonymous counts.</p>
          <label class="inline"><input type="checkbox" name="confirm" value="yes" required data-testid="forget-confirm"> Yes, erase this customer</label>
          <p><button type="submit" class="danger" data-testid="forget-button">Forget</button></p>
        </form>
      </details>
    </section>
  </aside>
</div>
<div class="grid half">
  <section class="card table-box" aria-labelledby="arms-title">
    <h2 id="arms-title">Strategies this customer got</h2>
    <table>
      <thead><tr><th>Stage</th><th><span class="term" title="arm: variant@version">Strategy</span></th><th class="num"><span class="term" title="propensity">Chance chosen</span></th><th>Result</th></tr></thead>
      <tbody>
      {{#each view.assignments}}
        <tr><td>{{stage stage}}</td><td>{{variant}}@{{version}}</td><td class="num">{{pct propensity}}</td><td>{{#if resolution}}{{resolution}}{{else}}{{status}}{{/if}}</td></tr>
      {{else}}
        <tr><td colspan="4" class="muted">None yet.</td></tr>
      {{/each}}
      </tbody>
    </table>
  </section>
  <section class="card" aria-labelledby="events-title">
    <h2 id="events-title">Events</h2>
    <ul data-testid="events">
    {{#each events}}<li>{{when at}} · {{text}}</li>{{else}}<li class="muted">None yet.</li>{{/each}}
    </ul>
  </section>
</div>
{{/layout}}`);
