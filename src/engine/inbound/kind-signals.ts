/**
 * The funnel's reading of a message by kind: the signals it shows (its words,
 * plus the catalog product an inquiry or order names), the stage it leads to
 * (an order moves the customer on to closing), and what kind templates see.
 * @module
 */
import type { MessageContent } from "../gateway/index.js";
import type { PlaybookRuntime } from "../playbook-runtime.js";
import type { MessageSignals } from "../profile-rules.js";
import { nextStage, type StageTransition, stageIndex } from "../stage-machine.js";
import type { ReplyPlan } from "./reply-plan.js";

/** The funnel's signals for the message: its words, plus the product a catalog inquiry or order names. */
export function signalsFor(runtime: PlaybookRuntime, content: MessageContent, plan: ReplyPlan): MessageSignals {
  const signals = runtime.classify(plan.text);
  const named =
    content.kind === "product_inquiry"
      ? [content.productId]
      : content.kind === "order"
        ? content.items.map((item) => item.productId)
        : [];
  const productIds = named.map((ref) => runtime.findProductId(ref)).filter((id): id is string => id !== null);
  if (plan.mode !== "intent") return { ...signals, intent: "default", productIds };
  return {
    ...signals,
    productIds: [...signals.productIds, ...productIds.filter((id) => !signals.productIds.includes(id))],
  };
}

/**
 * The stage after the message: the funnel's signals, unless the message's intent says otherwise
 * (`moves_stage: false` keeps the stage, a stage id moves forward to it); an order moves the
 * customer on to closing (never to won).
 */
export function stageAfter(
  runtime: PlaybookRuntime,
  previous: string | null,
  plan: ReplyPlan,
  intent = "default",
): StageTransition {
  const transition =
    intentTransition(runtime, previous, plan, intent) ?? nextStage(previous, plan.text, runtime.stages);
  if (plan.mode !== "order") return transition;
  const closing = runtime.stageIds.includes(ORDER_STAGE) ? ORDER_STAGE : (runtime.stageIds.at(-1) ?? transition.stage);
  const from = stageIndex(transition.stage, runtime.stages);
  const to = stageIndex(closing, runtime.stages);
  if (from >= to) return transition;
  return { ...transition, stage: closing, entered: true, skipped: runtime.stageIds.slice(from + 1, to) };
}

function intentTransition(
  runtime: PlaybookRuntime,
  previous: string | null,
  plan: ReplyPlan,
  intent: string,
): StageTransition | null {
  if (plan.mode !== "intent") return null;
  const moves = runtime.intentMovesStage(intent);
  if (moves === null) return null;
  const restart = nextStage(previous, "", runtime.stages);
  const fromIndex = Math.max(0, stageIndex(restart.stage, runtime.stages));
  const toIndex = moves === false ? -1 : stageIndex(moves, runtime.stages);
  if (toIndex <= fromIndex) return restart;
  return {
    stage: runtime.stageIds[toIndex] ?? restart.stage,
    newJourney: restart.newJourney,
    entered: true,
    skipped: runtime.stageIds.slice(restart.newJourney || previous === null ? 0 : fromIndex + 1, toIndex),
  };
}

/** The stage a catalog order moves a customer to: the shop still confirms payment, so not `won`. */
export const ORDER_STAGE = "closing";

/** What templates see of the message just sent (`message.kind`, `message.contactName`, `message.place`). */
export function messageView(content: MessageContent): {
  kind: string;
  contactName: string | null;
  place: string | null;
} {
  return {
    kind: content.kind,
    contactName: content.kind === "contact" ? content.names.join(", ") || null : null,
    place: content.kind === "location" ? (content.name ?? content.address) : null,
  };
}

/** Intents a catalog product inquiry answers with the `product` template (nothing more specific asked). */
const GENERAL_INTENTS = new Set(["default", "greeting"]);

/**
 * The template that answers: the plan's kind template; for a product inquiry about a catalog
 * product without a more specific question, `product`; else the intent's.
 */
export function templateFor(plan: ReplyPlan, content: MessageContent, signals: MessageSignals): string {
  if (plan.template !== null) return plan.template;
  const aboutProduct = content.kind === "product_inquiry" && signals.productIds.length > 0;
  return aboutProduct && GENERAL_INTENTS.has(signals.intent) ? "product" : signals.intent;
}
