/**
 * Retention: what the daily job erases once it is old enough. Rows stay (the
 * statistics and the dedupe hashes need them); their personal content goes.
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";
import type { FieldCipher } from "./field-cipher.js";
import { MESSAGE_TEXT_AAD } from "./message.repository.js";

/** The cut-off times of one retention run (epoch ms; older is erased). */
export interface RetentionCutoffs {
  /** Message text (and reactions, described content) created before this. */
  messagesBefore: number;
  /** Media references (mime, size, the gateway's media id) of messages created before this. */
  mediaBefore: number;
  /** Inbox payloads handled, and outbox reply-to ids settled, before this. */
  handledBefore: number;
  /** Buffered receipts older than this. */
  acksBefore: number;
}

/** How many values a run erased, by kind. */
export interface RetentionCounts {
  messageTexts: number;
  mediaReferences: number;
  inboxPayloads: number;
  outboxReplyIds: number;
  pendingAcks: number;
}

/** Message kinds whose content is a media reference. */
const MEDIA_KINDS = ["image", "video", "audio", "voice", "document", "sticker"];

/** Erases what is older than the cut-offs. Run it in a transaction. */
export async function eraseExpired(
  db: Kysely<Database>,
  cipher: FieldCipher,
  cutoffs: RetentionCutoffs,
  now: number,
): Promise<RetentionCounts> {
  const media = await db
    .updateTable("messages")
    .set({ content_enc: null, media_erased_at: now })
    .where("created_at", "<", cutoffs.mediaBefore)
    .where("kind", "in", MEDIA_KINDS)
    .where("media_erased_at", "is", null)
    .executeTakeFirst();
  // The empty text is bound to the row's customer, so one update per customer.
  const owners = await db
    .selectFrom("messages")
    .select("customer_id")
    .distinct()
    .where("created_at", "<", cutoffs.messagesBefore)
    .where("text_erased_at", "is", null)
    .execute();
  let messageTexts = 0;
  for (const { customer_id: customerId } of owners) {
    const texts = await db
      .updateTable("messages")
      .set({
        text_enc: cipher.encrypt("", MESSAGE_TEXT_AAD(customerId)),
        content_enc: null,
        reaction_enc: null,
        text_erased_at: now,
      })
      .where("customer_id", "=", customerId)
      .where("created_at", "<", cutoffs.messagesBefore)
      .where("text_erased_at", "is", null)
      .executeTakeFirst();
    messageTexts += Number(texts.numUpdatedRows);
  }
  const inbox = await db
    .updateTable("inbox")
    .set({ payload_enc: "" })
    .where("status", "in", ["done", "failed"])
    .where("processed_at", "<", cutoffs.handledBefore)
    .where("payload_enc", "!=", "")
    .executeTakeFirst();
  const outbox = await db
    .updateTable("outbox")
    .set({ in_reply_to_gateway_id_enc: null })
    .where("status", "in", ["sent", "failed", "held"])
    .where("created_at", "<", cutoffs.handledBefore)
    .where("in_reply_to_gateway_id_enc", "is not", null)
    .executeTakeFirst();
  const acks = await db.deleteFrom("pending_acks").where("at", "<", cutoffs.acksBefore).executeTakeFirst();
  return {
    messageTexts,
    mediaReferences: Number(media.numUpdatedRows),
    inboxPayloads: Number(inbox.numUpdatedRows),
    outboxReplyIds: Number(outbox.numUpdatedRows),
    pendingAcks: Number(acks.numDeletedRows),
  };
}
