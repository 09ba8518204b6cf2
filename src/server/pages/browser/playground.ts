/**
 * The playground page's browser module: chat as one or more customers; each
 * message goes to `POST /api/playground/messages` and the replies show their
 * stage, the strategy the bandit chose and the chance it had. On load the
 * conversations come back from `GET /api/playground/conversations`, so a
 * reload loses nothing. All data reaches the DOM as text, never as HTML.
 * @module
 */
import { byId, h } from "./dom.js";
import {
  type ApiConversation,
  type ApiReply,
  type Chat,
  type CustomerItem,
  type Item,
  itemsOf,
  replyItem,
  type ServerCustomer,
} from "./playground-model.js";
import { profileNodes, stageChip } from "./playground-profile.js";

const API = "/api/playground/messages";
const HISTORY_API = "/api/playground/conversations";
const SAMPLE_PHONES = [
  "+15551234567",
  "+447700900123",
  "+34612345678",
  "+5511987654321",
  "+819012345678",
  "+4915112345678",
];
const SAMPLE_NAMES = ["Ana", "Ben", "Lucía", "João", "Yuki", "Lena", "Omar", "Priya"];
const AVATAR_COLORS = ["#00a884", "#7c5cff", "#e8663d", "#1d9bf0", "#d63384", "#b8860b", "#2e7d32", "#6d4c41"];

const state: { customers: Chat[]; activeId: number; nextId: number } = { customers: [], activeId: 0, nextId: 1 };
const ui = {
  list: byId("customer-list"),
  add: byId<HTMLButtonElement>("add-customer"),
  phone: byId<HTMLInputElement>("phone"),
  name: byId<HTMLInputElement>("name"),
  phoneHint: byId("phone-hint"),
  avatar: byId("chat-avatar"),
  headStage: byId("head-stage"),
  transcript: byId("transcript"),
  error: byId("error-banner"),
  errorTitle: byId("error-title"),
  errorDetail: byId("error-detail"),
  retry: byId<HTMLButtonElement>("error-retry"),
  dismiss: byId<HTMLButtonElement>("error-dismiss"),
  form: byId<HTMLFormElement>("composer"),
  message: byId<HTMLTextAreaElement>("message"),
  send: byId<HTMLButtonElement>("send"),
  profile: byId("profile-body"),
  announcer: byId("announcer"),
  adminToken: byId<HTMLInputElement>("admin-token"),
};

/** Where the admin token is kept: this tab only. */
const TOKEN_KEY = "closer-playground-admin-token";

/** The request headers, with the admin token when one was given (replies then name their strategy). */
function apiHeaders(extra: Record<string, string>): Record<string, string> {
  const token = ui.adminToken.value.trim();
  return token === "" ? extra : { ...extra, authorization: `Bearer ${token}` };
}

function newChat(phone: string, name: string): Chat {
  const chat: Chat = {
    id: state.nextId++,
    phone,
    name,
    items: [],
    server: null,
    pending: false,
    error: null,
    unread: 0,
    draft: "",
  };
  state.customers.push(chat);
  return chat;
}

function addCustomer(): number {
  const used = new Set(state.customers.map((c) => c.phone));
  const n = state.nextId;
  const phone = SAMPLE_PHONES.find((p) => !used.has(p)) ?? `+1555${String(1000000 + n).slice(-7)}`;
  return newChat(phone, SAMPLE_NAMES[(n - 1) % SAMPLE_NAMES.length] ?? "").id;
}

function active(): Chat {
  const chat = state.customers.find((c) => c.id === state.activeId) ?? state.customers[0];
  if (chat === undefined) throw new Error("no customer tab");
  return chat;
}

function select(id: number): void {
  if (state.customers.some((c) => c.id === state.activeId)) active().draft = ui.message.value;
  state.activeId = id;
  const next = active();
  next.unread = 0;
  ui.phone.value = next.phone;
  ui.name.value = next.name;
  ui.message.value = next.draft;
  render();
}

