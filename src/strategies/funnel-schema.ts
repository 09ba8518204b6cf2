/**
 * The funnel file (`funnel.yaml`): the active stages in order, the intents and
 * concerns the engine recognises by keyword, and the experiment settings.
 *
 * YAML keys are snake_case; the parsed value is camelCase (see {@link Funnel}).
 * @module
 */
import { z } from "zod";
import { compileSignals, type SignalMatcher, signalListSchema } from "./signals.js";

/** The end states every funnel has after its active stages; they are implicit in the file. */
export const END_STAGES = ["won", "lost"] as const;

/** The intents every funnel must define signals for (a funnel may add more). */
export const REQUIRED_INTENTS = [
  "greeting",
  "price_question",
  "shipping_question",
  "quality_concern",
  "objection",
  "order_question",
] as const;

/** A stage, intent or concern name: lowercase snake_case. */
export const snakeIdSchema = z.string().regex(/^[a-z][a-z0-9_]*$/, "must be lowercase snake_case, e.g. first_contact");

/** Every experiment setting as written in YAML, with its default. */
const experimentFields = {
  /**
   * Resolved decisions every active arm needs before a verdict; also those a candidate needs before
   * the weights job may retire it automatically (when its P(best) is below 0.01).
   */
  min_decisions: z.number().int().min(0).default(100),
  /** Successes every active arm needs before a verdict. */
  min_successes: z.number().int().min(0).default(40),
  /** Days the experiment must run before a verdict. */
  min_days: z.number().min(0).default(14),
  /** Traffic share every arm keeps whatever the posterior says: p = f + (1 − K·f)·w. */
  floor: z.number().min(0).max(0.5).default(0.01),
  /** Resolved decisions per arm before weights leave equal shares. */
  burn_in: z.number().int().min(0).default(20),
  /** Posterior draws used to estimate P(best). */
  draws: z.number().int().min(100).default(10_000),
  /** Weekly factor γ in (0, 1] applied to old evidence for drifting markets; null = no discounting. */
  discount_per_week: z.number().gt(0).max(1).nullable().default(null),
  /** Largest traffic share the `candidate` arms of a stage may get together, in (0, 1]. */
  candidate_cap: z.number().gt(0).max(1).default(0.1),
  /**
   * Most arms a stage may have that are not retired (proposed ones included); before one more is
   * added, the weakest past burn-in (lowest P(best), never the champion) is retired.
   */
  max_arms: z.number().int().min(2).default(6),
  /**
   * Count pending assignments as fractional failures F(age)·(1 − p)/(1 − p·F(age)) in
   * the weights, F the stage's delay CDF (verdict and report keep matured counts only).
   * On by default (simulation figures in the README).
   */
  pending_outcomes: z.boolean().default(true),
  /**
   * Watch every arm with a two-sided Bernoulli CUSUM on matured outcomes and down-weight its
   * evidence from before a change. On by default (simulation figures in the README).
   */
  change_detection: z.boolean().default(true),
  /** Budget of false alarms per arm per month for the change detector, in (0, 0.5]. */
  change_false_alarm_rate: z.number().gt(0).max(0.5).default(0.01),
  /**
   * When the change detector reads an assignment, as a fraction of the window, in (0, 1]: it
   * watches "a success by then", so a change shows before the new regime's windows close.
   */
  change_horizon: z.number().gt(0).max(1).default(0.5),
  /** Weight of an arm's outcomes from before a detected change, in [0, 1]. */
  change_pre_weight: z.number().min(0).max(1).default(0.1),
  /** Start a new arm from the stage's empirical-Bayes prior instead of the stage prior. */
  newcomer_prior: z.boolean().default(false),
  /** Most outcomes the newcomer prior is worth (its α + β), > 0. */
  newcomer_prior_strength: z.number().gt(0).default(4),
};

type ExperimentKey = keyof typeof experimentFields;
type RawExperiment = { [K in ExperimentKey]: z.output<(typeof experimentFields)[K]> };

/** The funnel-wide `experiment:` block; every key optional, defaults as above (`prefault` parses `{}`). */
const experimentSchema = z.strictObject(experimentFields).prefault({});

/** A stage's `experiment:` block: partial overrides of the funnel-wide settings, no defaults. */
const experimentOverrideSchema = z.strictObject(
  Object.fromEntries(Object.entries(experimentFields).map(([key, field]) => [key, field.unwrap().optional()])) as {
    [K in ExperimentKey]: z.ZodOptional<ReturnType<(typeof experimentFields)[K]["unwrap"]>>;
  },
);

