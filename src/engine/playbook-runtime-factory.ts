/**
 * Builds the engine's {@link PlaybookRuntime} from a loaded playbook set: stage
 * rules from the funnel's compiled signals, settings per stage, the classifier,
 * and reply composition with the catalog and guardrail checks.
 * @module
 */
import type { StageSettings } from "../experiments/index.js";
import {
  ANY_LANGUAGE,
  buildRenderContext,
  catalogFacts,
  checkClaims,
  checkGuardrails,
  findProductsMentioned,
  followUpParameterKey,
  followUpTextKey,
  KIND_TEMPLATES,
  type LoadedVariant,
  normalizeReply,
  type PlaybookSet,
  renderReply,
  summarizeOrder,
  variantKey,
} from "../strategies/index.js";
import {
  type ComposedFollowUp,
  type ComposedReply,
  KIND_SAFE_LINES,
  type PlaybookRuntime,
  type ReplyAudience,
  SAFE_LINE,
} from "./playbook-runtime.js";
import { POSITIVE_PATTERN } from "./profile-rules.js";

function problemsOf(
  set: PlaybookSet,
  variant: LoadedVariant,
  text: string,
  productId: string | null,
  now: number,
  amounts: readonly number[] = [],
) {
  return [
    ...checkClaims(text, set.catalog, now, { product: productId, amounts }).map((v) => v.message),
    ...checkGuardrails(text, variant).map((v) => v.message),
  ];
}

/** Intents tried in this order when several match: the most specific need first. */
export const INTENT_PRIORITY = [
  "order_question",
  "price_question",
  "shipping_question",
  "quality_concern",
  "objection",
  "greeting",
] as const;

/** Builds the runtime once per playbook load. */
export function createPlaybookRuntime(set: PlaybookSet): PlaybookRuntime {
  const { funnel, catalog } = set;
  const stages = funnel.stages.map((s) => ({ id: s.id, signals: s.matcher }));
  const settings = new Map<string, StageSettings>(
    funnel.stages.map((s) => [
      s.id,
      {
        stage: s.id,
        windowHours: s.windowHours,
        prior: s.prior,
        floor: s.experiment.floor,
        burnIn: s.experiment.burnIn,
        draws: s.experiment.draws,
        candidateCap: s.experiment.candidateCap,
        maxArms: s.experiment.maxArms,
        discountPerWeek: s.experiment.discountPerWeek,
        learning: s.experiment.learning,
        minDecisions: s.experiment.minDecisions,
        minSuccesses: s.experiment.minSuccesses,
        minDays: s.experiment.minDays,
      },
    ]),
  );
  const variants = new Map<string, LoadedVariant>(set.variants.map((v) => [variantKey(v), v]));
  const intentOrder = [
    ...INTENT_PRIORITY.filter((i) => i in funnel.intentMatchers),
    ...Object.keys(funnel.intentMatchers).filter((i) => !(INTENT_PRIORITY as readonly string[]).includes(i)),
  ];

  return {
    stages,
    stageIds: stages.map((s) => s.id),
    loadedKeys: new Set(variants.keys()),
    settings(stage) {
      const found = settings.get(stage);
      if (found === undefined) throw new Error(`no active stage '${stage}' in the funnel`);
      return found;
    },
    classify(text) {
      const intent = intentOrder.find((i) => funnel.intentMatchers[i]?.matches(text)) ?? "default";
      const concerns = Object.entries(funnel.concernMatchers)
        .filter(([, m]) => m.matches(text))
        .map(([name]) => name);
      return {
        intent,
        concerns,
        productIds: findProductsMentioned(text, catalog).map((p) => p.id),
        positive: POSITIVE_PATTERN.test(text),
      };
    },
    findProductId(reference) {
      const id = reference.toLowerCase();
      return catalog.products.find((p) => p.id === id)?.id ?? null;
    },
    compose(key, intent, audience, now) {
      return compose(set, variantOf(key), intent, audience, now);
    },
    followUps(key) {
      return variants.get(key)?.followUps ?? [];
    },
    composeFollowUp(key, step, audience, now) {
      return composeFollowUp(set, variantOf(key), step, audience, now);
    },
    replyBrief(key, stage, now) {
      const variant = variantOf(key);
      return {
        shopName: catalog.shop.name,
        stage,
        stageGoal: funnel.stages.find((s) => s.id === stage)?.goal ?? "",
        variantDescription: variant.description,
        tone: variant.strategy.tone,
        goals: variant.strategy.goals,
        avoid: variant.strategy.avoid,
        instructions: variant.llmInstructions,
        forbiddenPhrases: variant.guardrails.forbiddenPhrases,
        maxDiscountPercent: variant.guardrails.maxDiscountPercent,
        catalogFacts: catalogFacts(catalog, now),
      };
    },
    checkReply(key, text, productId, now) {
      return problemsOf(set, variantOf(key), text, productId, now);
    },
  };

  function variantOf(key: string): LoadedVariant {
    const variant = variants.get(key);
    if (variant === undefined) throw new Error(`variant ${key} is not loaded`);
    return variant;
  }
}

