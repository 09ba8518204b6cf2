/**
 * The engine's view of the loaded playbooks: stage rules, per-stage experiment
 * settings, message classification and reply composition. The only engine file
 * that knows the shape of the strategies folder's values; built once per load,
 * so no message re-reads or re-compiles a playbook.
 * @module
 */
import type { StageSettings } from "../experiments/index.js";
import type { FollowUp, OrderInput } from "../strategies/index.js";
import type { Profile } from "./customer-profile.js";
import type { ReplyBrief } from "./llm/reply-prompt.js";
import type { MessageSignals } from "./profile-rules.js";
import type { StageRule } from "./stage-machine.js";

/** What a composed reply is and how it came about. */
export interface ComposedReply {
  text: string;
  /** The template key used (`price_question`, …, `default`). */
  template: string;
  /**
   * `none`: the intent's template passed the guardrails; `default_template`: it
   * did not and the variant's default replaced it; `safe_line`: neither passed.
   */
  fallback: "none" | "default_template" | "safe_line";
  /** Why a fallback happened (guardrail or claim violations), empty otherwise. */
  violations: string[];
  /** The order the reply confirms, priced from the catalog (only for the `order` template). */
  order?: { itemCount: number; total: string | null } | null;
}

/** A follow-up rendered for one customer. */
export interface ComposedFollowUp {
  text: string;
  /** The language of the text chosen (`en`, `es`, or `*` for a plain template). */
  language: string;
  /** The Cloud template's body parameters rendered, when the follow-up names a Cloud template. */
  cloudParameters: string[] | null;
  /** Why it may not be sent (unbacked claims, guardrails); empty when it may. */
  violations: string[];
}

/** Who the reply is for. */
export interface ReplyAudience {
  name: string | null;
  stage: string;
  profile: Profile;
  /** Product ids the current message names (they win over the profile's last product). */
  productIds: string[];
  /** What the customer just sent, for kind templates (`media`, `contact`, …); omitted = text. */
  message?: { kind: string; contactName: string | null; place: string | null };
  /** The catalog order the customer just sent, for the `order` template. */
  order?: OrderInput | null;
  /** The customer's language (`es`, …); the variant's block for it, else the shop's language. */
  language?: string;
  /** The previous bot message to this customer: never sent again word for word. */
  avoid?: string | null;
  /** Details the customer gave (they are not asked for again). */
  hasAddress?: boolean;
  hasEmail?: boolean;
}

/** The loaded playbooks as the engine uses them. */
export interface PlaybookRuntime {
  /** Active stages in funnel order. */
  readonly stages: readonly StageRule[];
  /** Active stage ids in funnel order. */
  readonly stageIds: readonly string[];
  /** Keys (`variant@version`) of every loaded variant. */
  readonly loadedKeys: ReadonlySet<string>;
  /** The experiment settings of an active stage. */
  settings(stage: string): StageSettings;
  /** Intent, products, concerns and tone of one message. */
  classify(text: string): MessageSignals;
  /** Where an intent moves the stage: a stage id (forward only), false (never), null (the stages' signals decide). */
  intentMovesStage(intent: string): string | false | null;
  /** The shop's language (the variants' top-level templates). */
  readonly defaultLanguage: string;
  /** Every language some variant or shared answer is written in, the shop's first. */
  readonly languages: readonly string[];
  /**
   * A reply to a customer who bought (stage `won`): the funnel's `post_purchase` reply for the
   * intent (or its `default`), checked against the catalog; null when the funnel has none.
   */
  composePostPurchase(intent: string, audience: ReplyAudience, now: number): ComposedReply | null;
  /** The catalog product a WhatsApp catalog id or link id names (matched on catalog ids), or null. */
  findProductId(reference: string): string | null;
  /**
   * Renders the variant's reply for the intent (or kind template: `media`, `voice`, `location`,
   * `contact`, `order`, `product`) and checks it against catalog and guardrails. A kind template that is
   * missing or fails its checks gives way to a neutral line for that kind, never to the intent
   * templates (a photo is not answered with the welcome).
   */
  compose(variantKey: string, intent: string, audience: ReplyAudience, now: number): ComposedReply;
  /**
   * The loaded variant version whose text answers a customer assigned to `variantKey` in `stage`: the
   * arm itself when loaded; else the newest loaded version of the same variant (the arm's file moved
   * on to a new version since the customer was assigned); else the stage's champion, or its first
   * loaded variant (the file is gone). Null when the stage has no loaded variant.
   */
  speakingKey(variantKey: string, stage: string): string | null;
  /** The follow-ups of a loaded variant version (empty when it has none or is not loaded). */
  followUps(variantKey: string): readonly FollowUp[];
  /**
   * Renders follow-up `step` of the variant in the customer's profile language (else the first
   * language listed, the shop's default) and checks it like a reply. No fallback text: a
   * follow-up that fails its checks is not sent.
   */
  composeFollowUp(variantKey: string, step: number, audience: ReplyAudience, now: number): ComposedFollowUp;
  /** What an LLM is told about the variant's strategy, the stage and the catalog facts at `now`. */
  replyBrief(variantKey: string, stage: string, now: number): ReplyBrief;
  /** Why a reply may not be sent (unbacked claims, guardrails); empty when it may. */
  checkReply(variantKey: string, text: string, productId: string | null, now: number): string[];
}

/**
 * Neutral acknowledgements per kind template, for a variant without that template (or one whose
 * template failed its checks). `location` and `contact` first try the variant's `media` template.
 */
export const KIND_SAFE_LINES: Readonly<Record<string, string>> = Object.freeze({
  media: "Thanks for sending that! What would you like to know about it?",
  voice: "Thanks for your voice message! I can't listen to voice notes, sorry. Could you type your question?",
  location: "Thanks for sharing your location! What would you like to know?",
  contact: "Thanks for sharing that contact! How can I help?",
  product: "Thanks for asking! What would you like to know about it?",
  order: "Thank you for your order! The shop will confirm the items, the total and the payment with you shortly.",
});

/** {@link KIND_SAFE_LINES} in other languages. */
export const KIND_SAFE_LINES_BY_LANGUAGE: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.freeze({
  en: KIND_SAFE_LINES,
  es: Object.freeze({
    media: "¡Gracias por enviarlo! ¿Qué te gustaría saber?",
    voice: "¡Gracias por tu nota de voz! No puedo escuchar notas de voz, lo siento. ¿Podrías escribir tu pregunta?",
    location: "¡Gracias por compartir tu ubicación! ¿Qué te gustaría saber?",
    contact: "¡Gracias por compartir ese contacto! ¿En qué te puedo ayudar?",
    product: "¡Gracias por preguntar! ¿Qué te gustaría saber?",
    order: "¡Gracias por tu pedido! La tienda te confirmará en breve los artículos, el total y el pago.",
  }),
});

/** A reply that states nothing a catalog must back; used when every template fails its checks. */
export const SAFE_LINE = "Thanks for your message! Let me check the details for you and get right back to you.";

/** {@link SAFE_LINE} per language. */
export const SAFE_LINES: Readonly<Record<string, string>> = Object.freeze({
  en: SAFE_LINE,
  es: "¡Gracias por tu mensaje! Reviso los detalles y te respondo enseguida.",
});

/** A short acknowledgement that moves on, when every alternative would repeat the previous message. */
export const MOVE_ON_LINES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  en: ["Got it! Is there anything else you'd like to know?", "Noted! What else can I help you with?"],
  es: ["¡Entendido! ¿Hay algo más que te gustaría saber?", "¡Anotado! ¿En qué más te puedo ayudar?"],
});