const priorSchema = z.strictObject({
  alpha: z.number().gt(0),
  beta: z.number().gt(0),
});

/** A language code: `en`, `es`, `pt-BR`. */
export const languageCodeSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, "must be a language code such as en or es");

/** A reply text, or a list of alternatives (never the same text twice in a row). */
const replyTextSchema = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

/** One reply per language: `{en: "…", es: ["…", "…"]}`. */
const languageTextsSchema = z.record(languageCodeSchema, replyTextSchema);

/**
 * An intent: its signals, signals that veto it ("can I cancel my order" is not an order), and
 * whether it moves the stage: a stage id (forward only), `false` (the stage stays whatever the
 * words say), or absent (the stages' signals decide, as for a plain list).
 */
const intentSchema = z.union([
  signalListSchema.min(1),
  z.strictObject({
    signals: signalListSchema.min(1),
    unless: signalListSchema.default([]),
    moves_stage: z.union([snakeIdSchema, z.literal(false)]).optional(),
  }),
]);

const stageSchema = z.strictObject({
  id: snakeIdSchema.refine((id) => !(END_STAGES as readonly string[]).includes(id), {
    message: "won and lost are implicit end states; do not list them",
  }),
  /** The stage's aim in one sentence. */
  goal: z.string().min(1),
  /** Conversion window in hours: reaching a later stage inside it is a success for the stage's arm. */
  window_hours: z.number().gt(0),
  /** Beta prior of every arm in the stage; default Beta(1, 1). */
  prior: priorSchema.default({ alpha: 1, beta: 1 }),
  /** Signals that a customer's message belongs to this stage. */
  signals: signalListSchema.min(1),
  /** A line per language added after a shared answer, to move toward the stage's goal. */
  follow_up: languageTextsSchema.optional(),
  experiment: experimentOverrideSchema.optional(),
});

/** The funnel file as written (snake_case), parsed strictly and turned into a {@link Funnel}. */
export const funnelFileSchema = z
  .strictObject({
    stages: z.array(stageSchema).min(1),
    intents: z.object(Object.fromEntries(REQUIRED_INTENTS.map((name) => [name, intentSchema]))).catchall(intentSchema),
    concerns: z.record(snakeIdSchema, signalListSchema.min(1)).default({}),
    /** Shared answers per intent and language, from the catalog's facts (a variant's own template wins). */
    answers: z.record(snakeIdSchema, languageTextsSchema).default({}),
    /** Replies to a customer who bought (stage `won`), per intent and language; `default` for the rest. */
    post_purchase: z.record(snakeIdSchema, languageTextsSchema).default({}),
    experiment: experimentSchema,
  })
  .transform((file) => toFunnel(file as RawFunnel));

/** Experiment settings of a stage after merging its overrides onto the funnel-wide ones. */
export interface ExperimentSettings {
  minDecisions: number;
  minSuccesses: number;
  minDays: number;
  floor: number;
  burnIn: number;
  draws: number;
  /** Weekly discount factor γ, or null for none. */
  discountPerWeek: number | null;
  candidateCap: number;
  /** Most non-retired arms per stage. */
  maxArms: number;
  /** Learning that keeps up (issue 15): pending outcomes and change detection on, newcomer prior off by default. */
  learning: LearningSettings;
}

/** Switches and parameters of pending outcomes, change detection and the newcomer prior. */
export interface LearningSettings {
  pendingOutcomes: boolean;
  changeDetection: boolean;
  /** P(a false alarm on a stable arm within a month). */
  changeFalseAlarmRate: number;
  /** Weight of outcomes before a detected change. */
  changePreWeight: number;
  /** Age at which the detector reads an assignment, as a fraction of the window. */
  changeHorizon: number;
  newcomerPrior: boolean;
  /** Cap on the newcomer prior's α + β, in outcomes. */
  newcomerPriorStrength: number;
}

/** One active stage of the funnel. */
export interface FunnelStage {
  id: string;
  goal: string;
  windowHours: number;
  prior: { alpha: number; beta: number };
  /** The signals as written. */
  signals: string[];
  /** The signals compiled once. */
  matcher: SignalMatcher;
  /** Lines per language added after a shared answer (empty when none). */
  followUp: LanguageTexts;
  /** The funnel's settings with this stage's overrides applied. */
  experiment: ExperimentSettings;
}

/** Texts per language, each a list of alternatives. */
export type LanguageTexts = Record<string, string[]>;

