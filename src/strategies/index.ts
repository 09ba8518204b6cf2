/**
 * Playbooks as code: the funnel, catalog and variant schemas, loading a playbook
 * folder with line numbers in every problem, lint, versioning by content hash,
 * Handlebars reply rendering, and the claim and guardrail checks every reply
 * passes.
 * @module
 */

// catalog
export {
  catalogFacts,
  discountedPrice,
  findProduct,
  findProductsMentioned,
  formatMoney,
  isLowStock,
  isOfferRunning,
  LOW_STOCK_THRESHOLD,
  OFFER_ENDING_SOON_HOURS,
  offerEndsAt,
  runningOffers,
} from "./catalog.js";
export type { Catalog, Offer, Product, Shop } from "./catalog-schema.js";
export type { ClaimCheckOptions, ClaimKind, ClaimViolation } from "./claim-check.js";
// what a reply may say
export { checkClaims, MAX_STOCK_CLAIM } from "./claim-check.js";
export { canonicalJson, checkServedVersions, contentHash } from "./content-hash.js";
export type {
  ExperimentSettings,
  Funnel,
  FunnelStage,
  IntentRule,
  LanguageTexts,
  LearningSettings,
} from "./funnel-schema.js";
// funnel and signals
export { allStageIds, END_STAGES, REQUIRED_INTENTS } from "./funnel-schema.js";
export type { GuardrailKind, GuardrailViolation } from "./guardrails.js";
export { checkGuardrails } from "./guardrails.js";
export { nodeFileReader } from "./node-file-reader.js";
export type { OrderInput, OrderLineInput, OrderSummary } from "./order-summary.js";
export { summarizeOrder } from "./order-summary.js";
// loading and lint
export { lintVariantFile, loadPlaybookSet } from "./playbook-loader.js";
export type { PlaybookReader } from "./playbook-reader.js";
export { memoryPlaybookReader } from "./playbook-reader.js";
export type { LoadedVariant, LoadOptions, LoadResult, PlaybookSet } from "./playbook-set.js";
export type { Position, Problem, Severity } from "./problem.js";
export { formatProblem, hasErrors, sortProblems } from "./problem.js";
export type {
  MessageView,
  OfferView,
  OrderView,
  ProductView,
  RenderContext,
  RenderContextInput,
} from "./render-context.js";
// rendering
export { buildRenderContext, renderContextSchema } from "./render-context.js";
export type { CompiledTexts, SharedReplies } from "./shared-replies.js";
export type { SignalMatcher } from "./signals.js";
export { compileSignals } from "./signals.js";
export { templateVariables } from "./template-lint.js";
export type { CompiledTemplate } from "./template-renderer.js";
export { normalizeReply, renderReply, WHATSAPP_MAX_CHARS } from "./template-renderer.js";
export type { Variant, VariantOrigin, VariantStatus, VariantTemplates } from "./variant-schema.js";
// variants and versions
export {
  KIND_TEMPLATES,
  LANGUAGE_KEY,
  REQUIRED_KIND_TEMPLATES,
  TEMPLATE_INTENTS,
  VARIANT_ORIGINS,
  VARIANT_STATUSES,
  variantFileSchema,
  variantKey,
} from "./variant-schema.js";
