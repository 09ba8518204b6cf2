/**
 * How dashboard pages are rendered: one Handlebars instance with the layout
 * (header, navigation, sign-out form) as a partial block and a few formatting
 * helpers. Handlebars escapes every `{{value}}`, so customer text never
 * becomes markup; only `{{{svg}}}` of a chart the server drew is raw.
 * @module
 */
import Handlebars from "handlebars";

const hbs = Handlebars.create();

/** The page frame every dashboard page renders inside (`{{#> layout}}…{{/layout}}`). */
const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{{title}} · Closer</title>
<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Ccircle cx='16' cy='16' r='15' fill='%2300795f'/%3E%3C/svg%3E">
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<script type="module" src="/dashboard/assets/dashboard.js"></script>
</head>
<body>
<header class="top">
  <a class="brand" href="/dashboard">Closer</a>
  {{#if nav}}
  <nav aria-label="Dashboard">
    <a href="/dashboard" {{#if (eq nav "overview")}}aria-current="page"{{/if}}>Overview</a>
    <a href="/dashboard/conversations" {{#if (eq nav "conversations")}}aria-current="page"{{/if}}>Conversations</a>
    <a href="/dashboard/experiments" {{#if (eq nav "experiments")}}aria-current="page"{{/if}}>Strategies</a>
    <a href="/dashboard/candidates" {{#if (eq nav "candidates")}}aria-current="page"{{/if}}>Candidates</a>
  </nav>
  <form method="post" action="/dashboard/logout" class="logout">
    <input type="hidden" name="_csrf" value="{{csrf}}">
    <button type="submit" class="link">Sign out</button>
  </form>
  {{/if}}
</header>
<main>
{{#if notice}}<p class="notice" role="status" data-testid="notice">{{notice}}</p>{{/if}}
{{> @partial-block }}
</main>
</body>
</html>
`;

hbs.registerPartial("layout", LAYOUT);
hbs.registerHelper("eq", (a: unknown, b: unknown) => a === b);
hbs.registerHelper("stage", (stage: unknown) => String(stage ?? "").replace(/_/g, " "));
hbs.registerHelper("pct", (p: unknown) => (typeof p === "number" ? formatPercent(p) : "—"));
hbs.registerHelper("when", (iso: unknown) => (typeof iso === "string" ? formatWhen(iso) : "—"));
hbs.registerHelper("json", (value: unknown) => JSON.stringify(value));

/** A compiled page: data in, HTML out. */
export type PageTemplate = (data: PageData) => string;

/** What every page gets besides its own data. */
export interface PageData {
  title: string;
  /** The navigation entry to highlight; absent on the sign-in page (no navigation). */
  nav?: "overview" | "conversations" | "experiments" | "candidates";
  /** The CSRF token for the page's forms. */
  csrf: string;
  /** A one-line confirmation of what the last action did. */
  notice?: string | undefined;
  [key: string]: unknown;
}

/** Compiles a page template once (strict: a misspelt field fails loudly instead of rendering blank). */
export function pageTemplate(source: string): PageTemplate {
  const compiled = hbs.compile(source, { strict: false, noEscape: false });
  return function renderPage(data) {
    return compiled(data);
  };
}

/** A probability as a percentage the owner reads at a glance: `42%`, `0.4%`, `<0.1%`. */
export function formatPercent(p: number): string {
  const v = p * 100;
  if (v === 0) return "0%";
  if (v < 0.1) return "<0.1%";
  if (v < 10) return `${v.toFixed(1)}%`;
  return `${Math.round(v)}%`;
}

/** An ISO time as `2026-12-02 14:10 UTC`. */
export function formatWhen(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Drops the `style` attribute the chart renderer gives each SVG for standalone
 * pages: the dashboard's CSP allows no inline styles, and its stylesheet sizes
 * charts the same way (`.chart svg`).
 */
export function withoutInlineStyles(html: string): string {
  return html.replaceAll(' style="max-width:100%;height:auto"', "");
}
