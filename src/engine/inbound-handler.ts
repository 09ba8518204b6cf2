import type { Kysely } from "kysely";
import { assignOnEntry, type Random, resolveOnAdvance } from "../experiments/index.js";
import {
  CUSTOMER_AAD,
  type CustomerRow,
  type Database,
  type FieldCipher,
  findOutboundByGatewayId,
  gatewayIdIndex,
  INBOX_PAYLOAD_AAD,
  type InboxRow,
  insertConsentEvent,
  insertHandoff,
  insertMessage,
  insertOutboxEntry,
  MESSAGE_TEXT_AAD,
  markInboxDone,
  OUTBOX_REPLY_TO_AAD,
  updateCustomer,
} from "../store/index.js";
import { parseProfile } from "./customer-profile.js";
import { type InboundMessage, type MessageContent, type MessageKind, TEXT_CONTENT } from "./gateway/index.js";
import {
  applyTranscriptUpdate,
  findCustomer,
  findOrCreateCustomer,
  isTranscriptUpdate,
  keepReferral,
  messageView,
  type ReplyPlan,
  recordInbound,
  replyPlanFor,
  signalsFor,
  stageAfter,
  type TranscriptUpdate,
  templateFor,
} from "./inbound/index.js";
import { consentSignal, OPT_IN_CONFIRMATION, OPT_OUT_CONFIRMATION } from "./opt-out.js";
import type { PlaybookRuntime } from "./playbook-runtime.js";
import { profileForNewJourney, updateProfile } from "./profile-rules.js";
import { stageIndex } from "./stage-machine.js";

/** A new conversation starts after this much silence. */
export const CONVERSATION_GAP_MS = 24 * 3_600_000;

/** What the handler needs. */
export interface InboundHandlerDeps {
  db: Kysely<Database>;
  cipher: FieldCipher;
  playbooks: PlaybookRuntime;
  rng: Random;
  /** How long a human takeover silences the bot, in ms. */
  handoffMs: number;
  /** True when an LLM rewrites replies: they are queued as `composing`, with the template reply as the draft. */
  llmReplies?: boolean;
}

/** What handling one message did (for the log, the playground and tests). */
export interface InboundOutcome {
  customerId: string | null;
  /** Outbox ids queued for this message, in order. */
  outboxIds: number[];
  /** Why nothing was queued, when nothing was. */
  silentBecause:
    | "opted_out"
    | "handoff"
    | "own_echo"
    | "human_reply"
    | "no_arm"
    /** A reaction, edit or revoke: applied to the message it names. */
    | "transcript_update"
    /** A kind Closer does not answer, stored as `system`. */
    | "unsupported_kind"
    | null;
  stage: string | null;
  stageChanged: boolean;
  fallback: "none" | "default_template" | "safe_line" | null;
  /** The message's kind. */
  kind: MessageKind;
  /** The gateway's type name of a `system` message (an unknown kind), else null. */
  systemType: string | null;
  /** The catalog order the reply confirmed (for the shop's alert), else null. */
  order: { itemCount: number; total: string | null } | null;
}

/** Handles one pending inbox row. Runs in its own transaction; marks the row done. */
export async function handleInboxRow(deps: InboundHandlerDeps, row: InboxRow, now: number): Promise<InboundOutcome> {
  return deps.db.transaction().execute((trx) => handleInboxRowInTransaction({ ...deps, db: trx }, row, now));
}

/** Handles one pending inbox row inside the caller's transaction (`deps.db`); marks the row done. */
export async function handleInboxRowInTransaction(
  deps: InboundHandlerDeps,
  row: InboxRow,
  now: number,
): Promise<InboundOutcome> {
  const message = deps.cipher.decryptJson(row.payload_enc, INBOX_PAYLOAD_AAD) as InboundMessage;
  const outcome = await handleMessage(deps, message, now);
  await markInboxDone(deps.db, Number(row.id), now);
  return outcome;
}

