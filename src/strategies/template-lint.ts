/**
 * Static checks of one reply template: syntax (with the line of an unclosed block),
 * every variable path against the render context's schema (inside `#each` and
 * `#with` too), and helpers limited to {@link TEMPLATE_HELPERS}.
 * @module
 */
import { fieldNames, resolvePath, type Shape, shapeOf, templatePaths } from "./context-shape.js";
import { renderContextSchema } from "./render-context.js";
import { closestMatch } from "./suggest.js";
import { parseTemplate, TEMPLATE_HELPERS } from "./template-renderer.js";
import { syntaxIssues, type TemplateIssue } from "./template-syntax.js";

export type { TemplateIssue } from "./template-syntax.js";

/** The outcome of linting one template: its issues, and its AST when it parsed. */
export interface TemplateLintResult {
  issues: TemplateIssue[];
  ast: hbs.AST.Program | null;
}

const ROOT_SHAPE = shapeOf(renderContextSchema);

/** Every variable a template may use, as `{{…}}` paths (`product.price`, `offer.percent`, `products` …). */
export function templateVariables(): string[] {
  return templatePaths(ROOT_SHAPE);
}
const BLOCK_HELPERS = new Set(["if", "unless", "each", "with"]);
const HELPERS = new Set<string>(TEMPLATE_HELPERS);
const EACH_DATA = new Set(["index", "first", "last", "key"]);
const VALUE: Shape = { kind: "value" };

/** Lints one template's text. Never throws. */
export function lintTemplate(source: string): TemplateLintResult {
  let ast: hbs.AST.Program;
  try {
    ast = parseTemplate(source);
  } catch (error) {
    return { issues: syntaxIssues(source, error), ast: null };
  }
  const state: WalkState = { frames: [{ shape: ROOT_SHAPE, where: null }], params: [], eachDepth: 0, issues: [] };
  walkProgram(ast, state);
  return { issues: state.issues, ast };
}

/** The literal pieces of a template (the text outside `{{…}}`, inside blocks too), in order. */
export function literalText(ast: hbs.AST.Program): string[] {
  const pieces: string[] = [];
  const visit = (program: hbs.AST.Program | undefined): void => {
    for (const node of program?.body ?? []) {
      if (node.type === "ContentStatement") pieces.push((node as hbs.AST.ContentStatement).value);
      if (node.type === "BlockStatement") {
        visit((node as hbs.AST.BlockStatement).program);
        visit((node as hbs.AST.BlockStatement).inverse);
      }
    }
  };
  visit(ast);
  return pieces;
}

/** A context level: its shape (null when unknown after an earlier error) and how to describe it. */
interface Frame {
  shape: Shape | null;
  where: string | null;
}

interface WalkState {
  frames: Frame[];
  params: Map<string, Shape | null>[];
  eachDepth: number;
  issues: TemplateIssue[];
}

type Node = hbs.AST.Node;
type Expression = hbs.AST.Expression;

function walkProgram(program: hbs.AST.Program | undefined, state: WalkState): void {
  for (const node of program?.body ?? []) {
    if (node.type === "MustacheStatement") checkMustache(node as hbs.AST.MustacheStatement, state);
    else if (node.type === "BlockStatement") checkBlock(node as hbs.AST.BlockStatement, state);
    else if (node.type !== "ContentStatement" && node.type !== "CommentStatement") {
      report(state, node, "partials and decorators are not supported in reply templates");
    }
  }
}

function checkMustache(node: hbs.AST.MustacheStatement, state: WalkState): void {
  if (node.path.type !== "PathExpression") return;
  const path = node.path as hbs.AST.PathExpression;
  if (node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0 || isHelperName(path)) {
    checkHelperCall(node.path as hbs.AST.PathExpression, node.params, node, state);
    return;
  }
  const shape = resolveExpression(path, state);
  if (shape?.kind === "object") {
    const example = fieldNames(shape)[0] ?? "name";
    report(state, path, `${path.original} is an object; name one of its fields, e.g. ${path.original}.${example}`);
  } else if (shape?.kind === "list") {
    report(
      state,
      path,
      `${path.original} is a list; write {{join ${path.original} ", "}} or {{#each ${path.original}}}…{{/each}}`,
    );
  }
}

function checkHelperCall(path: hbs.AST.PathExpression, params: Expression[], node: Node, state: WalkState): void {
  const name = path.original;
  if (BLOCK_HELPERS.has(name)) {
    report(state, node, `${name} is a block helper; write {{#${name} …}}…{{/${name}}}`);
  } else if (!HELPERS.has(name)) {
    const guess = closestMatch(name, HELPERS);
    report(state, node, `unknown template helper ${name}${guess ? ` (did you mean ${guess}?)` : ""}`);
  } else if (name === "join") {
    const [list, separator, ...extra] = params;
    const listShape = list ? resolveExpression(list, state) : null;
    if (!list || extra.length > 0 || (separator && separator.type !== "StringLiteral")) {
      report(state, node, 'join takes a list and an optional separator, e.g. {{join customer.interests ", "}}');
    } else if (listShape && listShape.kind !== "list") {
      report(state, list, `join needs a list; ${describe(list)} is not a list`);
    }
    return;
  }
  for (const param of params) resolveExpression(param, state);
}

