/**
 * Loads and lints a playbook folder: `funnel.yaml`, `catalog.yaml` and
 * `variants/**\/*.yaml` (other files, such as `scenarios/`, are ignored). Every
 * problem in every file is reported in one run, each with file, line and column.
 * @module
 */

import { offerEndsAt } from "./catalog.js";
import type { Catalog } from "./catalog-schema.js";
import { checkServedVersions, contentHash } from "./content-hash.js";
import { type Funnel, REQUIRED_INTENTS } from "./funnel-schema.js";
import { type FileResult, rawIds, readCatalogFile, readFunnelFile, readVariantFile } from "./playbook-files.js";
import { joinPath, type PlaybookReader } from "./playbook-reader.js";
import type { LoadedVariant, LoadOptions, LoadResult, PlaybookSet } from "./playbook-set.js";
import { errorAt, FILE_START, hasErrors, type Problem, sortProblems, warningAt } from "./problem.js";
import { compileSharedReplies } from "./shared-replies.js";
import { type LintSituation, lintSituations } from "./template-claims.js";
import { lintVariant } from "./variant-lint.js";
import { type Variant, variantKey } from "./variant-schema.js";
import { locate, valueAt } from "./yaml-source.js";

const FUNNEL_FILES = ["funnel.yaml", "funnel.yml"];
const CATALOG_FILES = ["catalog.yaml", "catalog.yml"];
const VARIANT_FILE = /^variants\/.+\.ya?ml$/;

/**
 * Loads the playbooks in `dir` through `reader` and lints them. Never throws: an unreadable
 * folder or file is a problem too. The set is returned only when there is no error.
 */
export async function loadPlaybookSet(
  dir: string,
  reader: PlaybookReader,
  options: LoadOptions = {},
): Promise<LoadResult> {
  const problems: Problem[] = [];
  let files: string[];
  try {
    files = await reader.listFiles(dir);
  } catch (error) {
    return {
      ok: false,
      problems: [errorAt(".", FILE_START, `cannot read the playbooks folder ${dir}: ${reason(error)}`)],
    };
  }
  const read = async (file: string): Promise<string | null> => {
    try {
      return await reader.readFile(joinPath(dir, file));
    } catch (error) {
      problems.push(errorAt(file, FILE_START, `cannot read the file: ${reason(error)}`));
      return null;
    }
  };

  const funnelFile = await readOne(files, FUNNEL_FILES, read, readFunnelFile, problems);
  const catalogFile = await readOne(files, CATALOG_FILES, read, readCatalogFile, problems);
  const funnel = funnelFile?.value ?? null;
  const catalog = catalogFile?.value ?? null;

  const shared = funnel ? compileSharedReplies(funnel, funnelFile?.source ?? null) : null;
  if (shared) problems.push(...shared.problems);
  const stageIds = funnel ? funnel.stages.map((stage) => stage.id) : lenientIds(funnelFile, ["stages"]);
  const intents = funnel ? Object.keys(funnel.intents) : lenientIntents(funnelFile);
  const situations = memoSituations(catalog);
  const variants: LoadedVariant[] = [];
  const variantFiles: FileResult<Variant>[] = [];
  for (const file of files.filter((name) => VARIANT_FILE.test(name))) {
    const text = await read(file);
    if (text === null) continue;
    const result = readVariantFile(file, text);
    problems.push(...result.problems);
    variantFiles.push(result);
    const lint = lintVariant(result.source, result.data, result.value, { stageIds, intents, catalog, situations });
    problems.push(...lint.problems);
    if (result.value && lint.compiled) {
      variants.push({
        ...result.value,
        sourceFile: file,
        hash: contentHash(result.value),
        versionAt: locate(result.source, ["version"]),
        compiled: Object.freeze(lint.compiled),
      });
    }
  }
  if (!catalog && variantFiles.length > 0) problems.push(uncheckedClaims(files, catalogFile, variantFiles.length));
  problems.push(...crossVariantProblems(variantFiles));
  if (funnel && funnelFile) problems.push(...stageCoverage(funnelFile, funnel, variantFiles));
  if (catalog && catalogFile && options.now !== undefined)
    problems.push(...endedOffers(catalogFile, catalog, options.now));
  if (options.served) problems.push(...checkServedVersions(variants, options.served));

  const sorted = sortProblems(problems);
  if (hasErrors(sorted) || !funnel || !catalog || !shared) return { ok: false, problems: sorted };
  const variantsByStage = new Map(
    funnel.stages.map((stage) => [stage.id, variants.filter((v) => v.stage === stage.id)]),
  );
  return {
    ok: true,
    set: { dir, funnel, catalog, shared: shared.shared, variants, variantsByStage },
    warnings: sorted,
  };
}

/**
 * Lints one more variant file against a loaded set, with the same checks a file in the folder gets
 * (YAML, schema, stage, file name, template keys, syntax, variables, claims and guardrails); the
 * cross-file checks (duplicate ids, stage coverage) are the caller's. Used for files not written yet.
 */
export function lintVariantFile(set: PlaybookSet, file: string, text: string): Problem[] {
  const result = readVariantFile(file, text);
  const lint = lintVariant(result.source, result.data, result.value, {
    stageIds: set.funnel.stages.map((stage) => stage.id),
    intents: Object.keys(set.funnel.intents),
    catalog: set.catalog,
    situations: memoSituations(set.catalog),
  });
  return sortProblems([...result.problems, ...lint.problems]);
}

