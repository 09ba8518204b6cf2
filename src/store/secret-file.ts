/**
 * Small secret files in `DATA_DIR` (the data key, the admin token): created
 * once with mode 600, atomically, and read on every later start.
 * @module
 */
import { randomBytes } from "node:crypto";
import * as nodeFs from "node:fs";
import { basename, dirname, join } from "node:path";

/** The file-system calls secret files need; `node:fs` by default, a fake in tests. */
export type SecretFileSystem = Pick<
  typeof nodeFs,
  | "closeSync"
  | "fsyncSync"
  | "linkSync"
  | "mkdirSync"
  | "openSync"
  | "readFileSync"
  | "statSync"
  | "unlinkSync"
  | "writeSync"
>;

/** A secret file's content and how it was obtained. */
export interface SecretFileContent {
  /** The file's text, untrimmed. */
  readonly text: string;
  /** True when this call created the file. */
  readonly created: boolean;
  /** Permission bits of the file (e.g. 0o600). */
  readonly mode: number;
}

/**
 * Reads `path`, or creates it with `make()` and mode 600 when it does not exist
 * (its folder too, with mode 700). The file is written under a temporary name,
 * flushed, then linked into place, which fails if the name exists: two
 * processes starting at once never overwrite each other, and no reader ever
 * sees a half-written file. The loser of a race reads the winner's file.
 * @throws the file-system error when the file cannot be read or written.
 */
export function readOrCreateSecretFile(
  path: string,
  make: () => string,
  fs: SecretFileSystem = nodeFs,
): SecretFileContent {
  const existing = readIfExists(path, fs);
  if (existing) return existing;
  fs.mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const created = createExclusively(path, make(), fs);
  const content = readIfExists(path, fs);
  if (!content) throw new Error(`${path} vanished right after it was created.`);
  return { ...content, created };
}

/** True when group or others may read or write a file of this mode (always false on Windows). */
export function isLooserThanOwnerOnly(mode: number): boolean {
  return process.platform !== "win32" && (mode & 0o077) !== 0;
}

function readIfExists(path: string, fs: SecretFileSystem): SecretFileContent | undefined {
  try {
    const mode = fs.statSync(path).mode & 0o777;
    return { text: fs.readFileSync(path, "utf8"), created: false, mode };
  } catch (error) {
    if (errorCode(error) === "ENOENT") return undefined;
    throw error;
  }
}

function createExclusively(path: string, text: string, fs: SecretFileSystem): boolean {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  writeDurably(temporary, text, fs);
  try {
    fs.linkSync(temporary, path);
    syncFolder(dirname(path), fs);
    return true;
  } catch (error) {
    if (errorCode(error) === "EEXIST") return false;
    // File systems without hard links: fall back to an exclusive create (a racing reader may see it empty).
    if (["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"].includes(errorCode(error) ?? "")) {
      try {
        writeDurably(path, text, fs);
        return true;
      } catch (fallbackError) {
        if (errorCode(fallbackError) === "EEXIST") return false;
        throw fallbackError;
      }
    }
    throw error;
  } finally {
    fs.unlinkSync(temporary);
  }
}

function writeDurably(path: string, text: string, fs: SecretFileSystem): void {
  const fd = fs.openSync(path, "wx", 0o600);
  try {
    fs.writeSync(fd, text);
    // A lost key makes every encrypted value unreadable, so the file must reach the disk before it is used.
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function syncFolder(folder: string, fs: SecretFileSystem): void {
  try {
    const fd = fs.openSync(folder, "r");
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a folder (Windows); the file itself is already on disk.
  }
}

function errorCode(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "code" in error ? String(error.code) : undefined;
}
