/**
 * Arms: the variant versions of each stage, synchronised from the loaded
 * playbooks into the store, with the store's status winning over the file's
 * once an operator promoted or retired an arm.
 * @module
 */
import type { Kysely } from "kysely";
import {
  allVariantVersions,
  type Database,
  insertVariantVersion,
  PreparedQuery,
  setVariantStatus,
  updateUnservedVersion,
  type VariantVersionRow,
} from "../store/index.js";
import type { LoadedVariant } from "../strategies/index.js";
import type { ArmPolicyView } from "./arm-policy-cache.js";
import type { ArmStatus } from "./math/index.js";

/** An arm of a stage's experiment. */
export interface Arm {
  /** `variant@version`. */
  key: string;
  variantId: string;
  version: number;
  stage: string;
  status: ArmStatus;
  origin: string;
  firstServedAt: number | null;
}

/** Statuses that never receive customers: retired arms, and arms proposed by reflection awaiting review. */
export const NO_TRAFFIC_STATUSES: readonly ArmStatus[] = ["retired", "proposed"];

/** A variant version as the playbooks describe it (the part the store needs). */
export interface LoadedVariantVersion {
  id: string;
  version: number;
  stage: string;
  status: ArmStatus;
  origin: string;
  hash: string;
  sourceFile: string;
}

/** What a synchronisation changed, for the log and the audit trail. */
export interface ArmSyncResult {
  added: string[];
  autoRetired: string[];
  updatedUnserved: string[];
}

/** The variant versions of a loaded playbook set, as {@link syncArms} takes them. */
export function loadedVersionsOf(variants: readonly LoadedVariant[]): LoadedVariantVersion[] {
  return variants.map((v) => ({
    id: v.id,
    version: v.version,
    stage: v.stage,
    status: v.status,
    origin: v.origin,
    hash: v.hash,
    sourceFile: v.sourceFile,
  }));
}

/** The key of an arm. */
export function armKey(variantId: string, version: number): string {
  return `${variantId}@${version}`;
}

/**
 * Splits an arm key `variant@version` into its parts.
 * @returns null when the text is not `<variant id>@<positive integer>`.
 */
export function parseArmKey(key: string): { variantId: string; version: number } | null {
  const match = /^([^@\s]+)@([1-9][0-9]*)$/.exec(key.trim());
  if (match === null) return null;
  const version = Number(match[2]);
  return Number.isSafeInteger(version) ? { variantId: match[1] as string, version } : null;
}

/**
 * Records every loaded version in the store: new versions are inserted with the
 * file's status; a version that has not served yet follows its file's edits;
 * the older versions of a variant that has a newer one are retired automatically.
 * Served-version immutability is checked by the caller before (strategies).
 */
export async function syncArms(
  db: Kysely<Database>,
  loaded: readonly LoadedVariantVersion[],
  now: number,
): Promise<ArmSyncResult> {
  const known = new Map((await allVariantVersions(db)).map((row) => [row.id, row]));
  const result: ArmSyncResult = { added: [], autoRetired: [], updatedUnserved: [] };
  const newest = new Map<string, number>();
  for (const v of loaded) newest.set(v.id, Math.max(newest.get(v.id) ?? 0, v.version));
  for (const row of known.values()) newest.set(row.variant_id, Math.max(newest.get(row.variant_id) ?? 0, row.version));

  for (const v of loaded) {
    const key = armKey(v.id, v.version);
    const row = known.get(key);
    if (row === undefined) {
      const superseded = v.version < (newest.get(v.id) ?? v.version);
      await insertVariantVersion(db, {
        variantId: v.id,
        version: v.version,
        stage: v.stage,
        contentHash: v.hash,
        status: superseded ? "retired" : v.status,
        origin: v.origin,
        sourceFile: v.sourceFile,
        at: now,
      });
      result.added.push(key);
    } else if (row.first_served_at === null && row.content_hash !== v.hash) {
      await updateUnservedVersion(db, key, { contentHash: v.hash, sourceFile: v.sourceFile, stage: v.stage, at: now });
      result.updatedUnserved.push(key);
    }
  }
  for (const row of await allVariantVersions(db)) {
    if (row.status !== "retired" && row.version < (newest.get(row.variant_id) ?? row.version)) {
      await setVariantStatus(db, row.id, "retired", now);
      result.autoRetired.push(row.id);
    }
  }
  return result;
}

/**
 * The arms of a stage that receive customers: neither retired nor proposed
 * (awaiting review), and present in the loaded playbooks (a deleted file takes
 * its arm out of rotation).
 */
export async function activeArms(
  db: Kysely<Database>,
  stage: string,
  loadedKeys: ReadonlySet<string>,
  view?: ArmPolicyView,
): Promise<Arm[]> {
  const rows = await (view?.trafficVersions(stage) ?? trafficVersions(db, stage));
  return rows.filter((row) => loadedKeys.has(row.id)).map(rowToArm);
}

/** The stage's versions that may receive customers, before the loaded-playbook filter (read from the store). */
export function trafficVersions(db: Kysely<Database>, stage: string): Promise<VariantVersionRow[]> {
  return trafficVersionsQuery.rows(db, { stage });
}

const trafficVersionsQuery = new PreparedQuery((db, p: { stage: string }) =>
  db
    .selectFrom("variant_versions")
    .selectAll()
    .where("stage", "=", p.stage)
    .where("status", "not in", NO_TRAFFIC_STATUSES)
    .orderBy("variant_id")
    .orderBy("version"),
);

/** Every arm of a stage, retired ones included (reports). */
export async function allArms(db: Kysely<Database>, stage: string): Promise<Arm[]> {
  const rows = await db
    .selectFrom("variant_versions")
    .selectAll()
    .where("stage", "=", stage)
    .orderBy("variant_id")
    .orderBy("version")
    .execute();
  return rows.map(rowToArm);
}

/** Turns a stored version into an arm. */
export function rowToArm(row: VariantVersionRow): Arm {
  return {
    key: row.id,
    variantId: row.variant_id,
    version: row.version,
    stage: row.stage,
    status: row.status as ArmStatus,
    origin: row.origin,
    firstServedAt: row.first_served_at,
  };
}
