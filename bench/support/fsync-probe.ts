/**
 * How many durable commits per second this machine's disk gives right now: one
 * small insert per transaction into a SQLite file in WAL mode with
 * `synchronous = FULL`, as Closer's store commits. Shared disks vary a lot from
 * minute to minute, and each inbound message costs Closer several commits, so
 * the figure goes with the pipeline's.
 * @module
 */
import { rmSync } from "node:fs";
import { join } from "node:path";
import BetterSqlite3 from "better-sqlite3";

/** Commits per second over `durationMs` of back-to-back one-row transactions in `dir`. */
export function probeFsyncCommitsPerSecond(dir: string, durationMs = 1500): number {
  const file = join(dir, "fsync-probe.db");
  const db = new BetterSqlite3(file);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec("create table probe (id integer primary key, value text not null)");
    const insert = db.prepare("insert into probe (value) values (?)");
    const payload = "x".repeat(300);
    const started = performance.now();
    let commits = 0;
    while (performance.now() - started < durationMs) {
      insert.run(payload);
      commits += 1;
    }
    return Math.round((commits * 1000) / (performance.now() - started));
  } finally {
    db.close();
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  }
}
