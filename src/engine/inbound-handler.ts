import type { Kysely } from "kysely";
import {
  type ArmPolicyCache,
  assignOnEntry,
  parseArmKey,
  type Random,
  resolveOnAdvance,
} from "../experiments/index.js";
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
  lastBotTextEnc,
  MESSAGE_TEXT_AAD,
  markInboxDone,
  OUTBOX_REPLY_TO_AAD,
  updateCustomer,
} from "../store/index.js";
import { type Profile, parseProfile } from "./customer-profile.js";
import { type InboundMessage, type MessageContent, type MessageKind, TEXT_CONTENT } from "./gateway/index.js";
import {
  applyTranscriptUpdate,
  findCustomer,
  findOrCreateCustomer,
  findProvidedDetails,
  gaveDetails,
  isTranscriptUpdate,
  keepReferral,
  languageAfter,
  messageView,
  type ProvidedDetails,
  type ReplyPlan,
  recordInbound,
  replyPlanFor,
  signalsFor,
  stageAfter,
  type TranscriptUpdate,
  templateFor,
} from "./inbound/index.js";
import { consentSignal, OPT_IN_CONFIRMATION, OPT_OUT_CONFIRMATION } from "./opt-out.js";
import type { ComposedReply, PlaybookRuntime } from "./playbook-runtime.js";
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
  /** Purchase probability above which the shop hears about a hot lead; default {@link HOT_LEAD_PROBABILITY}. */
  hotLeadProbability?: number;
  /** Arms and policies kept between assignments (checked against the store's stamp each time); unset: read each time. */
  armCache?: ArmPolicyCache | undefined;
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
  /** Alerts for the shop (a person asked for, a hot lead), raised after the commit. */
  alerts?: OutcomeAlert[];
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
  const message = deps.cipher.decryptJson(
    row.payload_enc,
    INBOX_PAYLOAD_AAD(row.gateway_message_index),
  ) as InboundMessage;
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

/** Intents that hand the chat to a person: the bot says so and goes silent for the handoff time. */
const HANDOFF_INTENTS = new Set(["human_request", "complaint", "cancel_change", "order_status"]);
/** The concern that makes a bot question a request for a person ("are you a stupid bot?"). */
const ANGER_CONCERN = "anger";
/** Intents that show a customer who bought wants to buy again (a new journey starts). */
const BUYING_AGAIN_INTENTS = new Set(["order_question", "price_question", "product_question", "stock_question"]);
/** Intents that mean "ready to buy" (the shop hears about a hot lead). */
const HOT_LEAD_INTENTS = new Set(["order_question"]);
/** Default purchase probability above which a lead is hot. */
export const HOT_LEAD_PROBABILITY = 0.8;

/** An alert the engine raises once the message's transaction committed. */
export interface OutcomeAlert {
  kind: "human_requested" | "hot_lead";
  message: string;
  detail: Record<string, unknown>;
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
  const classified = signalsFor(runtime, content, plan);
  const given = plan.mode === "intent" ? findProvidedDetails(plan.text) : NO_DETAILS;
  const signals =
    gaveDetails(given) && ["default", "greeting", "thanks_bye"].includes(classified.intent)
      ? { ...classified, intent: "provided_details" }
      : classified;
  let profile = parseProfile(cipher.decryptJson(found.profile_enc, CUSTOMER_AAD.profile(found.id)));
  const language = languageAfter(plan.text, runtime.languages, {
    language: profile.languageConfidence > 0 ? profile.language : runtime.defaultLanguage,
    confidence: profile.languageConfidence,
  });
  const details = mergeDetails(cipher, found, given);
  const audienceBase = {
    name: given.name ?? msg.name ?? null,
    productIds: signals.productIds,
    message: messageView(content),
    order: content.kind === "order" ? content : null,
    language: language.language,
    avoid: await lastBotText(deps, found.id),
    hasAddress: details.value.address !== undefined,
    hasEmail: details.value.email !== undefined,
  };
  const storedDetails = {
    ...(details.changed ? { details_enc: cipher.encryptJson(details.value, CUSTOMER_AAD.details(found.id)) } : {}),
    ...(given.name !== null ? { name_enc: cipher.encrypt(given.name, CUSTOMER_AAD.name(found.id)) } : {}),
  };