function compose(
  set: PlaybookSet,
  variant: LoadedVariant,
  intent: string,
  audience: ReplyAudience,
  now: number,
): ComposedReply {
  const productId = audience.productIds.at(-1) ?? audience.profile.lastProductId;
  const order = audience.order ? summarizeOrder(set.catalog, audience.order) : null;
  const context = buildRenderContext({
    catalog: set.catalog,
    now,
    customer: {
      name: audience.name,
      stage: audience.stage,
      interests: audience.profile.interests,
      concerns: audience.profile.concerns,
    },
    product: productId,
    ...(audience.message ? { message: audience.message } : {}),
    order: order?.view ?? null,
  });
  const problems = (text: string) => problemsOf(set, variant, text, productId, now, order?.amounts);
  if ((KIND_TEMPLATES as readonly string[]).includes(intent)) {
    const reply = composeKind(variant, intent, (template) => renderReply(variant, template, context), problems);
    return order ? { ...reply, order: { itemCount: order.view.itemCount, total: order.view.total } } : reply;
  }
  const template = intent in variant.templates ? intent : "default";
  const first = renderReply(variant, template, context);
  const firstProblems = problems(first);
  if (firstProblems.length === 0) return { text: first, template, fallback: "none", violations: [] };
  if (template !== "default") {
    const fallback = renderReply(variant, "default", context);
    if (problems(fallback).length === 0) {
      return { text: fallback, template: "default", fallback: "default_template", violations: firstProblems };
    }
  }
  return { text: SAFE_LINE, template: "default", fallback: "safe_line", violations: firstProblems };
}

function composeFollowUp(
  set: PlaybookSet,
  variant: LoadedVariant,
  step: number,
  audience: ReplyAudience,
  now: number,
): ComposedFollowUp {
  const followUp = variant.followUps?.[step];
  if (followUp === undefined) throw new Error(`variant ${variantKey(variant)} has no follow-up ${step + 1}`);
  const language = pickLanguage(Object.keys(followUp.templates), audience.profile.language);
  const productId = audience.productIds.at(-1) ?? audience.profile.lastProductId;
  const context = buildRenderContext({
    catalog: set.catalog,
    now,
    customer: {
      name: audience.name,
      stage: audience.stage,
      interests: audience.profile.interests,
      concerns: audience.profile.concerns,
    },
    product: productId,
    order: null,
  });
  const render = (key: string) => {
    const template = variant.compiled[key];
    if (template === undefined) throw new Error(`variant ${variantKey(variant)} has no compiled ${key}`);
    return normalizeReply(template(context));
  };
  const text = render(followUpTextKey(step, language));
  const cloudParameters =
    followUp.cloudTemplate === null
      ? null
      : followUp.cloudTemplate.parameters.map((_, i) => render(followUpParameterKey(step, i)));
  const violations = [text, ...(cloudParameters ?? [])].flatMap((t) => problemsOf(set, variant, t, productId, now));
  return { text, language, cloudParameters, violations };
}

/** The customer's language (or its base, `es` for `es-MX`), else the first listed (the shop's default). */
function pickLanguage(languages: readonly string[], customer: string): string {
  const tag = customer.toLowerCase();
  const base = tag.split("-")[0] ?? tag;
  return languages.find((l) => l === tag) ?? languages.find((l) => l === base) ?? languages[0] ?? ANY_LANGUAGE;
}

/** A kind template, then (for `location` and `contact`) the `media` template, then the kind's neutral line. */
function composeKind(
  variant: LoadedVariant,
  kind: string,
  render: (template: string) => string,
  problems: (text: string) => string[],
): ComposedReply {
  const candidates = kind === "location" || kind === "contact" ? [kind, "media"] : [kind];
  const template = candidates.find((key) => key in variant.templates);
  const safe = KIND_SAFE_LINES[kind] ?? SAFE_LINE;
  if (template === undefined) return { text: safe, template: kind, fallback: "safe_line", violations: [] };
  const text = render(template);
  const violations = problems(text);
  if (violations.length === 0) return { text, template, fallback: "none", violations: [] };
  return { text: safe, template, fallback: "safe_line", violations };
}
