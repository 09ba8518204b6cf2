/**
 * The shape of the render context, read from its zod schema, so template lint
 * knows every path a template may use without a hand-written twin.
 * @module
 */
import { z } from "zod";

/** What a template path can point at. */
export type Shape =
  | { kind: "object"; fields: ReadonlyMap<string, Shape> }
  | { kind: "list"; element: Shape }
  | { kind: "value" };

/** Reads the shape of a zod schema: objects, arrays, and nullable/optional wrappers around them. */
export function shapeOf(schema: z.ZodType): Shape {
  if (schema instanceof z.ZodNullable || schema instanceof z.ZodOptional || schema instanceof z.ZodDefault) {
    return shapeOf(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodObject) {
    const fields = new Map<string, Shape>();
    for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
      fields.set(key, shapeOf(field));
    }
    return { kind: "object", fields };
  }
  if (schema instanceof z.ZodArray) return { kind: "list", element: shapeOf(schema.element as z.ZodType) };
  return { kind: "value" };
}

/** The result of following a path: the shape it reaches, or the first segment that does not exist. */
export type Resolution = { ok: true; shape: Shape } | { ok: false; failedAt: number; available: string[] };

/**
 * Follows path segments from `shape`. Lists accept a numeric index and `length`. Only the
 * schema's own keys count, so `constructor` or `__proto__` never resolve.
 */
export function resolvePath(shape: Shape, parts: readonly string[]): Resolution {
  let current = shape;
  for (const [index, part] of parts.entries()) {
    const next = step(current, part);
    if (!next) return { ok: false, failedAt: index, available: fieldNames(current) };
    current = next;
  }
  return { ok: true, shape: current };
}

/** The field names an object shape has (empty for lists and values). */
export function fieldNames(shape: Shape): string[] {
  return shape.kind === "object" ? [...shape.fields.keys()] : [];
}

function step(shape: Shape, part: string): Shape | undefined {
  if (shape.kind === "object") return shape.fields.get(part);
  if (shape.kind === "list") {
    if (/^\d+$/.test(part)) return shape.element;
    if (part === "length") return { kind: "value" };
  }
  return undefined;
}

/**
 * Every path a template may use (`product.price`, `offer.percent`, `products` …), from a shape:
 * leaves, and lists as themselves (their items' fields are inside `{{#each}}`). For prompts and help.
 */
export function templatePaths(shape: Shape, prefix = ""): string[] {
  if (shape.kind !== "object") return prefix === "" ? [] : [prefix];
  return [...shape.fields].flatMap(([key, field]) => {
    const path = prefix === "" ? key : `${prefix}.${key}`;
    return field.kind === "object" ? templatePaths(field, path) : [path];
  });
}
