/**
 * Versioning by content hash. A variant version is immutable once it has served a
 * customer: the store records its hash then, and a playbook set in which a served
 * version's content changed without a new `version` is refused.
 *
 * The hash covers everything a variant says and does, but not `status`: operators
 * promote and retire arms (in the file or with `closer promote`/`retire`) without
 * changing what customers read, and such a change must not force a new arm and
 * throw away the arm's statistics.
 * @module
 */
import { createHash } from "node:crypto";
import { errorAt, type Position, type Problem } from "./problem.js";
import { type Variant, variantKey } from "./variant-schema.js";

/** Every key of a variant that is part of its content; the compiler insists new keys are listed. */
const HASHED_KEYS: Record<Exclude<keyof Variant, "status">, true> = {
  id: true,
  stage: true,
  version: true,
  origin: true,
  parents: true,
  rationale: true,
  // Absent (undefined) on hand-written variants, so adding these keys left their hashes unchanged.
  createdAt: true,
  model: true,
  description: true,
  strategy: true,
  templates: true,
  // Absent on variants without alternatives or language blocks, so their hashes did not change.
  alternatives: true,
  languages: true,
  llmInstructions: true,
  guardrails: true,
};

/**
 * The sha256 (hex) of the variant's parsed content without `status`, as canonical JSON (keys
 * sorted, defaults applied), so key order, quoting and YAML style do not change it.
 * Extra properties of a loaded variant (hash, file, compiled templates) are ignored.
 */
export function contentHash(variant: Variant): string {
  const content = Object.fromEntries(Object.keys(HASHED_KEYS).map((key) => [key, variant[key as keyof Variant]]));
  return createHash("sha256").update(canonicalJson(content)).digest("hex");
}

/** JSON with object keys sorted at every level and undefined properties left out. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** What {@link checkServedVersions} needs to know of a loaded variant. */
export interface HashedVariant {
  id: string;
  version: number;
  /** {@link contentHash} of the variant. */
  hash: string;
  /** File relative to the playbooks folder. */
  sourceFile: string;
  /** Where the `version` value is in that file. */
  versionAt: Position;
}

/**
 * Problems for every loaded variant version that has served customers (its `id@version` is in
 * `served`, mapped to the hash recorded then) and whose content hash changed since.
 */
export function checkServedVersions(
  variants: readonly HashedVariant[],
  served: ReadonlyMap<string, string>,
): Problem[] {
  const problems: Problem[] = [];
  for (const variant of variants) {
    const key = variantKey(variant);
    const recorded = served.get(key);
    if (recorded === undefined || recorded === variant.hash) continue;
    const next = highestVersion(variant.id, variants, served) + 1;
    problems.push(
      errorAt(
        variant.sourceFile,
        variant.versionAt,
        `variant ${key} has served customers and its text changed; bump \`version\` to ${next} to make a new arm`,
      ),
    );
  }
  return problems;
}

function highestVersion(id: string, variants: readonly HashedVariant[], served: ReadonlyMap<string, string>): number {
  const versions = variants.filter((variant) => variant.id === id).map((variant) => variant.version);
  for (const key of served.keys()) {
    const [servedId, version] = key.split("@");
    if (servedId === id) versions.push(Number(version));
  }
  return Math.max(0, ...versions.filter(Number.isFinite));
}