function render(): void {
  renderList();
  renderHead();
  renderTranscript();
  renderError();
  ui.profile.replaceChildren(profileNodes(active().server));
  renderComposer();
}

function renderList(): void {
  ui.list.replaceChildren(
    ...state.customers.map((c) => {
      const last = c.items.at(-1);
      const preview = c.pending ? "typing…" : last ? last.text : "No messages yet";
      const button = h(
        "button",
        {
          type: "button",
          className: "customer-tab",
          testid: "customer-tab",
          "aria-current": c.id === state.activeId ? "true" : null,
        },
        [
          avatarOf(c),
          h("span", { className: "tab-name", text: c.name.trim() || c.phone || "New customer" }),
          h("span", { className: "tab-time", text: last ? clock(last.at) : "" }),
          h("span", { className: `tab-preview${c.pending ? " typing" : ""}`, text: preview }),
          c.unread > 0
            ? h("span", { className: "unread", text: c.unread, "aria-label": `${c.unread} unread` })
            : h("span"),
        ],
      );
      button.addEventListener("click", () => {
        select(c.id);
        ui.message.focus();
      });
      return h("li", {}, [button]);
    }),
  );
}

function renderHead(): void {
  const c = active();
  const avatar = avatarOf(c, "chat-avatar");
  ui.avatar.replaceWith(avatar);
  ui.avatar = avatar;
  const locked = c.server !== null;
  ui.phone.readOnly = locked;
  ui.phoneHint.textContent = locked
    ? "Fixed for this conversation; add a customer to try another number."
    : "An international number, e.g. +15551234567.";
  ui.headStage.replaceChildren(c.server ? stageChip(c.server.stage) : h("span"));
}

function renderTranscript(): void {
  const c = active();
  const rows = c.items.map(itemNode);
  if (rows.length === 0 && !c.pending) {
    rows.push(
      h("li", { className: "empty-chat" }, [
        h("strong", { text: "Chat as this customer" }),
        "Type a message below, e.g. “Hi! How much is the blender?”. Each reply shows its stage, the strategy the bandit chose for this customer, and the chance it had of being chosen.",
      ]),
    );
  }
  if (c.pending) {
    rows.push(
      h("li", { className: "bubble typing-bubble fresh", testid: "typing-indicator" }, [
        h("span", { className: "dots", "aria-hidden": "true" }, [h("span"), h("span"), h("span")]),
        h("span", { className: "typing-label", text: "typing…" }),
      ]),
    );
  }
  ui.transcript.replaceChildren(...rows);
  ui.transcript.scrollTop = ui.transcript.scrollHeight;
}

function itemNode(item: Item): HTMLElement {
  // Only items shown for the first time pop in; re-renders must not replay the animation.
  const fresh = item.shown ? "" : " fresh";
  item.shown = true;
  if (item.kind === "note") return h("li", { className: `note${fresh}`, testid: "transcript-note", text: item.text });
  const foot = h("span", { className: "bubble-foot" }, [h("span", { className: "time", text: clock(item.at) })]);
  if (item.kind === "customer") {
    const [mark, label] = TICKS[item.status];
    foot.append(h("span", { className: `ticks ${item.status}`, title: label, "aria-label": label, text: mark }));
    return h(
      "li",
      { className: `bubble customer${fresh}${item.status === "failed" ? " failed" : ""}`, testid: "bubble-customer" },
      [h("span", { className: "bubble-text", text: item.text }), foot],
    );
  }
  const parts: HTMLElement[] = [];
  if (item.byPerson) parts.push(h("span", { text: "written by a person from the shop", title: "handoff" }));
  else if (item.variant) {
    parts.push(
      h("span", {
        className: "variant",
        title: "arm (variant@version)",
        text: `strategy ${item.variant}@${item.version ?? "?"}`,
      }),
    );
  } else parts.push(h("span", { text: "system message" }));
  if (item.propensity !== null) {
    parts.push(
      h("span", {
        title: `propensity p=${formatP(item.propensity)}: the probability the bandit chose this strategy`,
        text: `${percent(item.propensity)} chance`,
      }),
    );
  }
  const meta = h("span", { className: "reply-meta", testid: "reply-meta" }, [stageChip(item.stage)]);
  for (const part of parts) meta.append(h("span", { className: "sep", text: " · " }), part);
  return h("li", { className: `bubble reply${fresh}`, testid: "bubble-reply" }, [
    meta,
    h("span", { className: "bubble-text", text: item.text }),
    foot,
  ]);
}

