/**
 * Small key-value state that must survive a restart (gateway pause, SRM freeze).
 * @module
 */
import type { Kysely } from "kysely";
import type { Database } from "./database.js";

/** Reads a setting, or `undefined`. */
export async function getSetting(db: Kysely<Database>, key: string): Promise<string | undefined> {
  const row = await db.selectFrom("settings").select("value").where("key", "=", key).executeTakeFirst();
  return row?.value;
}

/** Writes (inserts or replaces) a setting. */
export async function putSetting(db: Kysely<Database>, key: string, value: string, at: number): Promise<void> {
  await db
    .insertInto("settings")
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: at }))
    .execute();
}

/** Removes a setting. */
export async function deleteSetting(db: Kysely<Database>, key: string): Promise<void> {
  await db.deleteFrom("settings").where("key", "=", key).execute();
}
