/**
 * The playground's data in the browser: customers (chat tabs), their messages,
 * and what the server answers about them.
 * @module
 */

/** What the server says about a customer (profile keys as the engine names them). */
export interface ServerCustomer {
  id: string;
  stage: string;
  optedOut: boolean;
  handoff: boolean;
  profile: Record<string, unknown> | null;
}

/** A message the customer wrote in the playground. */
export interface CustomerItem {
  kind: "customer";
  text: string;
  at: Date;
  status: "sent" | "read" | "failed";
  shown?: boolean;
}

/** A reply from the bot (or a person writing as the shop). */
export interface ReplyItem {
  kind: "reply";
  text: string;
  at: Date;
  stage: string;
  variant: string | null;
  version: number | null;
  propensity: number | null;
  /** True when a person wrote it from the dashboard. */
  byPerson?: boolean;
  shown?: boolean;
}

/** A line about the conversation ("No reply: opted out"). */
export interface NoteItem {
  kind: "note";
  text: string;
  at: Date;
  shown?: boolean;
}

/** One entry of a transcript. */
export type Item = CustomerItem | ReplyItem | NoteItem;

/** A problem shown above the composer. */
export interface ChatError {
  title: string;
  detail: string;
  /** The text to send again with "Retry"; absent when retrying makes no sense. */
  retryText?: string;
}

/** One customer tab. */
export interface Chat {
  id: number;
  phone: string;
  name: string;
  items: Item[];
  server: ServerCustomer | null;
  pending: boolean;
  error: ChatError | null;
  unread: number;
  draft: string;
}

/** A reply as `POST /api/playground/messages` answers it. */
export interface ApiReply {
  text?: unknown;
  stage?: unknown;
  variant?: unknown;
  version?: unknown;
  propensity?: unknown;
}

/** A restored conversation as `GET /api/playground/conversations` answers it. */
export interface ApiConversation {
  phone: string;
  name: string;
  customer: ServerCustomer;
  messages: {
    author: string;
    text: string;
    stage: string;
    variant: string | null;
    version: number | null;
    propensity: number | null;
    status: string;
    at: string;
  }[];
}

/** A reply item from the API's answer. */
export function replyItem(r: ApiReply, at: Date): ReplyItem {
  return {
    kind: "reply",
    text: String(r.text ?? ""),
    at,
    stage: typeof r.stage === "string" ? r.stage : "unknown",
    variant: typeof r.variant === "string" ? r.variant : null,
    version: typeof r.version === "number" ? r.version : null,
    propensity: typeof r.propensity === "number" ? r.propensity : null,
  };
}

/** The transcript items of a restored conversation. */
export function itemsOf(conversation: ApiConversation): Item[] {
  return conversation.messages.map((m): Item => {
    const at = new Date(m.at);
    if (m.author === "customer") return { kind: "customer", text: m.text, at, status: "read", shown: true };
    return { ...replyItem(m, at), byPerson: m.author === "human", shown: true };
  });
}
