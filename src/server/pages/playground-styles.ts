/**
 * The playground page's stylesheet: a WhatsApp-like chat between a customer
 * list and a profile panel, one column on narrow screens, dark when the system
 * is dark. Plain CSS, inlined by `playground-page.ts`.
 * @module
 */

/** The CSS of `/playground`, without the `<style>` tag. */
export const PLAYGROUND_CSS = `
:root {
  color-scheme: light dark;
  --brand: #008069;
  --brand-strong: #005c4b;
  --brand-soft: #e7f7f1;
  --bg: #f0f2f5;
  --panel: #ffffff;
  --panel-alt: #f7f8fa;
  --line: #e4e7eb;
  --text: #111b21;
  --muted: #5f6b73;
  --chat-bg: #efeae2;
  --chat-dot: rgba(17, 27, 33, 0.045);
  --bubble-in: #ffffff;
  --bubble-out: #d9fdd3;
  --meta: #667781;
  --danger: #b42318;
  --danger-soft: #fef3f2;
  --note: #fff5c4;
  --focus: #1d9bf0;
  --shadow: 0 1px 0.5px rgba(11, 20, 26, 0.13);
  --radius: 10px;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px;
  line-height: 1.4;
}
@media (prefers-color-scheme: dark) {
  :root {
    --brand: #00a884;
    --brand-strong: #06cf9c;
    --brand-soft: #0f2f2a;
    --bg: #0b141a;
    --panel: #111b21;
    --panel-alt: #182229;
    --line: #222d34;
    --text: #e9edef;
    --muted: #8696a0;
    --chat-bg: #0b141a;
    --chat-dot: rgba(233, 237, 239, 0.04);
    --bubble-in: #202c33;
    --bubble-out: #005c4b;
    --meta: #8fa3ad;
    --danger: #ff8a80;
    --danger-soft: #3b1d1d;
    --note: #3a3520;
  }
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { background: var(--bg); color: var(--text); }
button, input, textarea { font: inherit; color: inherit; }
:focus-visible { outline: 2px solid var(--focus); outline-offset: 2px; }
.visually-hidden {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0;
  overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap;
}
.app {
  height: 100vh; height: 100dvh;
  display: grid;
  grid-template-columns: 290px minmax(0, 1fr) 320px;
  grid-template-rows: auto minmax(0, 1fr);
  grid-template-areas: "top top top" "list chat profile";
}
.topbar {
  grid-area: top; display: flex; align-items: center; gap: 14px; padding: 10px 18px;
  background: var(--brand-strong); color: #fff;
}
@media (prefers-color-scheme: dark) { .topbar { background: var(--panel-alt); } }
.brand { display: flex; align-items: center; gap: 8px; font-weight: 700; font-size: 1.1rem; letter-spacing: 0.2px; }
.brand svg { width: 26px; height: 26px; }
.brand small { font-weight: 500; opacity: 0.85; font-size: 0.9rem; }
.topbar p { margin: 0; font-size: 0.85rem; opacity: 0.85; }
.topbar .admin-token { margin-left: auto; }
.topbar .admin-token label { color: inherit; opacity: 0.85; }
.field.admin-token input { width: 14em; }
.customers {
  grid-area: list; display: flex; flex-direction: column; min-height: 0;
  background: var(--panel); border-right: 1px solid var(--line);
}
.pane-head {
  display: flex; align-items: center; justify-content: space-between; gap: 8px;
  padding: 14px 16px 10px;
}
.pane-head h2 { margin: 0; font-size: 1rem; }
.add-button {
  display: inline-flex; align-items: center; gap: 6px; border: 0; cursor: pointer;
  background: var(--brand); color: #fff; border-radius: 999px; padding: 6px 12px; font-weight: 600; font-size: 0.85rem;
}
.add-button:hover { filter: brightness(1.08); }
.customer-list { list-style: none; margin: 0; padding: 0 0 12px; overflow-y: auto; }
.customer-tab {
  width: 100%; display: grid; grid-template-columns: 44px minmax(0, 1fr) auto; gap: 2px 12px; align-items: center;
  padding: 10px 16px; border: 0; border-bottom: 1px solid var(--line); background: transparent; text-align: left; cursor: pointer;
}
.customer-tab:hover { background: var(--panel-alt); }
.customer-tab[aria-current="true"] { background: var(--brand-soft); }
.avatar {
  grid-row: span 2; width: 44px; height: 44px; border-radius: 50%; display: grid; place-items: center;
  color: #fff; font-weight: 700; font-size: 0.95rem; background: #6b7c85;
}
.tab-name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tab-time { font-size: 0.75rem; color: var(--muted); justify-self: end; }
.tab-preview { font-size: 0.85rem; color: var(--muted); overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tab-preview.typing { color: var(--brand); font-style: italic; }
.unread {
  justify-self: end; min-width: 20px; height: 20px; padding: 0 6px; border-radius: 999px;
  background: var(--brand); color: #fff; font-size: 0.75rem; font-weight: 700; display: grid; place-items: center;
}
.chat { grid-area: chat; display: flex; flex-direction: column; min-height: 0; background: var(--chat-bg); }
.chat-head {
  display: flex; align-items: flex-end; flex-wrap: wrap; gap: 10px 14px; padding: 10px 16px;
  background: var(--panel-alt); border-bottom: 1px solid var(--line);
}
.chat-head .avatar { width: 40px; height: 40px; align-self: center; }
.field { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
.field label { font-size: 0.72rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.4px; }
.field input {
  border: 1px solid var(--line); background: var(--panel); border-radius: 8px; padding: 6px 10px; min-width: 0;
}
.field input:read-only { background: transparent; border-color: transparent; padding-left: 0; font-weight: 600; }
.field.phone input { width: 12.5em; }
.field.name input { width: 10em; }
.head-stage { margin-left: auto; align-self: center; }
.transcript {
  list-style: none; margin: 0; padding: 18px 6% 12px; flex: 1; overflow-y: auto;
  display: flex; flex-direction: column; gap: 6px;
  background-color: var(--chat-bg);
  background-image: radial-gradient(var(--chat-dot) 1.2px, transparent 1.3px);
  background-size: 18px 18px;
}
.empty-chat {
  align-self: center; margin: auto 0; max-width: 26em; text-align: center; color: var(--muted);
  background: var(--panel); border-radius: var(--radius); padding: 14px 18px; box-shadow: var(--shadow); font-size: 0.9rem;
}
.empty-chat strong { color: var(--text); display: block; margin-bottom: 4px; }
.bubble {
  position: relative; max-width: min(75%, 34em); padding: 7px 10px 6px; border-radius: var(--radius);
  box-shadow: var(--shadow); overflow-wrap: anywhere; white-space: pre-wrap;
}
.fresh { animation: pop 0.16s ease-out; }
@keyframes pop { from { transform: translateY(4px); opacity: 0; } to { transform: none; opacity: 1; } }
@media (prefers-reduced-motion: reduce) { .fresh, .dots span { animation: none !important; } }
.bubble.customer { align-self: flex-end; background: var(--bubble-out); border-top-right-radius: 2px; }
.bubble.customer.failed { box-shadow: 0 0 0 1px var(--danger); }
.bubble.reply { align-self: flex-start; background: var(--bubble-in); border-top-left-radius: 2px; }
.bubble-text { display: block; }
.bubble-foot { display: flex; justify-content: flex-end; align-items: center; gap: 6px; margin-top: 2px; }
.time { font-size: 0.7rem; color: var(--meta); white-space: nowrap; }
.ticks { font-size: 0.75rem; color: var(--meta); letter-spacing: -3px; padding-right: 3px; }
.ticks.read { color: #53bdeb; }
.ticks.failed { color: var(--danger); letter-spacing: 0; font-weight: 700; }
.reply-meta {
  display: flex; flex-wrap: wrap; align-items: center; margin: 0 0 4px; font-size: 0.72rem; color: var(--meta); white-space: pre-wrap;
}
.reply-meta .variant { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.stage-chip {
  display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 0.72rem; font-weight: 600;
  background: #e3e8ec; color: #33414a; white-space: nowrap;
}
.stage-chip.first_contact { background: #e0f2fe; color: #075985; }
.stage-chip.building_trust { background: #ede9fe; color: #5b21b6; }
.stage-chip.intent { background: #fef3c7; color: #92400e; }
.stage-chip.closing { background: #ffedd5; color: #9a3412; }
.stage-chip.won { background: #dcfce7; color: #166534; }
.stage-chip.lost { background: #fee2e2; color: #991b1b; }
.reply-meta .stage-chip { padding: 0 6px; font-size: 0.68rem; }
.note {
  align-self: center; background: var(--note); color: var(--text); border-radius: 8px; padding: 4px 12px;
  font-size: 0.78rem; box-shadow: var(--shadow);
}
.typing-bubble { align-self: flex-start; background: var(--bubble-in); padding: 10px 14px; }
.dots { display: inline-flex; gap: 4px; align-items: center; }
.dots span { width: 7px; height: 7px; border-radius: 50%; background: var(--meta); animation: blink 1.2s infinite ease-in-out; }
.dots span:nth-child(2) { animation-delay: 0.2s; }
.dots span:nth-child(3) { animation-delay: 0.4s; }
@keyframes blink { 0%, 80%, 100% { opacity: 0.25; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-3px); } }
.typing-label { font-size: 0.72rem; color: var(--meta); margin-left: 8px; }
.error-banner {
  margin: 0 16px 8px; padding: 10px 12px; border-radius: 8px; display: flex; gap: 10px; align-items: flex-start;
  background: var(--danger-soft); color: var(--danger); border: 1px solid currentColor; font-size: 0.88rem;
}
.error-banner[hidden] { display: none; }
.error-banner .error-body { flex: 1; min-width: 0; }
.error-banner strong { display: block; }
.error-banner p { margin: 2px 0 0; color: var(--text); overflow-wrap: anywhere; }
.error-banner button {
  border: 1px solid currentColor; background: transparent; color: inherit; border-radius: 6px; padding: 3px 10px; cursor: pointer;
}
.composer { display: flex; align-items: flex-end; gap: 10px; padding: 10px 16px 14px; background: var(--panel-alt); }
.composer textarea:focus-visible { outline: 2px solid var(--brand); outline-offset: 0; }
.composer textarea {
  flex: 1; resize: none; border: 0; border-radius: 22px; padding: 10px 16px; max-height: 8.5em; min-height: 42px;
  background: var(--panel); box-shadow: var(--shadow); line-height: 1.35;
}
.send-button {
  width: 44px; height: 44px; flex: none; border-radius: 50%; border: 0; background: var(--brand); color: #fff;
  display: grid; place-items: center; cursor: pointer;
}
.send-button svg { width: 20px; height: 20px; }
.send-button:disabled { opacity: 0.45; cursor: default; }
.profile {
  grid-area: profile; overflow-y: auto; background: var(--panel); border-left: 1px solid var(--line); padding-bottom: 20px;
}
.profile-empty { margin: 4px 16px; color: var(--muted); font-size: 0.9rem; }
.profile dl { margin: 0; padding: 0 16px; }
.profile .row { padding: 10px 0; border-bottom: 1px solid var(--line); }
.profile .row:last-child, .profile .pair .row { border-bottom: 0; }
.profile .pair { border-bottom: 1px solid var(--line); }
.profile dt { font-size: 0.72rem; font-weight: 600; color: var(--muted); text-transform: uppercase; letter-spacing: 0.4px; }
.profile dd { margin: 3px 0 0; overflow-wrap: break-word; }
.profile .pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0 12px; }
.bar { height: 8px; border-radius: 999px; background: var(--line); overflow: hidden; margin-top: 6px; }
.bar .fill { height: 100%; background: var(--brand); border-radius: inherit; width: 0; transition: width 0.3s ease; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { padding: 2px 10px; border-radius: 999px; background: var(--brand-soft); color: var(--text); font-size: 0.82rem; }
.chip.concern { background: var(--danger-soft); }
.none { color: var(--muted); font-style: italic; font-size: 0.88rem; }
.flag-yes { color: var(--danger); font-weight: 700; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.85rem; }
@media (max-width: 1100px) {
  .app { grid-template-columns: 250px minmax(0, 1fr) 270px; }
  .topbar p { display: none; }
}
@media (max-width: 820px) {
  .app {
    height: auto; min-height: 100vh;
    grid-template-columns: minmax(0, 1fr);
    grid-template-rows: auto auto 70vh auto;
    grid-template-areas: "top" "list" "chat" "profile";
  }
  .customers { border-right: 0; border-bottom: 1px solid var(--line); }
  .customer-list { display: flex; overflow-x: auto; padding: 0 8px 8px; gap: 6px; }
  .customer-list li { flex: 0 0 210px; }
  .customer-tab { border: 1px solid var(--line); border-radius: var(--radius); }
  .profile { border-left: 0; border-top: 1px solid var(--line); }
  .transcript { padding: 12px 10px; }
  .bubble { max-width: 88%; }
}
`;
