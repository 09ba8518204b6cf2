/**
 * Reactions, edits and revokes: changes to a message already in the customer's
 * transcript. A reaction is recorded on the message reacted to (a 👍 to a
 * closing reply is a signal for reports), an edit replaces the text, a revoke
 * erases it. None gets a reply, and none is a human takeover, whoever made it.
 * @module
 */
import type { Kysely } from "kysely";
import {
  type Database,
  eraseMessage,
  type FieldCipher,
  findCustomerMessageByGatewayId,
  gatewayIdIndex,
  MESSAGE_REACTION_AAD,
  MESSAGE_TEXT_AAD,
  replaceMessageText,
  setMessageReaction,
} from "../../store/index.js";
import type { MessageContent } from "../gateway/index.js";

/** A content that changes an earlier message instead of saying something new. */
export type TranscriptUpdate = Extract<MessageContent, { kind: "reaction" | "edit" | "revoke" }>;

/** What applying an update did: `applied`, or `missing` when the message it names is not in the transcript. */
export type TranscriptUpdateResult = "applied" | "missing";

/** True for reactions, edits and revokes. */
export function isTranscriptUpdate(content: MessageContent): content is TranscriptUpdate {
  return content.kind === "reaction" || content.kind === "edit" || content.kind === "revoke";
}

/** What applying an update needs. */
export interface TranscriptUpdateDeps {
  db: Kysely<Database>;
  cipher: FieldCipher;
}

/**
 * Applies a reaction, edit or revoke to the customer's message it names.
 * `text` is the edited text for an edit. A reaction by the shop is not recorded
 * (the signal is the customer's).
 */
export async function applyTranscriptUpdate(
  deps: TranscriptUpdateDeps,
  customerId: string,
  update: TranscriptUpdate,
  text: string,
  fromMe: boolean,
  now: number,
): Promise<TranscriptUpdateResult> {
  const { db, cipher } = deps;
  const target = await findCustomerMessageByGatewayId(db, customerId, gatewayIdIndex(cipher, update.targetId));
  if (target === undefined) return "missing";
  switch (update.kind) {
    case "reaction":
      if (fromMe) return "applied";
      await setMessageReaction(
        db,
        target.id,
        update.emoji === null ? null : cipher.encrypt(update.emoji, MESSAGE_REACTION_AAD(customerId)),
        now,
      );
      return "applied";
    case "edit":
      await replaceMessageText(db, target.id, cipher.encrypt(text, MESSAGE_TEXT_AAD(customerId)), now);
      return "applied";
    case "revoke":
      await eraseMessage(db, target.id, cipher.encrypt("", MESSAGE_TEXT_AAD(customerId)), now);
      return "applied";
  }
}