async function handleMessage(deps: InboundHandlerDeps, msg: InboundMessage, now: number): Promise<InboundOutcome> {
  const content = msg.content ?? TEXT_CONTENT;
  if (isTranscriptUpdate(content)) {
    const updated = await updateTranscript(deps, msg, content, now);
    // An edit of a message we never saw is a new message with the edited text.
    return updated ?? handleMessage(deps, { ...msg, content: TEXT_CONTENT }, now);
  }
  if (msg.fromMe) return handleShopMessage(deps, msg, now);
  const customer = await findOrCreateCustomer(deps, msg, now);
  await keepReferral(deps, customer, msg, now);
  const welcome = content.kind === "system" && content.type === "request_welcome" && customer.last_inbound_at === null;
  if (content.kind === "system" && !welcome) return recordSystemMessage(deps, customer, msg, content, now);
  const plan = replyPlanFor(content, msg.text);
  const consent = await handleConsent(deps, customer, msg, plan, now);
  if (consent !== null) return consent;
  if (customer.opted_out === 1) {
    await recordInbound(deps, customer, msg, customer.stage, customer.journey, null, now);
    await touchInbound(deps, customer, now);
    return silent("opted_out", customer, msg);
  }
  return converse(deps, customer, msg, plan, now);
}

/** What handling produced when nothing is queued. */
function silent(
  why: InboundOutcome["silentBecause"],
  customer: CustomerRow | null,
  msg: InboundMessage,
  stage: string | null = customer?.stage ?? null,
): InboundOutcome {
  const content = msg.content ?? TEXT_CONTENT;
  return {
    customerId: customer?.id ?? null,
    outboxIds: [],
    silentBecause: why,
    stage,
    stageChanged: false,
    fallback: null,
    kind: content.kind,
    systemType: content.kind === "system" ? content.type : null,
    order: null,
  };
}

/** A reaction, edit or revoke: applied to the message it names, never answered. Null: an edit of an unknown message. */
async function updateTranscript(
  deps: InboundHandlerDeps,
  msg: InboundMessage,
  update: TranscriptUpdate,
  now: number,
): Promise<InboundOutcome | null> {
  const customer = await findCustomer(deps, msg, now);
  const result =
    customer === undefined
      ? "missing"
      : await applyTranscriptUpdate(deps, customer.id, update, msg.text, msg.fromMe, now);
  if (result === "missing" && update.kind === "edit" && !msg.fromMe) return null;
  return silent("transcript_update", customer ?? null, msg);
}

/** A message from the business phone: the echo of our own send, or a person taking the chat over. */
async function handleShopMessage(deps: InboundHandlerDeps, msg: InboundMessage, now: number): Promise<InboundOutcome> {
  if (
    msg.origin === "api" ||
    (await findOutboundByGatewayId(deps.db, gatewayIdIndex(deps.cipher, msg.gatewayMessageId))) !== undefined
  ) {
    return silent("own_echo", null, msg, null);
  }
  const customer = await findOrCreateCustomer(deps, msg, now);
  // The echo of our own send can arrive before the send's answer told us its id (WAHA without
  // `source`): a bot message with the same text in this chat moments ago is that echo.
  if (msg.origin !== "app" && (await isRecentBotText(deps, customer.id, msg.text, now))) {
    return silent("own_echo", customer, msg);
  }
  await takeOver(deps, customer, msg, now);
  return silent("human_reply", customer, msg);
}

/** A kind Closer does not answer (a poll, an unsupported message, …): kept as `system` with its type, no reply. */
async function recordSystemMessage(
  deps: InboundHandlerDeps,
  customer: CustomerRow,
  msg: InboundMessage,
  content: Extract<MessageContent, { kind: "system" }>,
  now: number,
): Promise<InboundOutcome> {
  await recordInbound(deps, customer, { ...msg, text: "" }, customer.stage, customer.journey, null, now);
  await touchInbound(deps, customer, now);
  return silent("unsupported_kind", customer, { ...msg, content });
}

