/**
 * The dashboard's sign-in page: one field for the admin token.
 * @module
 */
import { pageTemplate } from "./dashboard-view.js";

/** Renders the sign-in form (`error` when the last try failed, `next` the page to return to). */
export const renderLoginPage = pageTemplate(`{{#> layout}}
<section class="login card">
  <h1>Sign in</h1>
  <p>Paste the admin token. It was printed on the first start and is in <code>data/admin-token</code>
  (or set as <code>CLOSER_ADMIN_TOKEN</code>).</p>
  {{#if error}}<p class="error" role="alert" data-testid="login-error">{{error}}</p>{{/if}}
  <form method="post" action="/dashboard/login">
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <input type="hidden" name="next" value="{{next}}">
    <label for="token">Admin token</label>
    <input id="token" name="token" type="password" autocomplete="current-password" required autofocus data-testid="token-input">
    <button type="submit" data-testid="login-button">Sign in</button>
  </form>
</section>
{{/layout}}`);