  if (found.stage === "won" && plan.mode === "intent" && !BUYING_AGAIN_INTENTS.has(signals.intent)) {
    const reply = runtime.composePostPurchase(signals.intent, { ...audienceBase, stage: "won", profile }, now);
    if (reply !== null) {
      profile = { ...profile, language: language.language, languageConfidence: language.confidence };
      const handoff = HANDOFF_INTENTS.has(signals.intent) || isAngryBotQuestion(signals);
      return afterPurchase(deps, found, msg, signals.intent, reply, profile, storedDetails, now, handoff);
    }
  }

  const previousStage = found.last_inbound_at === null ? null : found.stage;
  const transition = stageAfter(runtime, previousStage, plan, plan.mode === "intent" ? signals.intent : "default");
  let journey = found.journey;
  if (transition.newJourney) {
    journey += 1;
    profile = profileForNewJourney(profile);
  }
  const index = stageIndex(transition.stage, runtime.stages);
  if (transition.entered && previousStage !== null && !transition.newJourney) {
    await resolveOnAdvance(db, found.id, journey, index, now, (s) => stageIndex(s, runtime.stages));
  }
  profile = updateProfile(profile, signals, { id: transition.stage, index, count: runtime.stages.length }, msg.phone);
  profile = { ...profile, language: language.language, languageConfidence: language.confidence };
  const handoff = plan.mode === "intent" && (HANDOFF_INTENTS.has(signals.intent) || isAngryBotQuestion(signals));
  const alerts: OutcomeAlert[] = [];
  const who = `${maskedIdentity(msg)} (stage ${transition.stage})`;
  const hot =
    profile.hotLeadJourney !== journey &&
    (plan.mode === "order" ||
      (transition.entered && transition.stage === runtime.stageIds.at(-1)) ||
      (plan.mode === "intent" && HOT_LEAD_INTENTS.has(signals.intent)) ||
      profile.purchaseProbability > (deps.hotLeadProbability ?? HOT_LEAD_PROBABILITY));
  if (hot) {
    profile = { ...profile, hotLeadJourney: journey };
    alerts.push({
      kind: "hot_lead",
      message: `Hot lead: customer ${who} is ready to buy; purchase probability ${profile.purchaseProbability}.`,
      detail: { customerId: found.id, stage: transition.stage, purchaseProbability: profile.purchaseProbability },
    });
  }
  const newConversation = found.last_inbound_at === null || now - found.last_inbound_at > CONVERSATION_GAP_MS;
  await updateCustomer(db, found.id, {
    stage: transition.stage,
    journey,
    stage_entered_at: transition.entered ? now : found.stage_entered_at,
    profile_enc: cipher.encryptJson(profile, CUSTOMER_AAD.profile(found.id)),
    last_inbound_at: now,
    last_interaction_at: now,
    conversation_count: found.conversation_count + (newConversation ? 1 : 0),
    updated_at: now,
    ...(msg.name && found.name_enc === null ? { name_enc: cipher.encrypt(msg.name, CUSTOMER_AAD.name(found.id)) } : {}),
    ...storedDetails,
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
    alerts,
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
    cache: deps.armCache,
  });
  if (assigned === null) return moved("no_arm");
  const a = assigned.assignment;
  // A customer assigned before their arm's file moved on to a new version keeps the assignment (the
  // outcome counts for it) and hears the text that is loaded now.
  const speaking = runtime.speakingKey(`${a.variant_id}@${a.variant_version}`, transition.stage);
  const speaker = speaking === null ? null : parseArmKey(speaking);
  if (speaking === null || speaker === null) return moved("no_arm");
  const reply = runtime.compose(
    speaking,
    templateFor(plan, content, signals),
    { ...audienceBase, stage: transition.stage, profile },
    now,
  );
  // A handoff notice is sent although the handoff it announces has started (like a confirmation).
  const id = await queueReply(deps, customer, msg, now, reply.text, {
    kind: handoff ? "confirmation" : "reply",
    stage: transition.stage,
    journey,
    assignmentId: Number(a.id),
    variantId: speaker.variantId,
    variantVersion: speaker.version,
    intent: reply.template,
    // Kind acknowledgements, order confirmations and handoff notices are sent as written; an LLM rewrites intent replies only.
    llm: plan.mode === "intent" && !handoff,
  });
  if (handoff) {
    await startHandoff(deps, customer, now, "customer_request");
    alerts.push({
      kind: "human_requested",
      message: `Customer ${who} asked for a person (${signals.intent}); the bot is silent for the handoff time.`,
      detail: { customerId: customer.id, stage: transition.stage, intent: signals.intent },
    });
  }
  return { ...moved(null), outboxIds: [id], fallback: reply.fallback, order: reply.order ?? null };
}

