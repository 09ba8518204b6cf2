/**
 * The value a loaded playbook folder becomes: funnel, catalog and variants with
 * their templates compiled, file and content hash.
 * @module
 */
import type { Catalog } from "./catalog-schema.js";
import type { Funnel } from "./funnel-schema.js";
import type { Position, Problem } from "./problem.js";
import type { SharedReplies } from "./shared-replies.js";
import type { CompiledTemplate } from "./template-renderer.js";
import type { Variant } from "./variant-schema.js";

/** A variant as loaded: its parsed content plus where it came from, its hash and its compiled templates. */
export interface LoadedVariant extends Variant {
  /** The file, relative to the playbooks folder (`variants/closing/reserve-now.yaml`). */
  sourceFile: string;
  /** {@link contentHash} of the content (status excluded). */
  hash: string;
  /** Where the `version` value is in the file (for "bump `version`" messages). */
  versionAt: Position;
  /** The templates compiled once, by key (`default` and intents). */
  compiled: Readonly<Record<string, CompiledTemplate>>;
}

/** A playbook folder that loaded and linted clean. */
export interface PlaybookSet {
  /** The folder it was loaded from, as given to the loader. */
  dir: string;
  funnel: Funnel;
  catalog: Catalog;
  /** The funnel's shared answers, post-purchase replies and follow-ups, compiled. */
  shared: SharedReplies;
  /** Every variant version, in file order (retired ones too). */
  variants: LoadedVariant[];
  /** Variants by stage id; every active stage of the funnel has an entry. */
  variantsByStage: ReadonlyMap<string, LoadedVariant[]>;
}

/** What {@link loadPlaybookSet} returns: the set and its warnings, or every problem found. */
export type LoadResult = { ok: true; set: PlaybookSet; warnings: Problem[] } | { ok: false; problems: Problem[] };

/** Options of {@link loadPlaybookSet}. */
export interface LoadOptions {
  /** `id@version` → content hash recorded when the version first served; changed ones are refused. */
  served?: ReadonlyMap<string, string>;
  /** Epoch ms; when given, offers that have ended are reported as warnings. */
  now?: number;
}