/** How an intent is recognised and what it does to the stage. */
export interface IntentRule {
  /** Signals as written. */
  signals: string[];
  /** Signals that veto the intent when they match too. */
  unless: string[];
  /** A stage id the intent moves the customer to (forward only), false: it never moves the stage, null: the stages' signals decide. */
  movesStage: string | false | null;
  /** True when the text shows the intent (a signal matches and no `unless` signal does). */
  matches(text: string): boolean;
}

/** The parsed funnel. End states `won` and `lost` are not in `stages` (see {@link END_STAGES}). */
export interface Funnel {
  /** Active stages, in funnel order. */
  stages: FunnelStage[];
  /** Intent name → signals as written (always has {@link REQUIRED_INTENTS}). */
  intents: Record<string, string[]>;
  /** Intent name → compiled signals (a veto already applied). */
  intentMatchers: Record<string, { matches(text: string): boolean }>;
  /** Intent name → its rule. */
  intentRules: Record<string, IntentRule>;
  /** Shared answers: intent → language → alternatives. */
  answers: Record<string, LanguageTexts>;
  /** Post-purchase replies: intent (or `default`) → language → alternatives. */
  postPurchase: Record<string, LanguageTexts>;
  /** Concern name (price, shipping, quality, trust, …) → signals as written. */
  concerns: Record<string, string[]>;
  /** Concern name → compiled signals. */
  concernMatchers: Record<string, SignalMatcher>;
  /** Funnel-wide experiment settings. */
  experiment: ExperimentSettings;
}

/** Every stage id in order, the end states last: `[...active, "won", "lost"]`. */
export function allStageIds(funnel: Funnel): string[] {
  return [...funnel.stages.map((stage) => stage.id), ...END_STAGES];
}

type RawIntent = z.output<typeof intentSchema>;
type RawTexts = z.output<typeof languageTextsSchema>;

interface RawFunnel {
  stages: z.output<typeof stageSchema>[];
  intents: Record<string, RawIntent>;
  concerns: Record<string, string[]>;
  answers: Record<string, RawTexts>;
  post_purchase: Record<string, RawTexts>;
  experiment: RawExperiment;
}

function toFunnel(file: RawFunnel): Funnel {
  const experiment = toSettings(file.experiment);
  const intentRules = mapValues(file.intents, toIntentRule);
  return {
    stages: file.stages.map((stage) => ({
      id: stage.id,
      goal: stage.goal,
      windowHours: stage.window_hours,
      prior: { alpha: stage.prior.alpha, beta: stage.prior.beta },
      signals: [...stage.signals],
      matcher: compileSignals(stage.signals),
      followUp: toTexts(stage.follow_up ?? {}),
      experiment: toSettings({ ...file.experiment, ...withoutUndefined(stage.experiment ?? {}) }),
    })),
    intents: mapValues(file.intents, (intent) => (Array.isArray(intent) ? intent : intent.signals)),
    intentMatchers: intentRules,
    intentRules,
    answers: mapValues(file.answers, toTexts),
    postPurchase: mapValues(file.post_purchase, toTexts),
    concerns: file.concerns,
    concernMatchers: mapValues(file.concerns, compileSignals),
    experiment,
  };
}

function toIntentRule(raw: RawIntent): IntentRule {
  const signals = Array.isArray(raw) ? raw : raw.signals;
  const unless = Array.isArray(raw) ? [] : raw.unless;
  const matcher = compileSignals(signals);
  const veto = compileSignals(unless);
  return {
    signals: [...signals],
    unless: [...unless],
    movesStage: Array.isArray(raw) ? null : (raw.moves_stage ?? null),
    matches: (text) => matcher.matches(text) && !veto.matches(text),
  };
}

function toTexts(raw: RawTexts): LanguageTexts {
  return mapValues(raw, (text) => (Array.isArray(text) ? [...text] : [text]));
}

function toSettings(raw: RawExperiment): ExperimentSettings {
  return {
    minDecisions: raw.min_decisions,
    minSuccesses: raw.min_successes,
    minDays: raw.min_days,
    floor: raw.floor,
    burnIn: raw.burn_in,
    draws: raw.draws,
    discountPerWeek: raw.discount_per_week,
    candidateCap: raw.candidate_cap,
    maxArms: raw.max_arms,
    learning: {
      pendingOutcomes: raw.pending_outcomes,
      changeDetection: raw.change_detection,
      changeFalseAlarmRate: raw.change_false_alarm_rate,
      changePreWeight: raw.change_pre_weight,
      changeHorizon: raw.change_horizon,
      newcomerPrior: raw.newcomer_prior,
      newcomerPriorStrength: raw.newcomer_prior_strength,
    },
  };
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function mapValues<V, W>(record: Record<string, V>, fn: (value: V) => W): Record<string, W> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, fn(value)]));
}