function checkBlock(node: hbs.AST.BlockStatement, state: WalkState): void {
  const name = node.path.type === "PathExpression" ? (node.path as hbs.AST.PathExpression).original : "?";
  const [param, ...extra] = node.params;
  if (!BLOCK_HELPERS.has(name)) {
    report(state, node, `unknown block helper #${name} (use #if, #unless, #each or #with)`);
  } else if (!param || extra.length > 0) {
    report(state, node, `{{#${name}}} needs exactly one argument`);
  }
  for (const pair of node.hash?.pairs ?? []) {
    if (!((name === "if" || name === "unless") && pair.key === "includeZero")) {
      report(state, pair, `unknown option ${pair.key} for {{#${name}}}`);
    }
  }
  const shape = param ? resolveExpression(param, state) : null;
  if (name === "each" || name === "with") {
    let inner: Shape | null = shape;
    if (name === "each") {
      if (shape && shape.kind !== "list")
        report(state, param ?? node, `#each needs a list; ${describe(param)} is not a list`);
      inner = shape?.kind === "list" ? shape.element : null;
    } else if (shape && shape.kind !== "object") {
      report(state, param ?? node, `#with needs an object; ${describe(param)} is not one`);
      inner = null;
    }
    const blockParams = new Map<string, Shape | null>();
    const [first, second] = node.program.blockParams ?? [];
    if (first) blockParams.set(first, inner);
    if (second) blockParams.set(second, VALUE);
    state.frames.push({ shape: inner, where: `inside {{#${name} ${describe(param)}}}` });
    state.params.push(blockParams);
    if (name === "each") state.eachDepth++;
    walkProgram(node.program, state);
    if (name === "each") state.eachDepth--;
    state.params.pop();
    state.frames.pop();
  } else {
    walkProgram(node.program, state);
  }
  walkProgram(node.inverse, state);
}

function resolveExpression(expression: Expression, state: WalkState): Shape | null {
  if (expression.type === "SubExpression") {
    const sub = expression as hbs.AST.SubExpression;
    checkHelperCall(sub.path as hbs.AST.PathExpression, sub.params, sub, state);
    return null;
  }
  if (expression.type !== "PathExpression") return VALUE;
  const path = expression as hbs.AST.PathExpression;
  const parts = path.parts.map(String);
  if (path.data) return resolveData(path, parts, state);
  const scoped = /^(this|\.)(\.|\/|$)/.test(path.original);
  if (path.depth === 0 && !scoped && parts[0] !== undefined) {
    for (let i = state.params.length - 1; i >= 0; i--) {
      const params = state.params[i]!;
      if (params.has(parts[0])) return follow(params.get(parts[0]) ?? null, parts.slice(1), path, 1, state);
    }
  }
  const frame = state.frames[state.frames.length - 1 - path.depth];
  if (!frame) {
    report(state, path, `${path.original} goes above the top of the template context`);
    return null;
  }
  const shape = follow(frame.shape, parts, path, 0, state);
  return shape;
}

function resolveData(path: hbs.AST.PathExpression, parts: string[], state: WalkState): Shape | null {
  const [head, ...rest] = parts;
  if (head === "root") return follow(ROOT_SHAPE, rest, path, 1, state, "@root.");
  if (head !== undefined && EACH_DATA.has(head) && rest.length === 0) {
    if (state.eachDepth === 0) report(state, path, `@${head} is only available inside {{#each}}`);
    return VALUE;
  }
  report(state, path, `unknown template variable ${path.original}`);
  return null;
}

/** Follows `parts` from `shape`, reporting an unknown path with a suggestion. */
function follow(
  shape: Shape | null,
  parts: string[],
  path: hbs.AST.PathExpression,
  offset: number,
  state: WalkState,
  prefix = "",
): Shape | null {
  if (shape === null) return null;
  const result = resolvePath(shape, parts);
  if (result.ok) return result.shape;
  const bad = parts[result.failedAt] ?? "";
  const guess = closestMatch(bad, result.available);
  const fixed = guess ? [...parts.slice(0, result.failedAt), guess, ...parts.slice(result.failedAt + 1)] : null;
  let hint = fixed ? ` (did you mean ${prefix}${fixed.join(".")}?)` : "";
  const frame = state.frames[state.frames.length - 1];
  if (offset === 0 && path.depth === 0 && frame?.where && resolvePath(ROOT_SHAPE, parts).ok) {
    hint = ` (${frame.where} names refer to the item; write @root.${parts.join(".")})`;
  }
  report(state, path, `unknown template variable ${path.original}${hint}`);
  return null;
}

function isHelperName(path: hbs.AST.PathExpression): boolean {
  return !path.data && path.depth === 0 && path.parts.length === 1 && HELPERS.has(path.original);
}

function describe(expression: Expression | undefined): string {
  if (!expression) return "nothing";
  if (expression.type === "PathExpression") return (expression as hbs.AST.PathExpression).original;
  return expression.type.replace(/Literal$/, "").toLowerCase();
}

function report(state: WalkState, node: Node | hbs.AST.HashPair, message: string): void {
  const start = node.loc?.start ?? { line: 1, column: 0 };
  state.issues.push({ line: start.line, column: start.column + 1, message });
}
