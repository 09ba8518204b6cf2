/**
 * Reading each kind of playbook file: YAML with positions, the strict schema, and
 * the checks inside one file that the schema cannot express (duplicate ids,
 * offers for unknown products).
 * @module
 */
import type { z } from "zod";
import { type Catalog, catalogFileSchema } from "./catalog-schema.js";
import { type Funnel, funnelFileSchema } from "./funnel-schema.js";
import { errorAt, type Position, type Problem } from "./problem.js";
import { type Variant, variantFileSchema } from "./variant-schema.js";
import { type DataPath, locate, parseYaml, valueAt, type YamlSource, zodProblems } from "./yaml-source.js";

/** One file read and checked on its own: its parsed value (when valid) and its problems. */
export interface FileResult<T> {
  source: YamlSource;
  /** The parsed value, or null when the file has errors. */
  value: T | null;
  /** The raw YAML data (for lenient cross-file checks when `value` is null). */
  data: unknown;
  problems: Problem[];
}

/** Reads `funnel.yaml`: schema plus duplicate stage ids. */
export function readFunnelFile(file: string, text: string): FileResult<Funnel> {
  return readFile(file, text, funnelFileSchema, (source, data) => [
    ...duplicates(source, data, ["stages"], "id", "stage id"),
  ]);
}

/** Reads `catalog.yaml`: schema plus duplicate product and offer ids and offers for unknown products. */
export function readCatalogFile(file: string, text: string): FileResult<Catalog> {
  return readFile(file, text, catalogFileSchema, (source, data) => [
    ...duplicates(source, data, ["products"], "id", "product id"),
    ...duplicates(source, data, ["offers"], "id", "offer id"),
    ...unknownOfferProducts(source, data),
  ]);
}

/** Reads one variant file against its schema. */
export function readVariantFile(file: string, text: string): FileResult<Variant> {
  return readFile(file, text, variantFileSchema, () => []);
}

/** The string ids found in a list of the raw data, with their paths (lenient: skips bad items). */
export function rawIds(data: unknown, listPath: DataPath, key: string): { id: string; path: DataPath }[] {
  const list = valueAt(data, listPath);
  if (!Array.isArray(list)) return [];
  return list.flatMap((_, index) => {
    const id = valueAt(list, [index, key]);
    return typeof id === "string" ? [{ id, path: [...listPath, index, key] }] : [];
  });
}

function readFile<T>(
  file: string,
  text: string,
  schema: z.ZodType<T>,
  extraChecks: (source: YamlSource, data: unknown) => Problem[],
): FileResult<T> {
  const parsed = parseYaml(file, text);
  const { source, data } = parsed;
  const problems = [...parsed.problems];
  if (data === undefined || data === null || problems.some((problem) => problem.severity === "error")) {
    return { source, value: null, data, problems };
  }
  const result = schema.safeParse(data);
  if (!result.success) problems.push(...zodProblems(source, result.error, data, schema));
  problems.push(...extraChecks(source, data));
  const failed = problems.some((problem) => problem.severity === "error");
  return { source, value: result.success && !failed ? result.data : null, data, problems };
}

function duplicates(source: YamlSource, data: unknown, listPath: DataPath, key: string, what: string): Problem[] {
  const firstAt = new Map<string, Position>();
  const problems: Problem[] = [];
  for (const { id, path } of rawIds(data, listPath, key)) {
    const at = locate(source, path);
    const first = firstAt.get(id);
    if (first) problems.push(errorAt(source.file, at, `duplicate ${what} \`${id}\` (first at line ${first.line})`));
    else firstAt.set(id, at);
  }
  return problems;
}

function unknownOfferProducts(source: YamlSource, data: unknown): Problem[] {
  const products = new Set(rawIds(data, ["products"], "id").map(({ id }) => id));
  return rawIds(data, ["offers"], "product")
    .filter(({ id }) => !products.has(id))
    .map(({ id, path }) => errorAt(source.file, locate(source, path), `offer for unknown product \`${id}\``));
}