/** STOP, START and "stop promotions" buttons: one confirmation, then silence (or welcome back). */
async function handleConsent(
  deps: InboundHandlerDeps,
  customer: CustomerRow,
  msg: InboundMessage,
  plan: ReplyPlan,
  now: number,
): Promise<InboundOutcome | null> {
  const consent = plan.optOutButton ? "opt_out" : consentSignal(plan.text);
  if (consent === null) return null;
  const wasOut = customer.opted_out === 1;
  // START from someone subscribed is just a message: a normal reply follows.
  if (consent === "opt_in" && !wasOut) return null;
  await recordInbound(deps, customer, msg, customer.stage, customer.journey, consent, now);
  // The customer wrote: the confirmation answers them (never a first message, inside Cloud's window).
  await touchInbound(deps, customer, now);
  if (consent === "opt_out" && wasOut) return silent("opted_out", customer, msg);
  await insertConsentEvent(deps.db, customer.id, consent, now);
  await updateCustomer(deps.db, customer.id, { opted_out: consent === "opt_out" ? 1 : 0, updated_at: now });
  // While a person has the chat, only the opt-out confirmation comes from the bot.
  if (consent === "opt_in" && customer.handoff_until !== null && customer.handoff_until > now) {
    return silent("handoff", customer, msg);
  }
  const confirmation = consent === "opt_out" ? OPT_OUT_CONFIRMATION : OPT_IN_CONFIRMATION;
  const id = await queueReply(deps, customer, msg, now, confirmation, { kind: "confirmation" });
  return { ...silent(null, customer, msg), outboxIds: [id] };
}

/** Stage, profile, assignment and reply: the conversation proper. */
async function converse(
  deps: InboundHandlerDeps,
  found: CustomerRow,
  msg: InboundMessage,
  plan: ReplyPlan,
  now: number,
): Promise<InboundOutcome> {
  const { db, cipher } = deps;
  const runtime = deps.playbooks;
  const content = msg.content ?? TEXT_CONTENT;
  const signals = signalsFor(runtime, content, plan);
  const previousStage = found.last_inbound_at === null ? null : found.stage;
  const transition = stageAfter(runtime, previousStage, plan);
  let journey = found.journey;
  let profile = parseProfile(cipher.decryptJson(found.profile_enc, CUSTOMER_AAD.profile));
  if (transition.newJourney) {
    journey += 1;
    profile = profileForNewJourney(profile);
  }
  const index = stageIndex(transition.stage, runtime.stages);
  if (transition.entered && previousStage !== null && !transition.newJourney) {
    await resolveOnAdvance(db, found.id, journey, index, now, (s) => stageIndex(s, runtime.stages));
  }
  profile = updateProfile(profile, signals, { id: transition.stage, index, count: runtime.stages.length }, msg.phone);
  const newConversation = found.last_inbound_at === null || now - found.last_inbound_at > CONVERSATION_GAP_MS;
  await updateCustomer(db, found.id, {
    stage: transition.stage,
    journey,
    stage_entered_at: transition.entered ? now : found.stage_entered_at,
    profile_enc: cipher.encryptJson(profile, CUSTOMER_AAD.profile),
    last_inbound_at: now,
    last_interaction_at: now,
    conversation_count: found.conversation_count + (newConversation ? 1 : 0),
    updated_at: now,
    ...(msg.name && found.name_enc === null ? { name_enc: cipher.encrypt(msg.name, CUSTOMER_AAD.name) } : {}),
  });
  const customer = { ...found, stage: transition.stage, journey };
  await recordInbound(
    deps,
    customer,
    msg,
    transition.stage,
    journey,
    plan.mode === "intent" ? signals.intent : null,
    now,
  );
  const moved = (why: InboundOutcome["silentBecause"]) => ({
    ...silent(why, customer, msg, transition.stage),
    stageChanged: transition.entered,
  });
  if (customer.handoff_until !== null && customer.handoff_until > now) return moved("handoff");

  const assigned = await assignOnEntry(db, {
    customerId: customer.id,
    journey,
    stage: transition.stage,
    now,
    rng: deps.rng,
    settings: runtime.settings(transition.stage),
    loadedKeys: runtime.loadedKeys,
  });
  if (assigned === null) return moved("no_arm");
  const a = assigned.assignment;
  const reply = runtime.compose(
    `${a.variant_id}@${a.variant_version}`,
    templateFor(plan, content, signals),
    {
      name: msg.name ?? null,
      stage: transition.stage,
      profile,
      productIds: signals.productIds,
      message: messageView(content),
      order: content.kind === "order" ? content : null,
    },
    now,
  );
  const id = await queueReply(deps, customer, msg, now, reply.text, {
    kind: "reply",
    stage: transition.stage,
    journey,
    assignmentId: Number(a.id),
    variantId: a.variant_id,
    variantVersion: a.variant_version,
    intent: reply.template,
    // Kind acknowledgements and order confirmations are sent as written; an LLM rewrites intent replies only.
    llm: plan.mode === "intent",
  });
  return { ...moved(null), outboxIds: [id], fallback: reply.fallback, order: reply.order ?? null };
}

