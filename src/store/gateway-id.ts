/**
 * Gateway message ids as stored. The ids gateways give messages carry the
 * customer's number (WAHA `false_15551234567@c.us_…`, the Cloud API's `wamid.`
 * is base64 of it), so they are never stored as they come: dedupe, receipts and
 * reactions match on a keyed hash (HMAC-SHA256 with the blind-index key derived
 * from the data key), and the one id that must be read back (the inbound
 * message a reply marks read) is encrypted.
 * @module
 */
import { type FieldCipher, type RowBinding, rowBound } from "./field-cipher.js";

/** A gateway message id's keyed hash: what the `gateway_message_index` columns hold. */
export type GatewayIdIndex = string & { readonly __gatewayIdIndex: unique symbol };

/** Associated data of the encrypted id a reply answers (`outbox.in_reply_to_gateway_id_enc`): column and customer. */
export const OUTBOX_REPLY_TO_AAD = (customerId: string): RowBinding =>
  rowBound("outbox.in_reply_to_gateway_id", customerId);

/** Domain label, so a message id's hash never equals the hash of a phone number with the same text. */
const LABEL = "gateway-message-id\u0000";

/** The keyed hash of a gateway message id (deterministic for one data key). */
export function gatewayIdIndex(cipher: FieldCipher, gatewayMessageId: string): GatewayIdIndex {
  return cipher.blindIndex(LABEL + gatewayMessageId) as GatewayIdIndex;
}
