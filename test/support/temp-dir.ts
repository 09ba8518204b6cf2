/**
 * Temporary folders for tests, removed when the test file that made them has
 * finished, so a day of test runs does not leave thousands of data folders in
 * /tmp. A folder outlives the test that made it (a restarted server reads it
 * again), never its file.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";

const made = new Set<string>();

// Imported while the test file is collected, so this runs once the file's tests (and their afterAll hooks) are done.
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
  made.clear();
});

/** A new empty folder `/tmp/<prefix>XXXXXX`, removed with its contents when the test file has finished. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.add(dir);
  return dir;
}
