/**
 * The generated admin token, used when `CLOSER_ADMIN_TOKEN` is unset: made on
 * the first start, printed once by the caller, and accepted afterwards. It is
 * kept in `DATA_DIR/admin-token` with mode 600, beside the key file, which is
 * just as secret; delete the file to get a new token on the next start.
 * @module
 */
import { randomBytes as cryptoRandomBytes } from "node:crypto";
import * as nodeFs from "node:fs";
import { join } from "node:path";
import { CloserError } from "../errors.js";
import { isLooserThanOwnerOnly, readOrCreateSecretFile, type SecretFileSystem } from "./secret-file.js";

/** The token file's name inside `DATA_DIR`. */
export const ADMIN_TOKEN_FILE_NAME = "admin-token";

/** Shortest token the file may hold (as CLOSER_ADMIN_TOKEN; a generated one has 43 characters). */
export const ADMIN_TOKEN_FILE_MIN_CHARS = 32;

/** Options of `loadOrCreateAdminToken`. */
export interface AdminTokenOptions {
  /** File-system calls; default `node:fs`. */
  readonly fs?: SecretFileSystem;
  /** Source of a new token's bytes; default `crypto.randomBytes`. */
  readonly randomBytes?: (size: number) => Buffer;
}

/** The admin token and where it came from. */
export interface AdminToken {
  /** The bearer token (43 base64url characters when generated). */
  readonly token: string;
  /** True when this call made it: print it once, it is not shown again. */
  readonly created: boolean;
  /** The token file's path. */
  readonly file: string;
  /** Things the caller should log at warn level (a token file others can read). */
  readonly warnings: readonly string[];
}

/**
 * Reads the admin token from `DATA_DIR/admin-token`, creating it (32 random
 * bytes, base64url, mode 600) when missing. Safe when two processes start at once.
 * @throws CloserError `config_invalid` when the file holds no usable token (fewer than 32 characters or spaces).
 */
export function loadOrCreateAdminToken(
  dataDir: string,
  { fs = nodeFs, randomBytes = cryptoRandomBytes }: AdminTokenOptions = {},
): AdminToken {
  const file = join(dataDir, ADMIN_TOKEN_FILE_NAME);
  const content = readOrCreateSecretFile(file, () => `${randomBytes(32).toString("base64url")}\n`, fs);
  const token = content.text.trim();
  if (token.length < ADMIN_TOKEN_FILE_MIN_CHARS || /\s/.test(token)) {
    throw new CloserError(
      "config_invalid",
      `The admin token file ${file} must hold one token of at least ${ADMIN_TOKEN_FILE_MIN_CHARS} characters without spaces. ` +
        "Delete it to generate a new token, or set CLOSER_ADMIN_TOKEN.",
    );
  }
  const warnings = isLooserThanOwnerOnly(content.mode)
    ? [`The admin token file ${file} has mode ${content.mode.toString(8)}; run: chmod 600 ${file}`]
    : [];
  return { token, created: content.created, file, warnings };
}
