/**
 * What Closer does with each message kind, as data: whether the message may
 * move the customer's stage, which template answers it (an intent's, or a kind
 * template such as `media`), whether it is an order or an opt-out button. Pure;
 * the handler carries the plan out.
 * @module
 */
import type { MessageContent } from "../gateway/index.js";

/** How one customer message is answered. */
export interface ReplyPlan {
  /**
   * `intent`: classify the text and move on the funnel's signals, answer with the intent's template;
   * `kind`: the stage stays, answer with the kind template `template`;
   * `order`: move to the closing stage, answer with the `order` template.
   */
  mode: "intent" | "kind" | "order";
  /** The kind template (`media`, `voice`, `location`, `contact`, `order`); null in `intent` mode. */
  template: "media" | "voice" | "location" | "contact" | "order" | null;
  /** The text the funnel and the consent check read (empty for messages without words). */
  text: string;
  /** True when a button the customer chose asks to stop promotions (an opt-out). */
  optOutButton: boolean;
}

/** Button ids or titles that mean "stop promotions" (Cloud marketing templates, custom quick replies). */
const STOP_BUTTON = /(?:^|[^a-z])(stop|unsubscribe|opt[\s_-]?out)(?:$|[^a-z])/i;

/** The plan for a customer's message of this kind (reactions, edits, revokes and system never get here). */
export function replyPlanFor(content: MessageContent, text: string): ReplyPlan {
  const plan = (mode: ReplyPlan["mode"], template: ReplyPlan["template"] = null): ReplyPlan => ({
    mode,
    template,
    text: mode === "intent" ? text : "",
    optOutButton: false,
  });
  switch (content.kind) {
    case "image":
    case "video":
    case "document":
    case "sticker":
      // With a caption the caption is the message; without one (view-once too) a short acknowledgement.
      return text.trim() !== "" ? plan("intent") : plan("kind", "media");
    case "audio":
    case "voice":
      return plan("kind", "voice");
    case "location":
      return plan("kind", "location");
    case "contact":
      return plan("kind", "contact");
    case "order":
      return plan("order", "order");
    case "interactive_reply": {
      const stop = STOP_BUTTON.test(content.replyId ?? "") || STOP_BUTTON.test(text);
      return { ...plan("intent"), optOutButton: stop };
    }
    default:
      return plan("intent");
  }
}