const TICKS: Record<CustomerItem["status"], [string, string]> = {
  sent: ["✓", "Sent"],
  read: ["✓✓", "Answered"],
  failed: ["!", "Not delivered"],
};

function renderError(): void {
  const error = active().error;
  ui.error.hidden = error === null;
  if (error === null) return;
  ui.errorTitle.textContent = error.title;
  ui.errorDetail.textContent = error.detail;
  ui.retry.hidden = error.retryText === undefined;
}

function renderComposer(): void {
  const c = active();
  ui.send.disabled = c.pending || ui.message.value.trim() === "";
  ui.message.setAttribute("aria-label", `Message as ${c.name.trim() || c.phone || "this customer"}`);
  autosize();
}

function avatarOf(c: Chat, id?: string): HTMLElement {
  const node = h("span", { className: "avatar", id, "aria-hidden": "true", text: initials(c) });
  let hash = 0;
  for (const d of c.phone.replace(/\D/g, "")) hash = (hash * 31 + Number(d)) % 9973;
  node.style.background = AVATAR_COLORS[hash % AVATAR_COLORS.length] ?? "#00a884";
  return node;
}
function initials(c: Chat): string {
  const parts = c.name.trim().split(/\s+/).filter(Boolean);
  if (parts.length > 0)
    return parts
      .slice(0, 2)
      .map((w) => (Array.from(w)[0] ?? "").toUpperCase())
      .join("");
  return c.phone.replace(/\D/g, "").slice(-2) || "?";
}
const clock = (at: Date) => at.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
const formatP = (p: number) => (p >= 0.01 ? p.toFixed(2) : p.toPrecision(2));
const percent = (p: number) => (p >= 0.01 ? `${Math.round(p * 100)}%` : `${(p * 100).toPrecision(2)}%`);

async function send(text: string): Promise<void> {
  const c = active();
  if (c.pending || text === "") return;
  if (c.phone.trim() === "") {
    c.error = {
      title: "Not sent: no phone number",
      detail: "Type the customer's phone number first, e.g. +15551234567.",
    };
    render();
    ui.phone.focus();
    return;
  }
  const item: CustomerItem = { kind: "customer", text, at: new Date(), status: "sent" };
  c.items.push(item);
  c.pending = true;
  c.error = null;
  if (c.id === state.activeId) ui.message.value = "";
  c.draft = "";
  render();
  try {
    const body: Record<string, string> = { from: c.phone.trim(), text };
    if (c.name.trim() !== "") body["name"] = c.name.trim();
    const response = await fetch(API, {
      method: "POST",
      headers: apiHeaders({ "content-type": "application/json", accept: "application/json" }),
      body: JSON.stringify(body),
    });
    const raw = await response.text();
    const data = parseJson(raw);
    if (!response.ok || data === null) {
      item.status = "failed";
      const e = (data as { error?: { code?: string; message?: string } } | null)?.error;
      c.error = {
        title: `Not sent: ${e?.code ? `${e.code} ` : ""}(HTTP ${response.status})`,
        detail: e?.message ?? (raw.slice(0, 300) || response.statusText || "The server gave no reason."),
        retryText: text,
      };
    } else {
      receive(c, item, data as { replies?: unknown; customer?: ServerCustomer | null; pending?: boolean });
    }
  } catch (err) {
    item.status = "failed";
    c.error = {
      title: "Network error: the message did not reach the server",
      detail: `Could not reach ${location.origin} (${err instanceof Error ? err.message : String(err)}). Is the service still running?`,
      retryText: text,
    };
  }
  c.pending = false;
  if (c.id !== state.activeId && c.error) c.unread += 1;
  render();
  if (c.id === state.activeId) ui.message.focus();
}

