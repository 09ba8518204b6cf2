/**
 * Makes sure `DATA_DIR` exists and can be written before anything is stored
 * there, so a folder that cannot be used is one clear line naming the folder
 * and what to do, not a raw `EACCES` from deep inside SQLite or the key file.
 * @module
 */
import * as nodeFs from "node:fs";
import { join } from "node:path";
import { CloserError } from "../errors.js";

/** The file-system calls {@link prepareDataDir} needs (default `node:fs`). */
export interface DataDirFileSystem {
  mkdirSync(path: string, options: { recursive: true; mode: number }): unknown;
  writeFileSync(path: string, data: string, options: { mode: number }): void;
  rmSync(path: string, options: { force: true }): void;
}

/** Name of the throw-away file that proves the folder is writable. */
const PROBE_FILE_NAME = ".closer-write-check";

/**
 * Creates `dir` (mode 700, with its parents) when missing and checks that a
 * file can be written in it, as the process really does (so it also holds for
 * root, read-only mounts and full disks).
 * @throws CloserError `data_dir_unusable` naming the folder, the reason and the fix.
 */
export function prepareDataDir(dir: string, fs: DataDirFileSystem = nodeFs): void {
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw unusable(dir, "cannot be created", error);
  }
  const probe = join(dir, PROBE_FILE_NAME);
  try {
    fs.writeFileSync(probe, "", { mode: 0o600 });
    fs.rmSync(probe, { force: true });
  } catch (error) {
    throw unusable(dir, "cannot be written", error);
  }
}

function unusable(dir: string, what: string, cause: unknown): CloserError {
  const code = (cause as NodeJS.ErrnoException | null)?.code;
  const reason = code === undefined ? "" : ` (${REASONS[code] ?? code})`;
  return new CloserError(
    "data_dir_unusable",
    `DATA_DIR ${dir} ${what}${reason}: give this user write access to it, or set DATA_DIR to a folder it can write`,
    { cause },
  );
}

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "a file of that name is in the way",
  ENOSPC: "no space left on the device",
};
