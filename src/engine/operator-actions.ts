/**
 * What an operator does to one chat, the same from the dashboard, the admin
 * API and the CLI: take it over (the bot goes silent), write as the shop (the
 * message goes through the outbox and the gateway like any reply), give it
 * back to the bot, forget the customer. Each writes an audit entry.
 * @module
 */
import type { Kysely } from "kysely";
import { CloserError } from "../errors.js";
import {
  appendAudit,
  type Database,
  deleteCustomerCascade,
  endHandoffs,
  eraseFreedSpace,
  extendOpenHandoff,
  type FieldCipher,
  findCustomerById,
  insertHandoff,
  insertMessage,
  insertOutboxEntry,
  MESSAGE_TEXT_AAD,
  updateCustomer,
} from "../store/index.js";

/** The longest message a person may send from the dashboard (WhatsApp's text limit). */
export const SHOP_MESSAGE_MAX_CHARS = 4096;

/** Who does it and when. */
export interface OperatorAct {
  /** Audit actor: `dashboard`, `api`, `cli`. */
  actor: string;
  now: number;
}

/**
 * Starts (or extends) a handoff of `handoffMs` from `now`: the bot stays
 * silent in this chat until it ends or is given back.
 * @throws CloserError `customer_unknown`.
 */
export async function takeOverChat(
  db: Kysely<Database>,
  customerId: string,
  handoffMs: number,
  { actor, now }: OperatorAct,
): Promise<{ handoffUntil: number }> {
  const customer = await findCustomerById(db, customerId);
  if (customer === undefined) throw new CloserError("customer_unknown", "No such customer.");
  const until = now + handoffMs;
  const current = customer.handoff_until;
  if (current !== null && current > now) {
    // Already with a person: writing again keeps the chat for the full handoff time.
    if (current < until) {
      await extendOpenHandoff(db, customerId, until, now);
      await updateCustomer(db, customerId, { handoff_until: until, updated_at: now });
    }
    return { handoffUntil: Math.max(until, current) };
  }
  await insertHandoff(db, { customerId, startedAt: now, endsAt: until, reason: `${actor}_takeover` });
  await updateCustomer(db, customerId, { handoff_until: until, updated_at: now });
  await appendAudit(db, { at: now, actor, action: "handoff_start", subject: customerId });
  return { handoffUntil: until };
}

/**
 * Queues a message written by a person as the shop. It takes the chat over
 * first (a person writing means the bot must be silent), then goes through the
 * outbox like every reply, so the sender's opt-out check, pacing and retries
 * apply. Returns the outbox id.
 * @throws CloserError `bad_request` for empty or too long text, `customer_unknown`.
 */
export async function queueShopMessage(
  db: Kysely<Database>,
  cipher: FieldCipher,
  customerId: string,
  text: string,
  handoffMs: number,
  act: OperatorAct,
): Promise<number> {
  const body = text.trim();
  if (body.length === 0) throw new CloserError("bad_request", "text: write a message first");
  if (body.length > SHOP_MESSAGE_MAX_CHARS) {
    throw new CloserError("bad_request", `text: at most ${SHOP_MESSAGE_MAX_CHARS} characters`);
  }
  await takeOverChat(db, customerId, handoffMs, act);
  const customer = await findCustomerById(db, customerId);
  if (customer === undefined) throw new CloserError("customer_unknown", "No such customer.");
  const messageId = await insertMessage(db, {
    customerId,
    direction: "out",
    author: "human",
    textEnc: cipher.encrypt(body, MESSAGE_TEXT_AAD(customerId)),
    gatewayMessageIndex: null,
    journey: customer.journey,
    stage: customer.stage,
    assignmentId: null,
    variantId: null,
    variantVersion: null,
    intent: null,
    status: "queued",
    createdAt: act.now,
  });
  await updateCustomer(db, customerId, { last_interaction_at: act.now, updated_at: act.now });
  return insertOutboxEntry(db, {
    messageId,
    customerId,
    kind: "human",
    inReplyToAt: null,
    inReplyToGatewayIdEnc: null,
    createdAt: act.now,
  });
}

/** Ends the chat's handoff: the bot answers this customer again. */
export async function giveBackToBot(
  db: Kysely<Database>,
  customerId: string,
  { actor, now }: OperatorAct,
): Promise<void> {
  await endHandoffs(db, customerId, now);
  await updateCustomer(db, customerId, { handoff_until: null, updated_at: now });
  await appendAudit(db, { at: now, actor, action: "handoff_end", subject: customerId });
}

/**
 * Erases the customer: every row that names them (see `deleteCustomerCascade`); the experiment
 * history stays as anonymous counts. The audit entry does not name them either. Run it in a
 * transaction, then `eraseFreedSpace` so the raw database files hold nothing of theirs.
 */
export async function forgetCustomer(
  db: Kysely<Database>,
  customerId: string,
  { actor, now }: OperatorAct,
): Promise<void> {
  const tombstones = await deleteCustomerCascade(db, customerId, now);
  await appendAudit(db, { at: now, actor, action: "customer_forget", detail: { messageIdsTombstoned: tombstones } });
}

/**
 * Forgets the customer in one transaction, then empties the WAL so the raw database files hold
 * nothing of theirs (`forget` in the CLI, the admin API and the dashboard).
 * @returns false when another process's reader kept part of the WAL until the next checkpoint.
 */
export async function eraseCustomer(db: Kysely<Database>, customerId: string, act: OperatorAct): Promise<boolean> {
  await db.transaction().execute((trx) => forgetCustomer(trx, customerId, act));
  return (await eraseFreedSpace(db)).complete;
}
