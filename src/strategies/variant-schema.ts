/**
 * A playbook variant file (`variants/<stage>/<id>.yaml`): one way of handling one
 * stage — strategy, reply templates keyed by intent, LLM instructions, guardrails.
 *
 * YAML keys are snake_case; the parsed value is camelCase (see {@link Variant}).
 * @module
 */
import { z } from "zod";
import { snakeIdSchema } from "./funnel-schema.js";
import { signalListSchema } from "./signals.js";

/**
 * The lifecycle of a variant version; operators' promote/retire in the store override the file.
 * `proposed`: written by the weekly reflection, waiting for an operator's review; it gets no traffic.
 */
export const VARIANT_STATUSES = ["champion", "active", "candidate", "proposed", "retired"] as const;
/** Who wrote the variant: a person, or the weekly reflection. */
export const VARIANT_ORIGINS = ["hand", "reflection"] as const;
/** Template keys besides `default` that every variant may use (a funnel may define more intents). */
export const TEMPLATE_INTENTS = [
  "greeting",
  "price_question",
  "shipping_question",
  "quality_concern",
  "objection",
  "order_question",
] as const;

/** A variant id: lowercase letters, digits and dashes. */
export const variantIdSchema = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be lowercase-with-dashes, e.g. reserve-now");

/** A reference to one version of a variant: `id@version`. */
export const variantRefSchema = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*@[1-9]\d*$/, "must be id@version, e.g. warm-welcome@2");

/**
 * Templates that answer a kind of message rather than an intent: `media` (a photo, video,
 * document or sticker without caption), `voice` (a voice note or audio), `location`, `contact`
 * (a shared contact card), `order` (a catalog order) and `product` (a question about a catalog
 * product the customer shared or picked, when no more specific intent template fits). Keys stay flat per language so a
 * language can later add its own (`templates.es.media`).
 */
export const KIND_TEMPLATES = ["media", "voice", "location", "contact", "order", "product"] as const;

/** Kind templates every variant should have (lint warns without them; the engine then uses a neutral line). */
export const REQUIRED_KIND_TEMPLATES = ["media", "voice"] as const;

const templateTextSchema = z.string().min(1, "a template must not be empty");
/** A template, or a list of alternatives: the engine never sends the same text twice in a row. */
const templateSchema = z.union([templateTextSchema, z.array(templateTextSchema).min(1)]);

/** A language code as a template block key: `es`, `pt-BR`. */
export const LANGUAGE_KEY = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** A language block (`templates.es`): the same keys as the top level, in that language. */
const languageBlockSchema = z.record(z.string(), templateSchema);

const templatesSchema = z
  .object({
    /** Used when the customer's intent has no template of its own. */
    default: templateSchema,
    ...Object.fromEntries(TEMPLATE_INTENTS.map((intent) => [intent, templateSchema.optional()])),
    ...Object.fromEntries(KIND_TEMPLATES.map((kind) => [kind, templateSchema.optional()])),
  })
  // Further keys are allowed here for intents a funnel adds and for language blocks (`es:`);
  // lint rejects keys that are neither funnel intents nor language codes.
  .catchall(z.union([templateSchema, languageBlockSchema]))
  .superRefine((templates, ctx) => {
    for (const [key, value] of Object.entries(templates)) {
      if (isLanguageBlock(value) && !LANGUAGE_KEY.test(key)) {
        ctx.addIssue({ code: "custom", path: [key], message: `\`${key}\` is not a language code (such as es)` });
      }
    }
  });

type RawTemplate = string | string[];

function isLanguageBlock(value: unknown): value is Record<string, RawTemplate> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function listOf(value: RawTemplate): string[] {
  return Array.isArray(value) ? [...value] : [value];
}

/** Splits the templates as written into the flat first texts, the alternatives and the language blocks. */
function splitTemplates(raw: Record<string, unknown>): Pick<Variant, "templates" | "alternatives" | "languages"> {
  const templates: Record<string, string> = {};
  const alternatives: Record<string, string[]> = {};
  const languages: Record<string, Record<string, string[]>> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    if (isLanguageBlock(value)) {
      languages[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, listOf(v)]));
      continue;
    }
    const list = listOf(value as RawTemplate);
    templates[key] = list[0] ?? "";
    if (list.length > 1) alternatives[key] = list;
  }
  return {
    templates: templates as VariantTemplates,
    ...(Object.keys(alternatives).length > 0 ? { alternatives } : {}),
    ...(Object.keys(languages).length > 0 ? { languages } : {}),
  };
}