/**
 * Without a catalog the templates' prices, discounts and scarcity cannot be
 * checked; say so rather than let a clean-looking variant pass unchecked.
 */
function uncheckedClaims(files: readonly string[], catalogFile: FileResult<Catalog> | null, variants: number): Problem {
  const name = CATALOG_FILES.find((file) => files.includes(file)) ?? CATALOG_FILES[0] ?? "catalog.yaml";
  const why = catalogFile === null ? "is missing or unreadable" : "has errors";
  return warningAt(
    name,
    FILE_START,
    `not checked: the prices, discounts and scarcity in the templates of ${variants} variant file${variants === 1 ? "" : "s"}, ` +
      `because ${name} ${why}; fix it and lint again`,
  );
}

async function readOne<T>(
  files: string[],
  names: string[],
  read: (file: string) => Promise<string | null>,
  parse: (file: string, text: string) => FileResult<T>,
  problems: Problem[],
): Promise<FileResult<T> | null> {
  const file = names.find((name) => files.includes(name));
  if (!file) {
    problems.push(errorAt(names[0] ?? "", FILE_START, `missing ${names[0]} in the playbooks folder`));
    return null;
  }
  const text = await read(file);
  if (text === null) return null;
  const result = parse(file, text);
  problems.push(...result.problems);
  return result;
}

/** Duplicate (id, version) pairs, and one id used in two stages. */
function crossVariantProblems(files: FileResult<Variant>[]): Problem[] {
  const problems: Problem[] = [];
  const versions = new Map<string, string>();
  const stages = new Map<string, { stage: string; file: string }>();
  for (const { source, data } of files) {
    const id = valueAt(data, ["id"]);
    const version = valueAt(data, ["version"]);
    const stage = valueAt(data, ["stage"]);
    if (typeof id !== "string") continue;
    if (typeof version === "number") {
      const key = variantKey({ id, version });
      const first = versions.get(key);
      if (first)
        problems.push(errorAt(source.file, locate(source, ["id"]), `duplicate variant ${key}: also in ${first}`));
      else versions.set(key, source.file);
    }
    if (typeof stage === "string") {
      const first = stages.get(id);
      if (first && first.stage !== stage) {
        problems.push(
          errorAt(
            source.file,
            locate(source, ["stage"]),
            `variant id \`${id}\` is used in stage ${stage} here and in stage ${first.stage} in ${first.file}; use another id`,
          ),
        );
      } else if (!first) stages.set(id, { stage, file: source.file });
    }
  }
  return problems;
}

/** Every active stage needs a variant in rotation, and at most one champion (read leniently from raw data). */
function stageCoverage(funnelFile: FileResult<Funnel>, funnel: Funnel, files: FileResult<Variant>[]): Problem[] {
  const problems: Problem[] = [];
  const rawField = (file: FileResult<Variant>, key: string): unknown => valueAt(file.data, [key]);
  for (const [index, stage] of funnel.stages.entries()) {
    const inStage = files.filter((file) => rawField(file, "stage") === stage.id);
    if (!inStage.some((file) => rawField(file, "status") !== "retired")) {
      problems.push(
        errorAt(
          funnelFile.source.file,
          locate(funnelFile.source, ["stages", index, "id"]),
          `stage ${stage.id} has no variant in rotation; add one under variants/${stage.id}/`,
        ),
      );
    }
    const champions = inStage.filter((file) => rawField(file, "status") === "champion");
    for (const champion of champions.length > 1 ? champions : []) {
      const others = champions.filter((other) => other !== champion).map((other) => other.source.file);
      problems.push(
        errorAt(
          champion.source.file,
          locate(champion.source, ["status"]),
          `stage ${stage.id} already has a champion in ${others.join(", ")}; keep one champion and make the others active`,
        ),
      );
    }
  }
  return problems;
}

function endedOffers(catalogFile: FileResult<Catalog>, catalog: Catalog, now: number): Problem[] {
  return catalog.offers.flatMap((offer, index) =>
    offerEndsAt(offer) <= now
      ? [
          warningAt(
            catalogFile.source.file,
            locate(catalogFile.source, ["offers", index, "valid_until"]),
            `offer ${offer.id} ended on ${offer.validUntil}; replies will not mention it`,
          ),
        ]
      : [],
  );
}

function memoSituations(catalog: Catalog | null): (stage: string) => readonly LintSituation[] {
  const cache = new Map<string, readonly LintSituation[]>();
  return function situationsFor(stage: string): readonly LintSituation[] {
    if (!catalog) return [];
    let situations = cache.get(stage);
    if (!situations) {
      situations = lintSituations(catalog, stage);
      cache.set(stage, situations);
    }
    return situations;
  };
}

function lenientIds(file: FileResult<unknown> | null, listPath: string[]): string[] | null {
  if (!file || file.data === undefined) return null;
  const ids = rawIds(file.data, listPath, "id").map(({ id }) => id);
  return ids.length > 0 ? ids : null;
}

function lenientIntents(file: FileResult<unknown> | null): string[] | null {
  const intents = file ? valueAt(file.data, ["intents"]) : undefined;
  if (intents === null || typeof intents !== "object" || Array.isArray(intents)) return null;
  return [...new Set([...REQUIRED_INTENTS, ...Object.keys(intents)])];
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
