/**
 * YAML files with their node positions, so every schema issue points at the line
 * and column of the offending key or value.
 * @module
 */
import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  Scalar,
} from "yaml";
import type { z } from "zod";
import { errorAt, FILE_START, type Position, type Problem, warningAt } from "./problem.js";
import { closestMatch } from "./suggest.js";

/** A parsed YAML file that can tell where its nodes are. */
export interface YamlSource {
  /** The file, relative to the playbooks folder. */
  file: string;
  text: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
}

/** A path into parsed YAML data, as zod reports it. */
export type DataPath = readonly PropertyKey[];

/** The outcome of reading one YAML file: its data (undefined on a syntax error) and what went wrong. */
export interface ParsedYaml {
  source: YamlSource;
  data: unknown;
  problems: Problem[];
}

/** Parses YAML text, keeping positions. Syntax errors and warnings become problems; never throws. */
export function parseYaml(file: string, text: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const source: YamlSource = { file, text, doc, lineCounter };
  const at = (offset: number): Position => positionOf(source, offset);
  const problems = [
    ...doc.errors.map((error) => errorAt(file, at(error.pos[0]), `YAML syntax: ${error.message}`)),
    ...doc.warnings.map((warning) => warningAt(file, at(warning.pos[0]), `YAML: ${warning.message}`)),
  ];
  if (doc.errors.length > 0) return { source, data: undefined, problems };
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) problems.push(errorAt(file, FILE_START, "the file is empty"));
  return { source, data, problems };
}

/** The 1-based line and column of a character offset. */
export function positionOf(source: YamlSource, offset: number): Position {
  const { line, col } = source.lineCounter.linePos(offset);
  return { line, column: col };
}

/**
 * Where `path` is in the file: the value's start, or with `key` the start of the key that holds
 * it. When the path does not exist, the key of its deepest existing ancestor (e.g. the parent
 * map of a missing key).
 */
export function locate(source: YamlSource, path: DataPath, target: "value" | "key" = "value"): Position {
  const found = findNode(source, path);
  const complete = found.depth === path.length;
  const key = found.pair?.key;
  if ((target === "key" || !complete) && isNode(key) && key.range) return positionOf(source, key.range[0]);
  return found.node?.range ? positionOf(source, found.node.range[0]) : FILE_START;
}

/** The YAML node at `path`, if it exists. */
export function nodeAt(source: YamlSource, path: DataPath): Node | undefined {
  const found = findNode(source, path);
  return found.depth === path.length ? found.node : undefined;
}

/**
 * Maps a position inside a string value (1-based line and column of the string's text) to the
 * file. Exact for literal block scalars (`|`); close for folded and flow scalars.
 */
export function positionInString(source: YamlSource, path: DataPath, inner: Position): Position {
  const node = nodeAt(source, path);
  if (!isScalar(node) || !node.range) return locate(source, path);
  const start = positionOf(source, node.range[0]);
  if (node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED) {
    const lines = source.text.split("\n");
    const body = lines.slice(start.line).find((line) => line.trim() !== "") ?? "";
    const indent = body.length - body.trimStart().length;
    return { line: start.line + inner.line, column: indent + inner.column };
  }
  const quote = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE ? 1 : 0;
  return inner.line === 1
    ? { line: start.line, column: start.column + quote + inner.column - 1 }
    : { line: start.line + inner.line - 1, column: inner.column };
}

/** Turns zod issues into problems at the offending key or value, with readable messages. */
export function zodProblems(source: YamlSource, error: z.ZodError, data: unknown, schema: z.ZodType): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const add = (at: Position, message: string): void => {
    const key = `${at.line}:${at.column}:${message}`;
    if (!seen.has(key)) problems.push(errorAt(source.file, at, message));
    seen.add(key);
  };
  for (const issue of error.issues) {
    const path = issue.path;
    if (issue.code === "unrecognized_keys") {
      const allowed = keysAt(schema, path);
      for (const key of issue.keys) {
        const guess = closestMatch(key, allowed);
        const where = path.length > 0 ? ` in ${label(path)}` : "";
        add(
          locate(source, [...path, key], "key"),
          `unknown key \`${key}\`${where}${guess ? ` (did you mean \`${guess}\`?)` : ""}`,
        );
      }
    } else if (
      (issue.code === "invalid_type" || issue.code === "invalid_union") &&
      path.length > 0 &&
      valueAt(data, path) === undefined
    ) {
      const parent = path.slice(0, -1);
      const where = parent.length > 0 ? ` in ${label(parent)}` : "";
      add(locate(source, path), `missing key \`${String(path[path.length - 1])}\`${where}`);
    } else {
      add(locate(source, path), `${path.length > 0 ? `${label(path)}: ` : ""}${describeIssue(issue)}`);
    }
  }
  return problems;
}

/** Reads the value at `path` in plain data, or undefined. */
export function valueAt(data: unknown, path: DataPath): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = Object.hasOwn(current, segment) ? (current as Record<PropertyKey, unknown>)[segment] : undefined;
  }
  return current;
}

/** A path as people read it: `products[2].price`. */
export function label(path: DataPath): string {
  return path.reduce<string>(
    (text, segment) =>
      typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${String(segment)}` : String(segment),
    "",
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_union") {
    const inner = issue.errors.flat();
    const specific = inner.find((candidate) => candidate.code !== "invalid_type");
    if (specific) return describeIssue(specific);
    const expected = inner.flatMap((candidate) => (candidate.code === "invalid_type" ? [candidate.expected] : []));
    return `expected ${[...new Set(expected)].join(" or ")}`;
  }
  if (issue.code === "invalid_key") return `invalid name: ${issue.issues.map(describeIssue).join("; ")}`;
  return issue.message.replace(/^Invalid input: /, "");
}

interface Found {
  node: Node | undefined;
  pair: Pair | undefined;
  depth: number;
}

function findNode(source: YamlSource, path: DataPath): Found {
  let node = source.doc.contents as Node | null;
  let pair: Pair | undefined;
  for (const [depth, segment] of path.entries()) {
    let next: Node | undefined;
    if (isMap(node)) {
      const item = node.items.find((candidate) => isPair(candidate) && keyText(candidate.key) === String(segment));
      if (!item) return { node: node ?? undefined, pair, depth };
      pair = item as Pair;
      next = isNode(item.value) ? item.value : undefined;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      next = isNode(item) ? item : undefined;
      pair = undefined;
    }
    if (!next) return { node: node ?? undefined, pair, depth };
    node = next;
  }
  return { node: node ?? undefined, pair, depth: path.length };
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function isNode(value: unknown): value is Node {
  return value !== null && typeof value === "object" && "range" in value && Array.isArray((value as Node).range);
}

/** The keys a zod object schema allows at `path` (through pipes, defaults, arrays, records). */
function keysAt(schema: z.ZodType, path: DataPath): string[] {
  let current: unknown = schema;
  const remaining = [...path];
  for (let guard = 0; guard < 64 && current; guard++) {
    const def = (current as { _zod: { def: Record<string, unknown> } })._zod.def;
    const type = def["type"];
    if (type === "pipe") current = def["in"];
    else if (["default", "prefault", "optional", "nullable", "readonly", "catch"].includes(String(type))) {
      current = def["innerType"];
    } else if (remaining.length === 0) {
      return type === "object" ? Object.keys(def["shape"] as object) : [];
    } else {
      const segment = remaining.shift();
      if (type === "object") current = (def["shape"] as Record<string, unknown>)[String(segment)] ?? def["catchall"];
      else if (type === "array") current = def["element"];
      else if (type === "record") current = def["valueType"];
      else return [];
    }
  }
  return [];
}
