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
  type CompiledTemplate,
  type CompiledTexts,
  catalogFacts,
  checkClaims,
  checkGuardrails,
  findProductsMentioned,
  followUpParameterKey,
  followUpTextKey,
  KIND_TEMPLATES,
  type LoadedVariant,
  normalizeReply,
  type OrderView,
  type PlaybookSet,
  summarizeOrder,
  variantKey,
} from "../strategies/index.js";
import {
  type ComposedFollowUp,
  type ComposedReply,
  KIND_SAFE_LINES,
  KIND_SAFE_LINES_BY_LANGUAGE,
  MOVE_ON_LINES,
  type PlaybookRuntime,
  type ReplyAudience,
  SAFE_LINE,
  SAFE_LINES,
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
  "human_request",
  "complaint",
  "bot_question",
  "cancel_change",
  "order_status",
  "order_question",
  "payment_methods",
  "provided_details",
  "returns_warranty",
  "reviews_trust",
  "shipping_question",
  "price_question",
  "stock_question",
  "quality_concern",
  "objection",
  "product_question",
  "thanks_bye",
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

  const languages = [
    ...new Set([
      catalog.shop.language,
      ...set.variants.flatMap((v) => Object.keys(v.languages ?? {})),
      ...Object.values(set.shared.answers).flatMap((texts) => Object.keys(texts)),
    ]),
  ];
  function movesStageOf(intent: string): string | false | null {
    return funnel.intentRules[intent]?.movesStage ?? null;
  }

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
      return composeWith(set, variantOf(key), intent, audience, now, movesStageOf(intent));
    },
    speakingKey(key, stage) {
      if (variants.has(key)) return key;
      const id = key.slice(0, key.lastIndexOf("@"));
      const inStage = set.variants.filter((v) => v.stage === stage);
      const successor = inStage.filter((v) => v.id === id).sort((a, b) => b.version - a.version)[0];
      const serving = inStage.filter((v) => v.status !== "retired" && v.status !== "proposed");
      const speaking = successor ?? serving.find((v) => v.status === "champion") ?? serving[0];
      return speaking === undefined ? null : variantKey(speaking);
    },
    composePostPurchase(intent, audience, now) {
      return composePostPurchase(set, intent, audience, now);
    },
    intentMovesStage: movesStageOf,
    defaultLanguage: catalog.shop.language,
    languages,
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

interface Candidate {
  template: string;
  render: () => string;
}

/** The first candidate that passes its checks and does not repeat `avoid`; a move-on line when all repeat. */
function pick(
  candidates: readonly Candidate[],
  problems: (text: string) => string[],
  avoid: string | null,
  moveOn: () => string[],
): { text: string; template: string; violations: string[] } | null {
  let violations: string[] = [];
  let repeated: string | null = null;
  for (const candidate of candidates) {
    const text = candidate.render();
    const found = problems(text);
    if (found.length > 0) {
      if (violations.length === 0) violations = found;
      continue;
    }
    if (avoid !== null && same(text, avoid)) {
      repeated ??= candidate.template;
      continue;
    }
    return { text, template: candidate.template, violations: [] };
  }
  if (repeated !== null) {
    const line = moveOn().find((text) => avoid === null || !same(text, avoid));
    if (line !== undefined) return { text: line, template: repeated, violations: [] };
  }
  return violations.length > 0 ? { text: "", template: "", violations } : null;
}

function same(a: string, b: string): boolean {
  return a.trim().replace(/\s+/g, " ") === b.trim().replace(/\s+/g, " ");
}

