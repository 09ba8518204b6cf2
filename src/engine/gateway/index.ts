/**
 * The WhatsApp gateway: the port the engine sends through, its adapters (GOWA,
 * WAHA, Cloud API, playground) and registry, the errors they throw, and the pure
 * webhook functions the routes call (verify the signature, then normalise).
 * @module
 */

// adapters and the registry
export { CloudGateway, type CloudGatewayConfig } from "./cloud-gateway.js";
// webhooks
export {
  type CloudChallengeResult,
  type CloudWebhookOptions,
  normalizeCloudWebhook,
  verifyCloudChallenge,
} from "./cloud-webhook.js";
// errors
export {
  GatewayError,
  type GatewayErrorCode,
  type GatewayErrorInit,
  isGatewayError,
  redactPhoneNumbers,
} from "./gateway-error.js";
export {
  type CreateGatewayOptions,
  createGateway,
  type GatewayBuild,
  type GatewayDeps,
  type GatewayFactory,
  type GatewaySettings,
  GOWA_DEFAULT_WEBHOOK_SECRET,
  gatewayAdapters,
  gatewayWarnings,
  requiredSettings,
} from "./gateway-registry.js";
export { GowaGateway, type GowaGatewayConfig } from "./gowa-gateway.js";
export { type GowaWebhookOptions, normalizeGowaWebhook } from "./gowa-webhook.js";
export { type FetchLike, GATEWAY_REQUEST_TIMEOUT_MS, type HttpDeps } from "./http-json.js";
export {
  type AdReferral,
  isMediaKind,
  MEDIA_KINDS,
  MESSAGE_KINDS,
  type MediaInfo,
  type MediaKind,
  type MessageContent,
  type MessageKind,
  messageContentSchema,
  type OrderItem,
  TEXT_CONTENT,
} from "./message-content.js";
export {
  PlaygroundGateway,
  type PlaygroundGatewayOptions,
  type PlaygroundSend,
  type PlaygroundSendListener,
} from "./playground-gateway.js";
export { WahaGateway, type WahaGatewayConfig } from "./waha-gateway.js";
export { normalizeWahaWebhook, type WahaWebhookOptions } from "./waha-webhook.js";
export { ignoredCategory, type NormalizeOptions, type WebhookNormalization } from "./webhook-normalization.js";
export {
  type HeaderValue,
  HUB_SIGNATURE_HEADER,
  verifyCloudSignature,
  verifyGowaSignature,
  verifyWahaSignature,
  WAHA_HMAC_ALGORITHM_HEADER,
  WAHA_HMAC_HEADER,
} from "./webhook-signature.js";
// the port
export type {
  DeliveryReceipt,
  DeliveryStatus,
  GatewayHealth,
  GatewayName,
  InboundEvent,
  InboundMessage,
  MessageOrigin,
  OutboundText,
  SendResult,
  SentHistoryEntry,
  WhatsAppGateway,
} from "./whatsapp-gateway.js";
export { type JidKind, type ParsedJid, parseJid } from "./whatsapp-id.js";
