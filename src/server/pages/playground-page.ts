/**
 * The playground page served at `GET /playground`: one HTML document (its CSS
 * inline, its script the same-origin module `browser/playground.ts`, nothing
 * fetched from elsewhere) in which you chat as one or more customers through
 * `POST /api/playground/messages`.
 * @module
 */
import { createHash } from "node:crypto";
import { PLAYGROUND_CSS } from "./playground-styles.js";

/**
 * The page's Content-Security-Policy, also set by the page itself in a
 * `<meta>` tag: only scripts from its own origin and its own inline style (by
 * hash) run, and it talks to its own origin only.
 */
export const PLAYGROUND_CSP: string = [
  "default-src 'none'",
  "script-src 'self'",
  `style-src '${sha256(PLAYGROUND_CSS)}'`,
  "connect-src 'self'",
  "img-src data:",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");

const LOGO_SVG =
  '<svg viewBox="0 0 32 32" aria-hidden="true" focusable="false"><path fill="currentColor" d="M16 3C8.8 3 3 8.6 3 15.5c0 2.5.8 4.9 2.2 6.9L4 29l6.8-2.1c1.6.7 3.4 1.1 5.2 1.1 7.2 0 13-5.6 13-12.5S23.2 3 16 3Z" opacity=".25"/><path fill="currentColor" d="M11 13.5c0-1.9 1.6-3.5 3.5-3.5h5a1 1 0 1 1 0 2h-5c-.8 0-1.5.7-1.5 1.5v4c0 .8.7 1.5 1.5 1.5h5a1 1 0 1 1 0 2h-5c-1.9 0-3.5-1.6-3.5-3.5v-4Z"/></svg>';
const SEND_SVG =
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path fill="currentColor" d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z"/></svg>';
const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Ccircle cx='16' cy='16' r='15' fill='%23008069'/%3E%3C/svg%3E";

/** The complete HTML of `/playground`; serve it as `text/html; charset=utf-8`. */
export const PLAYGROUND_HTML: string = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${PLAYGROUND_CSP}">
<meta name="referrer" content="no-referrer">
<title>Closer · Playground</title>
<link rel="icon" href="${FAVICON}">
<style>${PLAYGROUND_CSS}</style>
</head>
<body>
<div class="app">
  <header class="topbar">
    <div class="brand">${LOGO_SVG}<span>Closer</span><small>playground</small></div>
    <p>Chat as a customer. Every message runs through the real pipeline: stage, strategy chosen by the bandit, profile.</p>
    <div class="field admin-token">
      <label for="admin-token">Admin token</label>
      <input id="admin-token" data-testid="admin-token-input" type="password" autocomplete="off" spellcheck="false" placeholder="shows each reply's strategy" aria-describedby="admin-token-hint">
      <span id="admin-token-hint" class="visually-hidden">With the admin token (data/admin-token) each reply shows the strategy the bandit chose; kept in this tab only.</span>
    </div>
  </header>
  <nav class="customers" aria-labelledby="customers-title">
    <div class="pane-head">
      <h2 id="customers-title">Customers</h2>
      <button type="button" class="add-button" id="add-customer" data-testid="add-customer">+ Add customer</button>
    </div>
    <ul class="customer-list" id="customer-list"></ul>
  </nav>
  <main class="chat" aria-label="Conversation">
    <div class="chat-head">
      <span class="avatar" id="chat-avatar" aria-hidden="true"></span>
      <div class="field phone">
        <label for="phone">Phone</label>
        <input id="phone" data-testid="phone-input" type="tel" inputmode="tel" list="phone-suggestions" autocomplete="off" spellcheck="false" placeholder="+15551234567" aria-describedby="phone-hint">
      </div>
      <div class="field name">
        <label for="name">Name</label>
        <input id="name" data-testid="name-input" type="text" autocomplete="off" placeholder="Ana">
      </div>
      <span id="phone-hint" class="visually-hidden"></span>
      <span class="head-stage" id="head-stage"></span>
    </div>
    <datalist id="phone-suggestions">
      <option value="+15551234567">United States</option>
      <option value="+447700900123">United Kingdom</option>
      <option value="+34612345678">Spain</option>
      <option value="+5511987654321">Brazil</option>
      <option value="+819012345678">Japan</option>
      <option value="+4915112345678">Germany</option>
    </datalist>
    <ol class="transcript" id="transcript" aria-label="Messages"></ol>
    <div class="error-banner" id="error-banner" data-testid="error-banner" role="alert" hidden>
      <div class="error-body"><strong id="error-title"></strong><p id="error-detail"></p></div>
      <button type="button" id="error-retry">Retry</button>
      <button type="button" id="error-dismiss" aria-label="Dismiss error">Dismiss</button>
    </div>
    <form class="composer" id="composer">
      <label for="message" class="visually-hidden">Message</label>
      <span id="message-hint" class="visually-hidden">Enter sends; Shift+Enter starts a new line.</span>
      <textarea id="message" data-testid="message-input" rows="1" placeholder="Type a message" aria-describedby="message-hint" enterkeyhint="send"></textarea>
      <button type="submit" class="send-button" id="send" data-testid="send-button" aria-label="Send">${SEND_SVG}</button>
    </form>
    <div class="visually-hidden" id="announcer" role="status" aria-live="polite" aria-atomic="true"></div>
  </main>
  <aside class="profile" data-testid="profile-panel" aria-labelledby="profile-title">
    <div class="pane-head"><h2 id="profile-title">Customer profile</h2></div>
    <div id="profile-body"></div>
  </aside>
</div>
<script type="module" src="/playground/assets/playground.js"></script>
</body>
</html>
`;

/** The CSP source for an inline block: `sha256-<base64>` of its exact UTF-8 text. */
function sha256(text: string): string {
  return `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;
}