/** The compiled alternatives of a variant's template in a language (the shop's language when it has none). */
function variantTexts(
  variant: LoadedVariant,
  language: string,
  defaultLanguage: string,
  key: string,
): CompiledTemplate[] {
  const block =
    language !== defaultLanguage && variant.languages?.[language]?.[key] !== undefined ? `${language}.` : "";
  const out: CompiledTemplate[] = [];
  for (let i = 0; ; i++) {
    const found = variant.compiled[`${block}${key}${i === 0 ? "" : `#${i}`}`];
    if (found === undefined) break;
    out.push(found);
  }
  return out;
}

function sharedTexts(texts: CompiledTexts | undefined, language: string, defaultLanguage: string): CompiledTemplate[] {
  if (texts === undefined) return [];
  return texts[language] ?? texts[defaultLanguage] ?? Object.values(texts)[0] ?? [];
}

function composeWith(
  set: PlaybookSet,
  variant: LoadedVariant,
  intent: string,
  audience: ReplyAudience,
  now: number,
  movesStage: string | false | null,
): ComposedReply {
  const defaultLanguage = set.catalog.shop.language;
  const language = audience.language ?? defaultLanguage;
  const avoid = audience.avoid ?? null;
  const productId = audience.productIds.at(-1) ?? audience.profile.lastProductId;
  const order = audience.order ? summarizeOrder(set.catalog, audience.order) : null;
  const context = contextFor(set, audience, productId, now, order?.view ?? null);
  const problems = (text: string) => problemsOf(set, variant, text, productId, now, order?.amounts);
  const moveOn = () => [
    ...sharedTexts(set.shared.answers["acknowledge"], language, defaultLanguage).map((t) => normalizeReply(t(context))),
    ...(MOVE_ON_LINES[language] ?? MOVE_ON_LINES["en"] ?? []),
  ];
  const fromVariant = (key: string): Candidate[] =>
    variantTexts(variant, language, defaultLanguage, key).map((t) => ({
      template: key,
      render: () => normalizeReply(t(context)),
    }));
  if ((KIND_TEMPLATES as readonly string[]).includes(intent)) {
    const keys = intent === "location" || intent === "contact" ? [intent, "media"] : [intent];
    const key = keys.find((k) => k in variant.templates);
    const safe =
      KIND_SAFE_LINES_BY_LANGUAGE[language]?.[intent] ?? KIND_SAFE_LINES[intent] ?? SAFE_LINES[language] ?? SAFE_LINE;
    const chosen = key === undefined ? null : pick(fromVariant(key), problems, avoid, moveOn);
    const reply: ComposedReply =
      chosen !== null && chosen.text !== ""
        ? { text: chosen.text, template: chosen.template, fallback: "none", violations: [] }
        : { text: safe, template: key ?? intent, fallback: "safe_line", violations: chosen?.violations ?? [] };
    return order ? { ...reply, order: { itemCount: order.view.itemCount, total: order.view.total } } : reply;
  }
  let candidates: Candidate[];
  if (intent in variant.templates) candidates = fromVariant(intent);
  else if (set.shared.answers[intent] !== undefined) {
    const followUps =
      movesStage === false ? [] : sharedTexts(set.shared.followUp[audience.stage], language, defaultLanguage);
    const answers = sharedTexts(set.shared.answers[intent], language, defaultLanguage);
    candidates = answers.flatMap((answer, i) => {
      const follow = followUps.length === 0 ? null : followUps[i % followUps.length];
      return [
        {
          template: intent,
          render: () => normalizeReply(follow ? `${answer(context).trimEnd()}\n\n${follow(context)}` : answer(context)),
        },
      ];
    });
  } else candidates = [];
  const first = candidates.length > 0 ? pick(candidates, problems, avoid, moveOn) : null;
  if (first !== null && first.text !== "") return { ...first, fallback: "none" };
  const fallback = pick(fromVariant("default"), problems, avoid, moveOn);
  if (fallback !== null && fallback.text !== "") {
    return {
      text: fallback.text,
      template: "default",
      fallback: candidates.length > 0 ? "default_template" : "none",
      violations: first?.violations ?? [],
    };
  }
  return {
    text: SAFE_LINES[language] ?? SAFE_LINE,
    template: "default",
    fallback: "safe_line",
    violations: first?.violations ?? fallback?.violations ?? [],
  };
}

function contextFor(
  set: PlaybookSet,
  audience: ReplyAudience,
  productId: string | null,
  now: number,
  order: OrderView | null,
) {
  return buildRenderContext({
    catalog: set.catalog,
    now,
    customer: {
      name: audience.name,
      stage: audience.stage,
      interests: audience.profile.interests,
      concerns: audience.profile.concerns,
      hasAddress: audience.hasAddress ?? false,
      hasEmail: audience.hasEmail ?? false,
    },
    product: productId,
    ...(audience.message ? { message: audience.message } : {}),
    order,
  });
}

function composePostPurchase(
  set: PlaybookSet,
  intent: string,
  audience: ReplyAudience,
  now: number,
): ComposedReply | null {
  const defaultLanguage = set.catalog.shop.language;
  const language = audience.language ?? defaultLanguage;
  // The funnel's post-purchase reply; else, for an intent that never moves the stage (a complaint,
  // a request for a person), its shared answer; else the post-purchase default.
  const own = set.shared.postPurchase[intent];
  const answer = set.funnel.intentRules[intent]?.movesStage === false ? set.shared.answers[intent] : undefined;
  const key = own !== undefined ? intent : answer !== undefined ? intent : "default";
  const texts = sharedTexts(own ?? answer ?? set.shared.postPurchase["default"], language, defaultLanguage);
  if (texts.length === 0) return null;
  const productId = audience.productIds.at(-1) ?? audience.profile.lastProductId;
  const context = contextFor(set, audience, productId, now, null);
  const problems = (text: string) =>
    checkClaims(text, set.catalog, now, { product: productId, amounts: [] }).map((v) => v.message);
  const chosen = pick(
    texts.map((t) => ({ template: `post_purchase.${key}`, render: () => normalizeReply(t(context)) })),
    problems,
    audience.avoid ?? null,
    () => [...(MOVE_ON_LINES[language] ?? MOVE_ON_LINES["en"] ?? [])],
  );
  if (chosen === null || chosen.text === "") {
    return {
      text: SAFE_LINES[language] ?? SAFE_LINE,
      template: `post_purchase.${key}`,
      fallback: "safe_line",
      violations: chosen?.violations ?? [],
    };
  }
  return { text: chosen.text, template: chosen.template, fallback: "none", violations: [] };
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
