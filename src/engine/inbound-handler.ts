/**
 * Handles one inbox row, start to end, inside one database transaction:
 * customer and profile, consent, handoff, stage, assignment, reply, outbox.
 * Either all of it is stored or none of it, so a crash at any point loses
 * nothing and a retry does not send twice.
 * @module
 */
import { randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import { assignOnEntry, type Random, resolveOnAdvance } from "../experiments/index.js";
import {
  CUSTOMER_AAD,
  type CustomerRow,
  type Database,
  type FieldCipher,
  findCustomerByLidIndex,
  findCustomerByPhoneIndex,
  findOutboundByGatewayId,
  INBOX_PAYLOAD_AAD,
  type InboxRow,
  insertConsentEvent,
  insertCustomer,
  insertHandoff,
  insertMessage,
  insertOutboxEntry,
  MESSAGE_TEXT_AAD,
  markInboxDone,
  updateCustomer,
} from "../store/index.js";
import { type Profile, parseProfile, profileSchema } from "./customer-profile.js";
import type { InboundMessage } from "./gateway/index.js";
import { consentSignal, OPT_IN_CONFIRMATION, OPT_OUT_CONFIRMATION } from "./opt-out.js";
import type { PlaybookRuntime } from "./playbook-runtime.js";
import { profileForNewJourney, timeZoneForPhone, updateProfile } from "./profile-rules.js";
import { nextStage, stageIndex } from "./stage-machine.js";

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
  silentBecause: "opted_out" | "handoff" | "own_echo" | "human_reply" | "no_arm" | null;
  stage: string | null;
  stageChanged: boolean;
  fallback: "none" | "default_template" | "safe_line" | null;
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
  const { db, cipher } = deps;
  const silent = (why: InboundOutcome["silentBecause"], customerId: string | null, stage: string | null) => ({
    customerId,
    outboxIds: [],
    silentBecause: why,
    stage,
    stageChanged: false,
    fallback: null,
  });

  if (msg.fromMe) {
    if (msg.origin === "api" || (await findOutboundByGatewayId(db, msg.gatewayMessageId)) !== undefined) {
      return silent("own_echo", null, null);
    }
    const customer = await findOrCreateCustomer(deps, msg, now);
    // The echo of our own send can arrive before the send's answer told us its id (WAHA without
    // `source`): a bot message with the same text in this chat moments ago is that echo.
    if (msg.origin !== "app" && (await isRecentBotText(deps, customer.id, msg.text, now))) {
      return silent("own_echo", customer.id, customer.stage);
    }
    await takeOver(deps, customer, msg, now);
    return silent("human_reply", customer.id, customer.stage);
  }

  let customer = await findOrCreateCustomer(deps, msg, now);
  const text = msg.text;
  const consent = consentSignal(text);
  const record = (stage: string, journey: number, intent: string | null) =>
    insertMessage(db, {
      customerId: customer.id,
      direction: "in",
      author: "customer",
      textEnc: cipher.encrypt(text, MESSAGE_TEXT_AAD),
      gatewayMessageId: msg.gatewayMessageId,
      journey,
      stage,
      assignmentId: null,
      variantId: null,
      variantVersion: null,
      intent,
      status: "received",
      createdAt: now,
    });

  if (consent !== null) {
    const wasOut = customer.opted_out === 1;
    if (consent === "opt_in" && !wasOut) {
      // START from someone subscribed is just a message; fall through to a normal reply below.
    } else {
      await record(customer.stage, customer.journey, consent);
      // The customer wrote: the confirmation answers them (never a first message, inside Cloud's window).
      await touchInbound(deps, customer, now);
      if (consent === "opt_out" && wasOut) return silent("opted_out", customer.id, customer.stage);
      await insertConsentEvent(db, customer.id, consent, now);
      await updateCustomer(db, customer.id, { opted_out: consent === "opt_out" ? 1 : 0, updated_at: now });
      // While a person has the chat, only the opt-out confirmation comes from the bot.
      if (consent === "opt_in" && customer.handoff_until !== null && customer.handoff_until > now) {
        return silent("handoff", customer.id, customer.stage);
      }
      const confirmation = consent === "opt_out" ? OPT_OUT_CONFIRMATION : OPT_IN_CONFIRMATION;
      const id = await queueReply(deps, customer, msg, now, confirmation, { kind: "confirmation" });
      return { ...silent(null, customer.id, customer.stage), outboxIds: [id] };
    }
  }
  if (customer.opted_out === 1) {
    await record(customer.stage, customer.journey, null);
    await touchInbound(deps, customer, now);
    return silent("opted_out", customer.id, customer.stage);
  }

  // Stage, journey and profile.
  const runtime = deps.playbooks;
  const signals = runtime.classify(text);
  const previousStage = customer.last_inbound_at === null ? null : customer.stage;
  const transition = nextStage(previousStage, text, runtime.stages);
  let journey = customer.journey;
  let profile = parseProfile(cipher.decryptJson(customer.profile_enc, CUSTOMER_AAD.profile));
  if (transition.newJourney) {
    journey += 1;
    profile = profileForNewJourney(profile);
  }
  const index = stageIndex(transition.stage, runtime.stages);
  if (transition.entered && previousStage !== null && !transition.newJourney) {
    await resolveOnAdvance(db, customer.id, journey, index, now, (s) => stageIndex(s, runtime.stages));
  }
  profile = updateProfile(profile, signals, { id: transition.stage, index, count: runtime.stages.length }, msg.phone);
  const newConversation = customer.last_inbound_at === null || now - customer.last_inbound_at > CONVERSATION_GAP_MS;
  await updateCustomer(db, customer.id, {
    stage: transition.stage,
    journey,
    stage_entered_at: transition.entered ? now : customer.stage_entered_at,
    profile_enc: cipher.encryptJson(profile, CUSTOMER_AAD.profile),
    last_inbound_at: now,
    last_interaction_at: now,
    conversation_count: customer.conversation_count + (newConversation ? 1 : 0),
    updated_at: now,
    ...(msg.name && customer.name_enc === null ? { name_enc: cipher.encrypt(msg.name, CUSTOMER_AAD.name) } : {}),
  });
  customer = { ...customer, stage: transition.stage, journey };
  await record(transition.stage, journey, signals.intent);

  if (customer.handoff_until !== null && customer.handoff_until > now) {
    return { ...silent("handoff", customer.id, transition.stage), stageChanged: transition.entered };
  }

  // Strategy and reply.
  const assigned = await assignOnEntry(db, {
    customerId: customer.id,
    journey,
    stage: transition.stage,
    now,
    rng: deps.rng,
    settings: runtime.settings(transition.stage),
    loadedKeys: runtime.loadedKeys,
  });
  if (assigned === null)
    return { ...silent("no_arm", customer.id, transition.stage), stageChanged: transition.entered };
  const a = assigned.assignment;
  const reply = runtime.compose(
    `${a.variant_id}@${a.variant_version}`,
    signals.intent,
    { name: msg.name ?? null, stage: transition.stage, profile, productIds: signals.productIds },
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
  });
  return {
    customerId: customer.id,
    outboxIds: [id],
    silentBecause: null,
    stage: transition.stage,
    stageChanged: transition.entered,
    fallback: reply.fallback,
  };
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
  },
): Promise<number> {
  const messageId = await insertMessage(deps.db, {
    customerId: customer.id,
    direction: "out",
    author: "bot",
    textEnc: deps.cipher.encrypt(text, MESSAGE_TEXT_AAD),
    gatewayMessageId: null,
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
    status: deps.llmReplies === true && meta.kind === "reply" ? "composing" : "pending",
    inReplyToAt: msg.sentAt,
    inReplyToGatewayId: msg.gatewayMessageId,
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
    gatewayMessageId: msg.gatewayMessageId,
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

/**
 * Finds the customer by phone, then by `@lid` alias; merges the two identities
 * when a payload maps a lid to a phone; creates the customer on first contact.
 */
async function findOrCreateCustomer(deps: InboundHandlerDeps, msg: InboundMessage, now: number): Promise<CustomerRow> {
  const { db, cipher } = deps;
  const identity = msg.phone ?? msg.lid;
  if (identity === null) throw new Error("inbound message without phone or lid");
  const phoneIndex = cipher.blindIndex(identity);
  const lidIndex = msg.lid === null ? null : cipher.blindIndex(msg.lid);
  let row = await findCustomerByPhoneIndex(db, phoneIndex);
  if (row === undefined && lidIndex !== null) {
    row = await findCustomerByLidIndex(db, lidIndex);
    if (row !== undefined && msg.phone !== null) {
      // The gateway now maps this lid to a phone: the phone becomes the identity.
      await updateCustomer(db, row.id, {
        phone_index: phoneIndex,
        phone_enc: cipher.encrypt(msg.phone, CUSTOMER_AAD.phone),
        updated_at: now,
      });
      row = { ...row, phone_index: phoneIndex };
    }
  }
  if (row !== undefined) {
    if (lidIndex !== null && row.lid_index === null) {
      await updateCustomer(db, row.id, { lid_index: lidIndex });
      row = { ...row, lid_index: lidIndex };
    }
    return row;
  }
  const profile: Profile = { ...profileSchema.parse({}), timeZone: timeZoneForPhone(msg.phone) };
  const created: CustomerRow = {
    id: randomUUID(),
    phone_index: phoneIndex,
    phone_enc: cipher.encrypt(identity, CUSTOMER_AAD.phone),
    lid_index: lidIndex,
    name_enc: msg.name ? cipher.encrypt(msg.name, CUSTOMER_AAD.name) : null,
    stage: deps.playbooks.stageIds[0] ?? "first_contact",
    journey: 1,
    stage_entered_at: now,
    profile_enc: cipher.encryptJson(profile, CUSTOMER_AAD.profile),
    opted_out: 0,
    handoff_until: null,
    first_contact_at: now,
    last_inbound_at: null,
    last_interaction_at: now,
    conversation_count: 0,
    referral_json: null,
    created_at: now,
    updated_at: now,
  };
  await insertCustomer(db, created);
  return created;
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
