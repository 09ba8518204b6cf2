/**
 * The playground page's browser script (vanilla JS, no build step): customers
 * kept in the page's memory, each with its own transcript; messages go to
 * `POST /api/playground/messages` and the replies, their stage, variant and
 * propensity, and the customer's profile are shown. All data reaches the DOM
 * through `textContent`, never as HTML.
 * @module
 */
import { PLAYGROUND_PROFILE_SCRIPT } from "./playground-profile-script.js";

/**
 * The JS of `/playground`, without the `<script>` tag. The browser code is
 * written without backticks or template placeholders so it can live in this
 * raw template literal unchanged; the one placeholder splices in the profile
 * panel's functions, which share this script's scope.
 */
export const PLAYGROUND_SCRIPT = String.raw`
"use strict";
(() => {
  const API = "/api/playground/messages";
  const SAMPLE_PHONES = ["+15551234567", "+447700900123", "+34612345678", "+5511987654321", "+819012345678", "+4915112345678"];
  const SAMPLE_NAMES = ["Ana", "Ben", "Lucía", "João", "Yuki", "Lena", "Omar", "Priya"];
  const AVATAR_COLORS = ["#00a884", "#7c5cff", "#e8663d", "#1d9bf0", "#d63384", "#b8860b", "#2e7d32", "#6d4c41"];
  const state = { customers: [], activeId: 0, nextId: 1 };
  const $ = (id) => document.getElementById(id);
  const ui = {
    list: $("customer-list"), add: $("add-customer"), phone: $("phone"), name: $("name"), phoneHint: $("phone-hint"),
    avatar: $("chat-avatar"), headStage: $("head-stage"), transcript: $("transcript"), error: $("error-banner"),
    errorTitle: $("error-title"), errorDetail: $("error-detail"), retry: $("error-retry"), dismiss: $("error-dismiss"),
    form: $("composer"), message: $("message"), send: $("send"), profile: $("profile-body"), announcer: $("announcer"),
  };

  function h(tag, props, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else if (key === "className") node.className = value;
      else if (key === "testid") node.dataset.testid = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children || []) node.append(child);
    return node;
  }

  function addCustomer() {
    const used = new Set(state.customers.map((c) => c.phone));
    const n = state.nextId++;
    const phone = SAMPLE_PHONES.find((p) => !used.has(p)) || "+1555" + String(1000000 + n).slice(-7);
    const name = SAMPLE_NAMES[(n - 1) % SAMPLE_NAMES.length];
    state.customers.push({ id: n, phone, name, items: [], server: null, pending: false, error: null, unread: 0, draft: "" });
    return n;
  }
  const active = () => state.customers.find((c) => c.id === state.activeId);

  function select(id) {
    const current = active();
    if (current) current.draft = ui.message.value;
    state.activeId = id;
    const next = active();
    next.unread = 0;
    ui.phone.value = next.phone;
    ui.name.value = next.name;
    ui.message.value = next.draft;
    render();
  }

  function render() {
    renderList();
    renderHead();
    renderTranscript();
    renderError();
    renderProfile();
    renderComposer();
  }

  function renderList() {
    ui.list.replaceChildren(...state.customers.map((c) => {
      const last = c.items[c.items.length - 1];
      const preview = c.pending ? "typing…" : last ? last.text : "No messages yet";
      const button = h("button", { type: "button", className: "customer-tab", testid: "customer-tab", "aria-current": c.id === state.activeId ? "true" : null }, [
        avatarOf(c),
        h("span", { className: "tab-name", text: c.name.trim() || c.phone || "New customer" }),
        h("span", { className: "tab-time", text: last ? clock(last.at) : "" }),
        h("span", { className: "tab-preview" + (c.pending ? " typing" : ""), text: preview }),
        c.unread > 0 ? h("span", { className: "unread", text: c.unread, "aria-label": c.unread + " unread" }) : h("span"),
      ]);
      button.addEventListener("click", () => { select(c.id); ui.message.focus(); });
      return h("li", {}, [button]);
    }));
  }

  function renderHead() {
    const c = active();
    ui.avatar.replaceWith((ui.avatar = avatarOf(c, "chat-avatar")));
    const locked = c.server !== null;
    ui.phone.readOnly = locked;
    ui.phoneHint.textContent = locked ? "Fixed for this conversation; add a customer to try another number." : "An international number, e.g. +15551234567.";
    ui.headStage.replaceChildren(c.server ? stageChip(c.server.stage) : h("span"));
  }

  function renderTranscript() {
    const c = active();
    const rows = c.items.map(itemNode);
    if (rows.length === 0 && !c.pending) {
      rows.push(h("li", { className: "empty-chat" }, [
        h("strong", { text: "Chat as this customer" }),
        "Type a message below, e.g. “Hi! How much is the blender?”. Each reply shows its stage, the strategy (variant@version) and the probability p with which the bandit chose it.",
      ]));
    }
    if (c.pending) {
      rows.push(h("li", { className: "bubble typing-bubble fresh", testid: "typing-indicator" }, [
        h("span", { className: "dots", "aria-hidden": "true" }, [h("span"), h("span"), h("span")]),
        h("span", { className: "typing-label", text: "typing…" }),
      ]));
    }
    ui.transcript.replaceChildren(...rows);
    ui.transcript.scrollTop = ui.transcript.scrollHeight;
  }

  function itemNode(item) {
    // Only items shown for the first time pop in; re-renders must not replay the animation.
    const fresh = item.shown ? "" : " fresh";
    item.shown = true;
    if (item.kind === "note") return h("li", { className: "note" + fresh, testid: "transcript-note", text: item.text });
    const foot = h("span", { className: "bubble-foot" }, [h("span", { className: "time", text: clock(item.at) })]);
    if (item.kind === "customer") {
      const ticks = { sent: ["✓", "Sent"], read: ["✓✓", "Answered"], failed: ["!", "Not delivered"] }[item.status];
      foot.append(h("span", { className: "ticks " + item.status, title: ticks[1], "aria-label": ticks[1], text: ticks[0] }));
      return h("li", { className: "bubble customer" + fresh + (item.status === "failed" ? " failed" : ""), testid: "bubble-customer" }, [h("span", { className: "bubble-text", text: item.text }), foot]);
    }
    const parts = [stageChip(item.stage)];
    if (item.variant) parts.push(h("span", { className: "variant", text: item.variant + "@" + (item.version ?? "?") }));
    else parts.push(h("span", { text: "system message" }));
    if (typeof item.propensity === "number") parts.push(h("span", { title: "probability the bandit chose this variant", text: "p=" + formatP(item.propensity) }));
    const meta = h("span", { className: "reply-meta", testid: "reply-meta" }, [parts[0]]);
    for (const part of parts.slice(1)) meta.append(h("span", { className: "sep", text: " · " }), part);
    return h("li", { className: "bubble reply" + fresh, testid: "bubble-reply" }, [meta, h("span", { className: "bubble-text", text: item.text }), foot]);
  }

  function renderError() {
    const error = active().error;
    ui.error.hidden = error === null;
    if (error === null) return;
    ui.errorTitle.textContent = error.title;
    ui.errorDetail.textContent = error.detail;
    ui.retry.hidden = error.retryText === undefined;
  }

  function renderComposer() {
    const c = active();
    ui.send.disabled = c.pending || ui.message.value.trim() === "";
    ui.message.setAttribute("aria-label", "Message as " + (c.name.trim() || c.phone || "this customer"));
    autosize();
  }

  ${PLAYGROUND_PROFILE_SCRIPT}
  function stageChip(stage) {
    const chip = h("span", { className: "stage-chip", text: String(stage || "unknown").replace(/_/g, " ") });
    if (/^[a-z_]+$/.test(stage || "")) chip.classList.add(stage);
    return chip;
  }
  function avatarOf(c, id) {
    const node = h("span", { className: "avatar", id, "aria-hidden": "true", text: initials(c) });
    const digits = c.phone.replace(/\D/g, "");
    let hash = 0;
    for (const d of digits) hash = (hash * 31 + Number(d)) % 9973;
    node.style.background = AVATAR_COLORS[hash % AVATAR_COLORS.length];
    return node;
  }
  function initials(c) {
    const parts = c.name.trim().split(/\s+/).filter(Boolean);
    if (parts.length > 0) return parts.slice(0, 2).map((w) => Array.from(w)[0].toUpperCase()).join("");
    return c.phone.replace(/\D/g, "").slice(-2) || "?";
  }
  const words = (key) => key.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/^./, (x) => x.toUpperCase());
  const clock = (at) => at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const formatP = (p) => (p >= 0.01 ? p.toFixed(2) : p.toPrecision(2));

  async function send(text) {
    const c = active();
    if (c.pending || text === "") return;
    if (c.phone.trim() === "") {
      c.error = { title: "Not sent: no phone number", detail: "Type the customer's phone number first, e.g. +15551234567." };
      render();
      ui.phone.focus();
      return;
    }
    const item = { kind: "customer", text, at: new Date(), status: "sent" };
    c.items.push(item);
    c.pending = true;
    c.error = null;
    if (c.id === state.activeId) ui.message.value = "";
    c.draft = "";
    render();
    try {
      const body = { from: c.phone.trim(), text };
      if (c.name.trim() !== "") body.name = c.name.trim();
      const response = await fetch(API, { method: "POST", headers: { "content-type": "application/json", accept: "application/json" }, body: JSON.stringify(body) });
      const raw = await response.text();
      let data = null;
      try { data = JSON.parse(raw); } catch { data = null; }
      if (!response.ok || data === null) {
        item.status = "failed";
        const e = data && data.error ? data.error : null;
        c.error = {
          title: "Not sent: " + (e && e.code ? e.code + " " : "") + "(HTTP " + response.status + ")",
          detail: e && e.message ? e.message : raw.slice(0, 300) || response.statusText || "The server gave no reason.",
          retryText: text,
        };
      } else {
        receive(c, item, data);
      }
    } catch (err) {
      item.status = "failed";
      c.error = { title: "Network error: the message did not reach the server", detail: "Could not reach " + location.origin + " (" + (err && err.message ? err.message : err) + "). Is the service still running?", retryText: text };
    }
    c.pending = false;
    if (c.id !== state.activeId && c.error) c.unread += 1;
    render();
    if (c.id === state.activeId) ui.message.focus();
  }

  function receive(c, item, data) {
    const replies = Array.isArray(data.replies) ? data.replies : [];
    if (data.customer) c.server = data.customer;
    item.status = replies.length > 0 ? "read" : "sent";
    for (const r of replies) {
      c.items.push({ kind: "reply", text: String(r.text ?? ""), stage: r.stage, variant: r.variant, version: r.version, propensity: r.propensity, at: new Date() });
    }
    let note = null;
    if (replies.length === 0) {
      if (c.server && c.server.optedOut) note = "No reply: opted out (send START to opt back in)";
      else if (c.server && c.server.handoff) note = "No reply: a human has taken over this chat";
      else if (data.pending) note = "No reply yet: the service is still working on it";
      else note = "No reply";
      c.items.push({ kind: "note", text: note, at: new Date() });
    }
    if (c.id !== state.activeId) {
      c.unread += Math.max(replies.length, 1);
      announce("New message for " + (c.name || c.phone));
    } else {
      announce(replies.length > 0 ? replies.map((r) => "Reply: " + r.text).join(" ") : note);
    }
  }

  function announce(text) {
    ui.announcer.textContent = "";
    window.setTimeout(() => { ui.announcer.textContent = text; }, 50);
  }
  function autosize() {
    ui.message.style.height = "auto";
    ui.message.style.height = Math.min(ui.message.scrollHeight, 160) + "px";
  }

  ui.form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(ui.message.value.trim());
  });
  ui.message.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      ui.form.requestSubmit();
    }
  });
  ui.message.addEventListener("input", renderComposer);
  ui.phone.addEventListener("input", () => { active().phone = ui.phone.value; renderList(); renderComposer(); });
  ui.name.addEventListener("input", () => { active().name = ui.name.value; renderList(); renderComposer(); });
  ui.add.addEventListener("click", () => { select(addCustomer()); ui.message.focus(); });
  ui.dismiss.addEventListener("click", () => { active().error = null; renderError(); ui.message.focus(); });
  ui.retry.addEventListener("click", () => {
    const c = active();
    const text = c.error && c.error.retryText;
    if (!text) return;
    const failed = c.items.findLastIndex((i) => i.kind === "customer" && i.status === "failed" && i.text === text);
    if (failed >= 0) c.items.splice(failed, 1);
    send(text);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && active().error) { active().error = null; renderError(); }
  });

  select(addCustomer());
  ui.message.focus();
})();
`;