/** The variant file as written (snake_case), parsed strictly and turned into a {@link Variant}. */
export const variantFileSchema = z
  .strictObject({
    id: variantIdSchema,
    stage: snakeIdSchema,
    /** Bump it whenever the text changes after the version served a customer. */
    version: z.number().int().min(1),
    status: z.enum(VARIANT_STATUSES).default("active"),
    origin: z.enum(VARIANT_ORIGINS).default("hand"),
    /** The variants this one was derived from (reflection), as `id@version`. */
    parents: z.array(variantRefSchema).optional(),
    /** Why the variant exists or should win (reflection writes it). */
    rationale: z.string().min(1).optional(),
    /** When the reflection wrote the file, ISO 8601 (hand-written variants may omit it). */
    created_at: z.iso.datetime({ offset: true }).optional(),
    /** The model that proposed the variant (reflection). */
    model: z.string().min(1).optional(),
    description: z.string().min(1),
    strategy: z.strictObject({
      tone: z.string().min(1),
      goals: z.array(z.string().min(1)).min(1),
      avoid: z.array(z.string().min(1)).default([]),
    }),
    templates: templatesSchema,
    llm_instructions: z.string().min(1),
    guardrails: z.strictObject({
      /** Phrases a reply must never contain (signal syntax: keyword, phrase or /regex/). */
      forbidden_phrases: signalListSchema.default([]),
      /** Largest discount in percent a reply may state; omit for "whatever the catalog's offers say". */
      max_discount_percent: z.number().min(0).max(100).optional(),
    }),
  })
  .transform(
    (file): Variant => ({
      id: file.id,
      stage: file.stage,
      version: file.version,
      status: file.status,
      origin: file.origin,
      parents: file.parents ?? [],
      rationale: file.rationale ?? null,
      ...(file.created_at === undefined ? {} : { createdAt: file.created_at }),
      ...(file.model === undefined ? {} : { model: file.model }),
      description: file.description,
      strategy: file.strategy,
      ...splitTemplates(file.templates),
      llmInstructions: file.llm_instructions,
      guardrails: {
        forbiddenPhrases: file.guardrails.forbidden_phrases,
        maxDiscountPercent: file.guardrails.max_discount_percent ?? null,
      },
    }),
  );

/** Variant status. */
export type VariantStatus = (typeof VARIANT_STATUSES)[number];
/** Variant origin. */
export type VariantOrigin = (typeof VARIANT_ORIGINS)[number];

/** Reply templates by intent; `default` is always there. */
export type VariantTemplates = { default: string } & Record<string, string>;

/** A parsed variant file. */
export interface Variant {
  id: string;
  stage: string;
  version: number;
  status: VariantStatus;
  origin: VariantOrigin;
  /** `id@version` of the parents; empty for hand-written variants. */
  parents: string[];
  rationale: string | null;
  /** When the reflection wrote it (ISO 8601); absent for most hand-written variants. */
  createdAt?: string;
  /** The model that proposed it (reflection); absent for hand-written variants. */
  model?: string;
  description: string;
  strategy: { tone: string; goals: string[]; avoid: string[] };
  /** The first text of each template in the shop's language. */
  templates: VariantTemplates;
  /** Templates written as a list: every alternative, the first included; absent when none. */
  alternatives?: Record<string, string[]>;
  /** Language blocks (`templates.es`): language → key → alternatives; absent when none. */
  languages?: Record<string, Record<string, string[]>>;
  llmInstructions: string;
  guardrails: {
    forbiddenPhrases: string[];
    /** Largest discount a reply may state, in percent; null = no limit beyond the catalog. */
    maxDiscountPercent: number | null;
  };
}

/** `id@version`, the key of an arm. */
export function variantKey(variant: { id: string; version: number }): string {
  return `${variant.id}@${variant.version}`;
}
