/**
 * The dashboard's stylesheet, served as `/dashboard/assets/dashboard.css`
 * (no inline styles: the CSP allows only files from this origin). Mobile
 * first; wide tables scroll inside their own box so the page never overflows.
 * @module
 */

/** The CSS of every dashboard page. */
export const DASHBOARD_CSS = `
:root { --ink:#1f2a30; --muted:#5b6b73; --line:#dde3e6; --bg:#f4f6f7; --card:#fff; --brand:#00795f; --brand-ink:#fff;
  --warn:#8a5a00; --warn-bg:#fff4dc; --bad:#a8261c; --bad-bg:#fde8e6; --good:#0b6b3a; --good-bg:#e3f5ea;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
* { box-sizing: border-box; }
body { margin: 0; line-height: 1.45; }
a { color: var(--brand); }
code { background: #eef1f2; padding: 0 .25em; border-radius: 3px; overflow-wrap: anywhere; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1rem; padding: .6rem 1rem; background: var(--brand); color: var(--brand-ink); }
header.top a { color: var(--brand-ink); text-decoration: none; }
.brand { font-weight: 700; font-size: 1.15rem; }
header nav { display: flex; flex-wrap: wrap; gap: .25rem; flex: 1 1 auto; }
header nav a { padding: .3rem .6rem; border-radius: 6px; }
header nav a[aria-current="page"], header nav a:hover { background: rgba(255,255,255,.18); }
.logout button { color: var(--brand-ink); }
main { max-width: 1200px; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.4rem; margin: .2rem 0 1rem; }
h2 { font-size: 1.1rem; margin: 0 0 .6rem; }
h3 { font-size: 1rem; margin: .6rem 0 .3rem; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 1rem; margin-bottom: 1rem; min-width: 0; }
.grid { display: grid; gap: 1rem; grid-template-columns: 1fr; }
@media (min-width: 900px) { .grid.two { grid-template-columns: minmax(0, 2fr) minmax(0, 1fr); } .grid.half { grid-template-columns: 1fr 1fr; } }
.table-box { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { color: var(--muted); font-weight: 600; font-size: .85rem; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
abbr[title], [title].term { text-decoration: underline dotted; cursor: help; }
button, .button { font: inherit; border: 1px solid var(--brand); background: var(--brand); color: var(--brand-ink); border-radius: 6px; padding: .4rem .8rem; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: var(--card); color: var(--brand); }
button.danger { background: var(--bad); border-color: var(--bad); }
button.link { background: none; border: none; padding: 0; text-decoration: underline; }
input, select, textarea { font: inherit; padding: .4rem .5rem; border: 1px solid #b9c4c9; border-radius: 6px; max-width: 100%; background: #fff; }
textarea { width: 100%; min-height: 4.5rem; }
label { font-weight: 600; display: block; margin: .4rem 0 .2rem; }
label.inline { display: inline; font-weight: normal; }
form.inline { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .5rem; margin: .5rem 0; }
form.inline label { margin: 0 0 .2rem; }
.notice { background: var(--good-bg); color: var(--good); padding: .6rem .8rem; border-radius: 8px; }
.error { background: var(--bad-bg); color: var(--bad); padding: .6rem .8rem; border-radius: 8px; }
.warning { background: var(--warn-bg); color: var(--warn); padding: .6rem .8rem; border-radius: 8px; }
.muted { color: var(--muted); }
.login { max-width: 28rem; margin: 2rem auto; }
.login input[type=password] { width: 100%; margin-bottom: .8rem; }
.chip { display: inline-block; padding: .05rem .5rem; border-radius: 999px; background: #e7eef0; font-size: .82rem; white-space: nowrap; }
.chip.won { background: var(--good-bg); color: var(--good); }
.chip.lost { background: var(--bad-bg); color: var(--bad); }
.chip.human { background: var(--warn-bg); color: var(--warn); }
.search { display: flex; flex-wrap: wrap; gap: .5rem; margin-bottom: 1rem; }
.search input[type=search] { flex: 1 1 14rem; }
.transcript { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: .5rem; max-height: 32rem; overflow-y: auto; }
.msg { max-width: 85%; padding: .45rem .7rem; border-radius: 10px; background: #fff; border: 1px solid var(--line); overflow-wrap: anywhere; white-space: pre-wrap; }
.msg.in { align-self: flex-start; }
.msg.out { align-self: flex-end; background: #dcf6e9; }
.msg.out.human { background: var(--warn-bg); }
.msg .meta { display: block; font-size: .75rem; color: var(--muted); white-space: normal; }
dl.profile { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .3rem .8rem; margin: 0; }
dl.profile dt { color: var(--muted); }
dl.profile dd { margin: 0; overflow-wrap: anywhere; }
.stats { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); gap: .6rem; }
.stat { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: .7rem; }
.stat b { display: block; font-size: 1.4rem; }
.alerts { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: .4rem; }
.alerts li { padding: .5rem .7rem; border-radius: 8px; background: var(--warn-bg); color: var(--warn); }
.alerts li.ok { background: var(--good-bg); color: var(--good); }
.chart svg, .chart img { max-width: 100%; height: auto; }
.closer-report { max-width: none; }
details.action { margin: .3rem 0; }
details.action summary { cursor: pointer; color: var(--brand); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.inline-actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.pager { display: flex; gap: 1rem; margin-top: .8rem; }
.side-by-side { display: grid; gap: 1rem; grid-template-columns: 1fr; }
@media (min-width: 900px) { .side-by-side { grid-template-columns: 1fr 1fr; } }
`;