function receive(
  c: Chat,
  item: CustomerItem,
  data: { replies?: unknown; customer?: ServerCustomer | null; pending?: boolean },
): void {
  const replies = Array.isArray(data.replies) ? (data.replies as ApiReply[]) : [];
  if (data.customer) c.server = data.customer;
  item.status = replies.length > 0 ? "read" : "sent";
  for (const r of replies) c.items.push(replyItem(r, new Date()));
  let note = "";
  if (replies.length === 0) {
    if (c.server?.optedOut) note = "No reply: opted out (send START to opt back in)";
    else if (c.server?.handoff) note = "No reply: a person has taken over this chat";
    else if (data.pending) note = "No reply yet: the service is still working on it";
    else note = "No reply";
    c.items.push({ kind: "note", text: note, at: new Date() });
  }
  if (c.id !== state.activeId) {
    c.unread += Math.max(replies.length, 1);
    announce(`New message for ${c.name || c.phone}`);
  } else {
    announce(replies.length > 0 ? replies.map((r) => `Reply: ${String(r.text ?? "")}`).join(" ") : note);
  }
}

/** Brings back the conversations the server holds, so a reload loses nothing. */
async function restore(): Promise<void> {
  let conversations: ApiConversation[] = [];
  try {
    const response = await fetch(HISTORY_API, { headers: apiHeaders({ accept: "application/json" }) });
    if (response.ok) conversations = ((await response.json()) as { conversations: ApiConversation[] }).conversations;
  } catch {
    // No history (the server is unreachable): start with a fresh tab; sending says what is wrong.
  }
  for (const conversation of conversations) {
    const chat = newChat(conversation.phone, conversation.name);
    chat.items = itemsOf(conversation);
    chat.server = conversation.customer;
  }
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return null;
  }
}

function announce(text: string): void {
  ui.announcer.textContent = "";
  window.setTimeout(() => {
    ui.announcer.textContent = text;
  }, 50);
}
function autosize(): void {
  ui.message.style.height = "auto";
  ui.message.style.height = `${Math.min(ui.message.scrollHeight, 160)}px`;
}

ui.form.addEventListener("submit", (event) => {
  event.preventDefault();
  void send(ui.message.value.trim());
});
ui.message.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    ui.form.requestSubmit();
  }
});
ui.message.addEventListener("input", renderComposer);
ui.phone.addEventListener("input", () => {
  active().phone = ui.phone.value;
  renderList();
  renderComposer();
});
ui.name.addEventListener("input", () => {
  active().name = ui.name.value;
  renderList();
  renderComposer();
});
ui.add.addEventListener("click", () => {
  select(addCustomer());
  ui.message.focus();
});
ui.dismiss.addEventListener("click", () => {
  active().error = null;
  renderError();
  ui.message.focus();
});
ui.retry.addEventListener("click", () => {
  const c = active();
  const text = c.error?.retryText;
  if (!text) return;
  const failed = c.items.findLastIndex((i) => i.kind === "customer" && i.status === "failed" && i.text === text);
  if (failed >= 0) c.items.splice(failed, 1);
  void send(text);
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && active().error) {
    active().error = null;
    renderError();
  }
});

ui.adminToken.value = sessionStorage.getItem(TOKEN_KEY) ?? "";
ui.adminToken.addEventListener("change", () => {
  sessionStorage.setItem(TOKEN_KEY, ui.adminToken.value.trim());
  location.reload();
});

await restore();
const last = state.customers.at(-1);
select(last === undefined || state.customers.length === 0 ? addCustomer() : last.id);
ui.message.focus();