async function queueReply(
  deps: InboundHandlerDeps,
  customer: CustomerRow,
  msg: InboundMessage,
  now: number,
  text: string,
  meta: {
    kind: "reply" | "confirmation";
    stage?: string;
    journey?: number;
    assignmentId?: number;
    variantId?: string;
    variantVersion?: number;
    intent?: string;
    /** False: send as written even when an LLM rewrites replies. Default true. */
    llm?: boolean;
  },
): Promise<number> {
  const messageId = await insertMessage(deps.db, {
    customerId: customer.id,
    direction: "out",
    author: "bot",
    textEnc: deps.cipher.encrypt(text, MESSAGE_TEXT_AAD),
    gatewayMessageIndex: null,
    journey: meta.journey ?? customer.journey,
    stage: meta.stage ?? customer.stage,
    assignmentId: meta.assignmentId ?? null,
    variantId: meta.variantId ?? null,
    variantVersion: meta.variantVersion ?? null,
    intent: meta.intent ?? meta.kind,
    status: "queued",
    createdAt: now,
  });
  return insertOutboxEntry(deps.db, {
    messageId,
    customerId: customer.id,
    kind: meta.kind,
    status: deps.llmReplies === true && meta.kind === "reply" && meta.llm !== false ? "composing" : "pending",
    inReplyToAt: msg.sentAt,
    inReplyToGatewayIdEnc: deps.cipher.encrypt(msg.gatewayMessageId, OUTBOX_REPLY_TO_AAD),
    createdAt: now,
  });
}

/** Records that the customer wrote now, for a message that gets no stage handling (consent words, opted out). */
async function touchInbound(deps: InboundHandlerDeps, customer: CustomerRow, now: number): Promise<void> {
  const newConversation = customer.last_inbound_at === null || now - customer.last_inbound_at > CONVERSATION_GAP_MS;
  await updateCustomer(deps.db, customer.id, {
    last_inbound_at: now,
    last_interaction_at: now,
    conversation_count: customer.conversation_count + (newConversation ? 1 : 0),
    updated_at: now,
  });
}

async function takeOver(deps: InboundHandlerDeps, customer: CustomerRow, msg: InboundMessage, now: number) {
  const until = now + deps.handoffMs;
  await insertMessage(deps.db, {
    customerId: customer.id,
    direction: "out",
    author: "human",
    textEnc: deps.cipher.encrypt(msg.text, MESSAGE_TEXT_AAD),
    gatewayMessageIndex: gatewayIdIndex(deps.cipher, msg.gatewayMessageId),
    journey: customer.journey,
    stage: customer.stage,
    assignmentId: null,
    variantId: null,
    variantVersion: null,
    intent: null,
    status: "sent",
    createdAt: now,
  });
  if (customer.handoff_until === null || customer.handoff_until < until) {
    await insertHandoff(deps.db, { customerId: customer.id, startedAt: now, endsAt: until, reason: "human_reply" });
    await updateCustomer(deps.db, customer.id, { handoff_until: until, last_interaction_at: now, updated_at: now });
  }
}

/** How far back a bot message may be the subject of an echo whose id we do not know yet. */
export const ECHO_WINDOW_MS = 2 * 60_000;

async function isRecentBotText(deps: InboundHandlerDeps, customerId: string, text: string, now: number) {
  const recent = await deps.db
    .selectFrom("messages")
    .select("text_enc")
    .where("customer_id", "=", customerId)
    .where("author", "=", "bot")
    .where("created_at", ">=", now - ECHO_WINDOW_MS)
    .execute();
  return recent.some((m) => deps.cipher.decrypt(m.text_enc, MESSAGE_TEXT_AAD) === text);
}
