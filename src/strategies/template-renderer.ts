/**
 * Reply templates: Handlebars on an isolated instance, compiled once, rendering
 * plain text for WhatsApp (no HTML escaping, no prototype access).
 * @module
 */
import Handlebars from "handlebars";
import type { RenderContext } from "./render-context.js";

/** WhatsApp's limit on the length of a text message, in characters. */
export const WHATSAPP_MAX_CHARS = 4096;

/** Helpers a template may call: Handlebars' block helpers plus `join` (`{{join list ", "}}`). */
export const TEMPLATE_HELPERS = ["if", "unless", "each", "with", "join"] as const;

/** A template compiled once at load. */
export type CompiledTemplate = (context: RenderContext) => string;

const instance = Handlebars.create();
instance.unregisterHelper("log");
instance.unregisterHelper("lookup");
instance.registerHelper("join", function join(list: unknown, ...rest: unknown[]): string {
  const separator = rest.length > 1 && typeof rest[0] === "string" ? rest[0] : ", ";
  return Array.isArray(list) ? list.map(String).join(separator) : "";
});

const COMPILE_OPTIONS: CompileOptions = {
  noEscape: true,
  knownHelpersOnly: true,
  knownHelpers: { log: false, lookup: false, join: true },
};

// Prototype access stays off (Handlebars' default since 4.6); spelled out so it cannot drift.
const RUNTIME_OPTIONS: RuntimeOptions = {
  allowProtoPropertiesByDefault: false,
  allowProtoMethodsByDefault: false,
};

/** Parses a template into Handlebars' AST. @throws Error with Handlebars' message on a syntax error. */
export function parseTemplate(source: string): hbs.AST.Program {
  return instance.parse(source);
}

/**
 * Compiles a template now (Handlebars would otherwise compile on first use).
 * @throws Error with Handlebars' message on a syntax error or an unknown helper.
 */
export function compileTemplate(source: string): CompiledTemplate {
  const template = instance.compile<RenderContext>(source, COMPILE_OPTIONS);
  // Rendering once forces compilation, so errors surface at load and not with a customer.
  template({} as RenderContext, RUNTIME_OPTIONS);
  return function renderTemplate(context: RenderContext): string {
    return template(context, RUNTIME_OPTIONS);
  };
}

/**
 * Renders the variant's template for `intent` (its `default` template when it has none for
 * that intent, or when `intent` is null) and tidies it with {@link normalizeReply}.
 */
export function renderReply(
  variant: { readonly compiled: Readonly<Record<string, CompiledTemplate>> },
  intent: string | null,
  context: RenderContext,
): string {
  const own = intent !== null && Object.hasOwn(variant.compiled, intent) ? variant.compiled[intent] : undefined;
  const template = own ?? variant.compiled["default"];
  if (!template) throw new Error("the variant has no default template");
  return normalizeReply(template(context));
}

/**
 * Tidies rendered text for WhatsApp: drops trailing spaces and doubled spaces, collapses three
 * or more line breaks to a blank line, trims, and cuts to {@link WHATSAPP_MAX_CHARS} at a word.
 */
export function normalizeReply(text: string): string {
  const tidy = text
    .replace(/\r\n?/g, "\n")
    .replace(/[ \t]+$/gm, "")
    .replace(/(\S)[ \t]{2,}/g, "$1 ")
    .replace(/[ \t]+([,.!?])(?=\s|$)/g, "$1")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
  if (tidy.length <= WHATSAPP_MAX_CHARS) return tidy;
  const cut = tidy.slice(0, WHATSAPP_MAX_CHARS - 1);
  const lastSpace = cut.search(/\s\S*$/);
  return `${(lastSpace > WHATSAPP_MAX_CHARS / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}