function isAngryBotQuestion(signals: { intent: string; concerns: string[] }): boolean {
  return signals.intent === "bot_question" && signals.concerns.includes(ANGER_CONCERN);
}

/** A buyer's message after a recorded sale: the post-purchase reply, the stage stays `won`. */
async function afterPurchase(
  deps: InboundHandlerDeps,
  found: CustomerRow,
  msg: InboundMessage,
  intent: string,
  reply: ComposedReply,
  profile: Profile,
  storedDetails: Record<string, string>,
  now: number,
  handoff: boolean,
): Promise<InboundOutcome> {
  const newConversation = found.last_inbound_at === null || now - found.last_inbound_at > CONVERSATION_GAP_MS;
  await updateCustomer(deps.db, found.id, {
    profile_enc: deps.cipher.encryptJson(profile, CUSTOMER_AAD.profile(found.id)),
    last_inbound_at: now,
    last_interaction_at: now,
    conversation_count: found.conversation_count + (newConversation ? 1 : 0),
    updated_at: now,
    ...storedDetails,
  });
  await recordInbound(deps, found, msg, found.stage, found.journey, intent, now);
  if (found.handoff_until !== null && found.handoff_until > now) return silent("handoff", found, msg);
  const id = await queueReply(deps, found, msg, now, reply.text, {
    kind: handoff ? "confirmation" : "reply",
    stage: found.stage,
    journey: found.journey,
    intent: reply.template,
    llm: false,
  });
  const alerts: OutcomeAlert[] = [];
  if (handoff) {
    await startHandoff(deps, found, now, "customer_request");
    alerts.push({
      kind: "human_requested",
      message: `Customer ${maskedIdentity(msg)} (a buyer, stage won) asked for a person (${intent}); the bot is silent for the handoff time.`,
      detail: { customerId: found.id, stage: found.stage, intent },
    });
  }
  return { ...silent(null, found, msg), outboxIds: [id], fallback: reply.fallback, alerts };
}

const NO_DETAILS: ProvidedDetails = { name: null, email: null, address: null };

/** The customer's stored details with what this message gave. */
function mergeDetails(
  cipher: FieldCipher,
  customer: CustomerRow,
  given: ProvidedDetails,
): { value: { email?: string; address?: string }; changed: boolean } {
  const stored =
    customer.details_enc === null
      ? {}
      : (cipher.decryptJson(customer.details_enc, CUSTOMER_AAD.details(customer.id)) as {
          email?: string;
          address?: string;
        });
  const value = {
    ...stored,
    ...(given.email !== null ? { email: given.email } : {}),
    ...(given.address !== null ? { address: given.address } : {}),
  };
  return { value, changed: given.email !== null || given.address !== null };
}

/** The last bot message to this customer (never sent again word for word), or null. */
async function lastBotText(deps: InboundHandlerDeps, customerId: string): Promise<string | null> {
  const textEnc = await lastBotTextEnc(deps.db, customerId);
  return textEnc === undefined ? null : deps.cipher.decrypt(textEnc, MESSAGE_TEXT_AAD(customerId));
}

/** The customer's number as alerts show it: its last four digits only. */
function maskedIdentity(msg: InboundMessage): string {
  const identity = msg.phone ?? msg.lid ?? "";
  return `…${identity.replace(/@.*$/, "").slice(-4)}`;
}

/** Silences the bot for the handoff time (a person follows up). */
async function startHandoff(deps: InboundHandlerDeps, customer: CustomerRow, now: number, reason: string) {
  const until = now + deps.handoffMs;
  if (customer.handoff_until !== null && customer.handoff_until >= until) return;
  await insertHandoff(deps.db, { customerId: customer.id, startedAt: now, endsAt: until, reason });
  await updateCustomer(deps.db, customer.id, { handoff_until: until, updated_at: now });
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
    textEnc: deps.cipher.encrypt(text, MESSAGE_TEXT_AAD(customer.id)),
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
    inReplyToGatewayIdEnc: deps.cipher.encrypt(msg.gatewayMessageId, OUTBOX_REPLY_TO_AAD(customer.id)),
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
    textEnc: deps.cipher.encrypt(msg.text, MESSAGE_TEXT_AAD(customer.id)),
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
  return recent.some((m) => deps.cipher.decrypt(m.text_enc, MESSAGE_TEXT_AAD(customerId)) === text);
}
