/**
 * Variant versions: every version ever loaded, its content hash, first service
 * and current status (operators' promote/retire override the file's status).
 * @module
 */
import type { Kysely } from "kysely";
import type { Database, VariantVersionRow } from "./database.js";
import { PreparedQuery } from "./prepared-query.js";

/**
 * The versions that have served customers, `variant@version` → the content
 * hash recorded at first service: what an edited playbook is checked against.
 */
export async function servedVersionHashes(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom("variant_versions")
    .select(["id", "content_hash"])
    .where("first_served_at", "is not", null)
    .execute();
  return new Map(rows.map((row) => [row.id, row.content_hash]));
}

/** All known variant versions. */
export async function allVariantVersions(db: Kysely<Database>): Promise<VariantVersionRow[]> {
  return db
    .selectFrom("variant_versions")
    .selectAll()
    .orderBy("stage")
    .orderBy("variant_id")
    .orderBy("version")
    .execute();
}

/** Inserts a version seen for the first time. */
export async function insertVariantVersion(
  db: Kysely<Database>,
  v: {
    variantId: string;
    version: number;
    stage: string;
    contentHash: string;
    status: string;
    origin: string;
    sourceFile: string;
    at: number;
  },
): Promise<void> {
  await db
    .insertInto("variant_versions")
    .values({
      id: `${v.variantId}@${v.version}`,
      variant_id: v.variantId,
      version: v.version,
      stage: v.stage,
      content_hash: v.contentHash,
      first_served_at: null,
      status: v.status,
      origin: v.origin,
      source_file: v.sourceFile,
      created_at: v.at,
      updated_at: v.at,
    })
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

/** Updates the hash and file of a version that has not served yet (its text may still change). */
export async function updateUnservedVersion(
  db: Kysely<Database>,
  id: string,
  patch: { contentHash: string; sourceFile: string; stage: string; at: number },
): Promise<void> {
  await db
    .updateTable("variant_versions")
    .set({ content_hash: patch.contentHash, source_file: patch.sourceFile, stage: patch.stage, updated_at: patch.at })
    .where("id", "=", id)
    .where("first_served_at", "is", null)
    .execute();
}

/** Sets a version's status. */
export async function setVariantStatus(db: Kysely<Database>, id: string, status: string, at: number): Promise<void> {
  await db.updateTable("variant_versions").set({ status, updated_at: at }).where("id", "=", id).execute();
}

/** Records the first service of a version (no-op when already served). */
export async function markVersionServed(db: Kysely<Database>, id: string, at: number): Promise<void> {
  await markServedQuery.execute(db, { id, at });
}

const markServedQuery = new PreparedQuery((db, p: { id: string; at: number }) =>
  db
    .updateTable("variant_versions")
    .set({ first_served_at: p.at })
    .where("id", "=", p.id)
    .where("first_served_at", "is", null),
);

/**
 * The stamp of the arms and policies: it changes (to a value never seen before) in the
 * transaction that inserts, updates or deletes any variant version or policy version,
 * whoever writes it, so a cache filled under one stamp is current exactly while it reads the same.
 */
export async function armsStamp(db: Kysely<Database>): Promise<string> {
  const row = await armsStampQuery.first(db, {});
  // No row: nothing was written since the migration (the first write makes it).
  return row === undefined ? "none" : String(row.stamp);
}

const armsStampQuery = new PreparedQuery((db, _p: Record<string, never>) =>
  db.selectFrom("change_stamps").select("stamp").where("name", "=", "arms"),
);
