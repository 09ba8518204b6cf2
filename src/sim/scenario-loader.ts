/**
 * Reading a scenario file: YAML text in, a validated {@link Scenario} or the
 * problems out, each at the line and column of the offending key or value.
 * @module
 */
import { isMap, isNode, isPair, isScalar, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import type { Position, Problem } from "../strategies/index.js";
import { type Scenario, scenarioSchema } from "./scenario-schema.js";

/** A loaded scenario, or every problem that stopped it loading. */
export type ScenarioLoadResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly problems: readonly Problem[] };

const FILE_START: Position = Object.freeze({ line: 1, column: 1 });

/**
 * Parses and validates a scenario. Never throws: YAML syntax errors, unknown or
 * missing keys, bad values and broken references come back as problems naming
 * `file`, line and column.
 * @param file the name the problems carry (e.g. the path given on the command line).
 */
export function parseScenario(text: string, file: string): ScenarioLoadResult {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  if (doc.errors.length > 0) {
    return { ok: false, problems: doc.errors.map((e) => problem(file, at(e.pos[0]), `YAML syntax: ${e.message}`)) };
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined)
    return { ok: false, problems: [problem(file, FILE_START, "the file is empty")] };
  const parsed = scenarioSchema.safeParse(data);
  if (parsed.success) return { ok: true, scenario: parsed.data };
  const root = doc.contents;
  return {
    ok: false,
    problems: parsed.error.issues.flatMap((issue) => issueProblems(file, issue, root, at)),
  };
}

function issueProblems(
  file: string,
  issue: z.core.$ZodIssue,
  root: unknown,
  at: (offset: number) => Position,
): Problem[] {
  const path = issue.path.map((segment) => (typeof segment === "symbol" ? String(segment) : segment));
  const where = (node: Node | undefined): Position => (node?.range ? at(node.range[0]) : FILE_START);
  const name = label(path);
  if (issue.code === "unrecognized_keys") {
    return issue.keys.map((key) =>
      problem(
        file,
        where(keyNode(root, path, key) ?? nodeAt(root, path).node),
        `unknown key \`${key}\`${name ? ` in ${name}` : ""}`,
      ),
    );
  }
  const found = nodeAt(root, path);
  if (!found.complete) {
    const parent = label(path.slice(0, -1));
    return [problem(file, where(found.node), `missing key \`${String(path.at(-1))}\`${parent ? ` in ${parent}` : ""}`)];
  }
  return [
    problem(file, where(found.node), `${name ? `${name}: ` : ""}${issue.message.replace(/^Invalid input: /, "")}`),
  ];
}

/** The deepest node on `path`, and whether the whole path exists. */
function nodeAt(root: unknown, path: readonly (string | number)[]): { node: Node | undefined; complete: boolean } {
  let node = isNode(root) ? root : undefined;
  for (const segment of path) {
    const next =
      isNode(node) && "get" in node
        ? (node as { get(key: unknown, keep: true): unknown }).get(segment, true)
        : undefined;
    if (!isNode(next)) return { node, complete: false };
    node = next;
  }
  return { node, complete: true };
}

/** The key node of `key` in the map at `path`. */
function keyNode(root: unknown, path: readonly (string | number)[], key: string): Node | undefined {
  const map = nodeAt(root, path).node;
  if (!isMap(map)) return undefined;
  const pair = map.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key);
  return pair && isNode(pair.key) ? pair.key : undefined;
}

/** A path as people read it: `stages[1].arms[0].p`. */
function label(path: readonly (string | number)[]): string {
  return path.reduce<string>(
    (text, segment) => (typeof segment === "number" ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment),
    "",
  );
}

function problem(file: string, position: Position, message: string): Problem {
  return { file, line: position.line, column: position.column, message, severity: "error" };
}
