/**
 * Backups (`closer backup`, the daily BACKUP_CRON job): into DATA_DIR/backups/
 * a consistent snapshot of the database and a JSON export of every customer
 * with their conversation, plus a profiles-only export, each encrypted with the
 * data key. Old ones are pruned: snapshots and conversations after
 * BACKUP_CONVERSATIONS_DAYS, profiles after BACKUP_PROFILES_DAYS. Copy the
 * folder off the machine, and keep the key apart from it.
 * @module
 */
import { mkdirSync, readdirSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import type { Kysely } from "kysely";
import {
  type BackupKind,
  type Database,
  type FieldCipher,
  listCustomers,
  snapshotDatabase,
  writeBackupFile,
} from "../store/index.js";
import { describeCustomer } from "./customer-view.js";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Where and what to back up. */
export interface BackupOptions {
  /** DATA_DIR: the database file is read here, backups go to `<dataDir>/backups/`. */
  dataDir: string;
  /** The SQLite file. */
  dbFile: string;
  conversationsDays: number;
  profilesDays: number;
}

/** What a backup run wrote and pruned. */
export interface BackupReport {
  files: string[];
  customers: number;
  pruned: number;
}

/** The backups folder of a DATA_DIR. */
export function backupDir(dataDir: string): string {
  return join(dataDir, "backups");
}

/** Writes a backup now and prunes old ones. */
export async function runBackup(
  deps: { db: Kysely<Database>; cipher: FieldCipher },
  options: BackupOptions,
  now: number,
): Promise<BackupReport> {
  const dir = backupDir(options.dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stamp = new Date(now).toISOString().replace(/[:.]/g, "-");
  const snapshot = await snapshotDatabase(options.dbFile);
  const customers = [];
  for (const row of await listCustomers(deps.db, { limit: 1_000_000 })) {
    const view = await describeCustomer(deps.db, deps.cipher, row.id, { transcriptLimit: 1_000_000 });
    if (view !== null) customers.push(view);
  }
  const exported = { kind: "closer-export", version: 1, at: new Date(now).toISOString() };
  const profiles = customers.map(({ transcript: _, ...rest }) => rest);
  const parts: [BackupKind, Buffer][] = [
    ["snapshot", snapshot],
    ["conversations", Buffer.from(JSON.stringify({ ...exported, customers }))],
    ["profiles", Buffer.from(JSON.stringify({ ...exported, customers: profiles }))],
  ];
  const files: string[] = [];
  for (const [kind, bytes] of parts) {
    const file = join(dir, `closer-${stamp}.${kind}.backup`);
    writeBackupFile(file, kind, bytes, deps.cipher);
    files.push(file);
  }
  const pruned = pruneBackups(dir, now, options);
  return { files, customers: customers.length, pruned };
}

/** Deletes backups past their retention (by the kind in their name and their time); returns how many. */
export function pruneBackups(
  dir: string,
  now: number,
  keep: { conversationsDays: number; profilesDays: number },
): number {
  let pruned = 0;
  for (const name of readdirSync(dir)) {
    const match = /^closer-.+\.(snapshot|conversations|profiles)\.backup$/.exec(name);
    if (match === null) continue;
    const days = match[1] === "profiles" ? keep.profilesDays : keep.conversationsDays;
    const path = join(dir, name);
    if (statSync(path).mtimeMs < now - days * DAY_MS) {
      unlinkSync(path);
      pruned++;
    }
  }
  return pruned;
}
