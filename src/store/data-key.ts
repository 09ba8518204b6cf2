/**
 * The data key that encrypts fields at rest: from `CLOSER_DATA_KEY`, else from
 * the key file `DATA_DIR/closer.key`, made (32 random bytes, mode 600) on the
 * first start.
 * @module
 */
import { randomBytes as cryptoRandomBytes } from "node:crypto";
import * as nodeFs from "node:fs";
import { join } from "node:path";
import { CloserError } from "../errors.js";
import { isLooserThanOwnerOnly, readOrCreateSecretFile, type SecretFileSystem } from "./secret-file.js";

/** The key file's name inside `DATA_DIR`. */
export const DATA_KEY_FILE_NAME = "closer.key";

/** Length of a data key in bytes. */
export const DATA_KEY_BYTES = 32;

/** Options of `loadDataKey`. */
export interface LoadDataKeyOptions {
  /** The value of `CLOSER_DATA_KEY` (base64 of 32 bytes); unset or blank means the key file. */
  readonly envValue?: string | undefined;
  /** `DATA_DIR`: where the key file is read or created. */
  readonly dataDir: string;
  /** File-system calls; default `node:fs`. */
  readonly fs?: SecretFileSystem;
  /** Source of a new key's bytes; default `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Buffer;
}

/** A loaded data key. */
export interface LoadedDataKey {
  /** The 32-byte key. */
  readonly key: Buffer;
  /** `env`: from CLOSER_DATA_KEY; `file`: read from the key file; `created`: the key file was made now. */
  readonly source: "env" | "file" | "created";
  /** The key file's path (also when the key came from the environment). */
  readonly file: string;
  /** Things the caller should log at warn level (a key file others can read, a key that was just made). */
  readonly warnings: readonly string[];
}

/**
 * Loads the data key: `CLOSER_DATA_KEY` when set, else the key file, which is
 * created when missing. Safe when two processes start at once: both end up
 * with the same key.
 * @throws CloserError `key_invalid` when CLOSER_DATA_KEY or the key file is not base64 of exactly 32 bytes.
 */
export function loadDataKey({
  envValue,
  dataDir,
  fs = nodeFs,
  randomBytes = cryptoRandomBytes,
}: LoadDataKeyOptions): LoadedDataKey {
  const file = join(dataDir, DATA_KEY_FILE_NAME);
  if (envValue !== undefined && envValue.trim() !== "") {
    return { key: parseDataKey(envValue, "CLOSER_DATA_KEY"), source: "env", file, warnings: [] };
  }
  const content = readOrCreateSecretFile(file, () => `${newDataKey(randomBytes).toString("base64")}\n`, fs);
  const key = parseDataKey(content.text, `The key file ${file}`);
  const warnings: string[] = [];
  if (content.created) {
    warnings.push(
      `Created a new data key in ${file}. Back it up: without it the encrypted conversations cannot be read.`,
    );
  }
  if (isLooserThanOwnerOnly(content.mode)) {
    warnings.push(
      `The key file ${file} has mode ${content.mode.toString(8)}, so other users may read it; run: chmod 600 ${file}`,
    );
  }
  return { key, source: content.created ? "created" : "file", file, warnings };
}

/**
 * Parses base64 (standard or url-safe, padding optional, surrounding
 * whitespace ignored) of exactly 32 bytes. `origin` names where the text came
 * from in the error; the text itself is never shown.
 * @throws CloserError `key_invalid` naming `origin` and what is expected.
 */
export function parseDataKey(text: string, origin: string): Buffer {
  const trimmed = text.trim();
  const expected = `must be base64 of exactly ${DATA_KEY_BYTES} bytes (make one with: openssl rand -base64 32)`;
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    throw new CloserError("key_invalid", `${origin} ${expected}; it is not base64.`);
  }
  const key = Buffer.from(trimmed.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (key.length !== DATA_KEY_BYTES) {
    throw new CloserError("key_invalid", `${origin} ${expected}; it decodes to ${key.length} bytes.`);
  }
  return key;
}

function newDataKey(randomBytes: (size: number) => Buffer): Buffer {
  const key = randomBytes(DATA_KEY_BYTES);
  if (key.length !== DATA_KEY_BYTES)
    throw new Error(`randomBytes returned ${key.length} bytes, not ${DATA_KEY_BYTES}.`);
  return key;
}
