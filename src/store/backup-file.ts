/**
 * Backup files: a consistent snapshot of the SQLite database (better-sqlite3's
 * online backup, safe while the service writes) and JSON exports, each
 * encrypted with the data key (AES-256-GCM through the field cipher, bound to
 * its kind) into one file: `closer-backup v1 <kind>` on the first line, the
 * ciphertext on the second.
 * @module
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";
import { CloserError } from "../errors.js";
import type { FieldCipher } from "./field-cipher.js";

/** What a backup file holds. */
export type BackupKind = "snapshot" | "conversations" | "profiles";

const HEADER = /^closer-backup v1 (snapshot|conversations|profiles)$/;

/** Takes a consistent snapshot of the database file `dbFile` (while others write) and returns its bytes. */
export async function snapshotDatabase(dbFile: string): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), "closer-snapshot-"));
  const source = new BetterSqlite3(dbFile, { readonly: true, fileMustExist: true });
  try {
    const target = join(dir, "snapshot.db");
    await source.backup(target);
    return readFileSync(target);
  } finally {
    source.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Encrypts `bytes` as a backup file of `kind` (mode 600). */
export function writeBackupFile(file: string, kind: BackupKind, bytes: Buffer, cipher: FieldCipher): void {
  const body = cipher.encrypt(bytes.toString("base64"), `backup.${kind}`);
  writeFileSync(file, `closer-backup v1 ${kind}\n${body}\n`, { mode: 0o600 });
}

/**
 * Reads and decrypts a backup file.
 * @throws CloserError `bad_request` when it is not a backup file; `decryption_failed` with another key.
 */
export function readBackupFile(file: string, cipher: FieldCipher): { kind: BackupKind; bytes: Buffer } {
  const [header = "", body = ""] = readFileSync(file, "utf8").split("\n");
  const match = HEADER.exec(header);
  if (match === null) throw new CloserError("bad_request", `${file} is not a Closer backup file.`);
  const kind = match[1] as BackupKind;
  return { kind, bytes: Buffer.from(cipher.decrypt(body.trim(), `backup.${kind}`), "base64") };
}

/**
 * Checks a decrypted snapshot: SQLite opens it, `integrity_check` says ok, and it has customers.
 * @returns the number of customers and messages it holds.
 * @throws CloserError `bad_request` when it is not a sound database.
 */
export function checkSnapshot(bytes: Buffer): { customers: number; messages: number } {
  let db: BetterSqlite3.Database | undefined;
  // A snapshot of a WAL database says so in its header, which an in-memory copy cannot open: use a file.
  const dir = mkdtempSync(join(tmpdir(), "closer-check-"));
  try {
    const file = join(dir, "snapshot.db");
    writeFileSync(file, bytes, { mode: 0o600 });
    const opened = new BetterSqlite3(file, { readonly: true });
    db = opened;
    const check = opened.pragma("integrity_check", { simple: true });
    if (check !== "ok") throw new Error(String(check));
    const count = (table: string) => (opened.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return { customers: count("customers"), messages: count("messages") };
  } catch (cause) {
    throw new CloserError("bad_request", `The snapshot is not a sound database: ${String(cause)}`, { cause });
  } finally {
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
