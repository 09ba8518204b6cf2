/**
 * Field encryption for the `_enc` columns and keyed hashes for the `_index`
 * columns.
 *
 * A value is `v2.<keyId>.<base64url(iv ‖ tag ‖ ciphertext)>`: AES-256-GCM with a
 * random 12-byte IV and a 16-byte tag. The key id is a fingerprint of the data
 * key, so after a rotation (new primary, old key in `previous`) old values
 * still decrypt. Nothing is ever returned that did not authenticate.
 *
 * The GCM additional data binds a value to where it is stored: its column and,
 * for a `RowBinding`, its row's stable identity (for customer data, the
 * customer id), so a ciphertext copied into another customer's row fails to
 * decrypt. Values of the older `v1.` format were bound to their column only;
 * they still decrypt (the row is then not checked) and are rewritten as `v2.`
 * at start (see ciphertext-rebinding.ts).
 *
 * The data key itself is never used directly: HKDF-SHA256 derives one key for
 * encryption, one for blind indexes and the key id, each with its own label.
 * @module
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto";
import { CloserError } from "../errors.js";

/** Options of `createFieldCipher`. */
export interface FieldCipherOptions {
  /** The current data key, 32 bytes. Encrypts every new value and computes every blind index. */
  readonly primary: Buffer;
  /** Earlier data keys (32 bytes each), kept only to decrypt values written before a rotation. */
  readonly previous?: readonly Buffer[];
}

/**
 * Where a value is stored: its column (e.g. `"messages.text"`) and the stable identity of its row
 * (e.g. the customer id), known before the row is inserted and never changed afterwards.
 */
export interface RowBinding {
  readonly column: string;
  readonly row: string;
}

/** What a value is bound to: a column label alone (values not stored in a row: backups), or a row. */
export type CipherBinding = string | RowBinding;

/** The binding of a value stored in `column` of the row whose stable identity is `row`. */
export function rowBound(column: string, row: string): RowBinding {
  return { column, row };
}

/** Encrypts and decrypts column values, and computes blind indexes. */
export interface FieldCipher {
  /** Fingerprint of the primary key (8 hex digits); written into every value it encrypts. */
  readonly keyId: string;
  /**
   * Encrypts `text` (any string, including empty) in the `v2.` format. `aad` binds the value to where it
   * is stored: pass the column and row (`rowBound("messages.text", customerId)`), or a column label alone
   * for a value outside any row, and the same to `decrypt`; a value copied into another column or
   * another row then fails to decrypt. Default `""` (no binding).
   */
  encrypt(text: string, aad?: CipherBinding): string;
  /**
   * Decrypts a value made by `encrypt` with the same `aad`, with the primary or a previous key. A value of
   * the older `v1.` format is checked against the column only.
   * @throws CloserError `decryption_failed` when the value is malformed, its key is unknown, or it fails
   * authentication (altered, moved to another column or row, or made with another key).
   */
  decrypt(value: string, aad?: CipherBinding): string;
  /** `encrypt(JSON.stringify(data), aad)`. */
  encryptJson(data: unknown, aad?: CipherBinding): string;
  /**
   * Decrypts and parses JSON. The result is not validated: parse it with the zod schema of its type.
   * @throws CloserError `decryption_failed` as `decrypt`, or when the plaintext is not JSON.
   */
  decryptJson<T = unknown>(value: string, aad?: CipherBinding): T;
  /**
   * Keyed hash for equality lookups: HMAC-SHA256 with the primary key's index key, first 128 bits,
   * base64url (22 characters). Deterministic for one key; normalise the input first (e.g. E.164 digits).
   * Always uses the primary key: after a key rotation every `_index` column must be recomputed.
   */
  blindIndex(value: string): string;
  /** The key id a value was encrypted with, or undefined when it is not a value of this format. */
  keyIdOf(value: string): string | undefined;
  /** The format version of a value (`v1`: column-bound only; `v2`: column and row), or undefined. */
  versionOf(value: string): "v1" | "v2" | undefined;
}

/** The format every new value is written in. */
const VERSION = "v2";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const INDEX_BYTES = 16;
const ALGORITHM = "aes-256-gcm";
const VALUE_PATTERN = /^(v[12])\.([0-9a-f]{8})\.([A-Za-z0-9_-]+)$/;

interface DerivedKey {
  readonly id: string;
  readonly encryption: Buffer;
  readonly index: Buffer;
}

/**
 * Builds a field cipher over a primary key and any previous keys.
 * @throws CloserError `key_invalid` when a key is not 32 bytes or two different keys share a key id.
 */
export function createFieldCipher({ primary, previous = [] }: FieldCipherOptions): FieldCipher {
  const current = deriveKey(primary, "primary");
  const byId = new Map<string, DerivedKey>([[current.id, current]]);
  previous.forEach((key, i) => {
    const derived = deriveKey(key, `previous[${i}]`);
    const known = byId.get(derived.id);
    if (known && !known.encryption.equals(derived.encryption)) {
      throw new CloserError("key_invalid", `Two data keys share the key id ${derived.id}; drop one of them.`);
    }
    byId.set(derived.id, derived);
  });

  function encrypt(text: string, aad: CipherBinding = ""): string {
    const iv = ivs.next();
    const cipher = createCipheriv(ALGORITHM, current.encryption, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(additionalData(VERSION, current.id, aad));
    const body = cipher.update(text, "utf8");
    const tail = cipher.final();
    const packed = Buffer.concat([iv, cipher.getAuthTag(), body, tail]);
    return `${VERSION}.${current.id}.${packed.toString("base64url")}`;
  }

  function decrypt(value: string, aad: CipherBinding = ""): string {
    const match = VALUE_PATTERN.exec(value);
    if (!match) throw failure("it is not an encrypted value (expected v2.<keyId>.<data>)", aad);
    const version = match[1] as "v1" | "v2";
    const keyId = match[2] as string;
    const key = byId.get(keyId);
    if (!key) {
      throw failure(
        `it was encrypted with key ${keyId}, which is neither the current key (${current.id}) nor a previous one; ` +
          "configure the key that made it",
        aad,
        keyId,
      );
    }
    const packed = Buffer.from(match[3] as string, "base64url");
    if (packed.length < IV_BYTES + TAG_BYTES) throw failure("it is truncated", aad, keyId);
    try {
      const decipher = createDecipheriv(ALGORITHM, key.encryption, packed.subarray(0, IV_BYTES), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAAD(additionalData(version, keyId, aad));
      decipher.setAuthTag(packed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const plaintext = Buffer.concat([decipher.update(packed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
      return plaintext.toString("utf8");
    } catch (cause) {
      const moved = version === "v1" ? "moved from another column" : "moved from another row or column";
      throw failure(`it failed authentication (altered, ${moved}, or wrong key)`, aad, keyId, cause);
    }
  }

  function encryptJson(data: unknown, aad: CipherBinding = ""): string {
    return encrypt(JSON.stringify(data), aad);
  }

  function decryptJson<T = unknown>(value: string, aad: CipherBinding = ""): T {
    const text = decrypt(value, aad);
    try {
      return JSON.parse(text) as T;
    } catch (cause) {
      throw failure("it decrypted but is not JSON", aad, current.id, cause);
    }
  }

  function blindIndex(value: string): string {
    return createHmac("sha256", current.index)
      .update(value, "utf8")
      .digest()
      .subarray(0, INDEX_BYTES)
      .toString("base64url");
  }

  function keyIdOf(value: string): string | undefined {
    return VALUE_PATTERN.exec(value)?.[2];
  }

  function versionOf(value: string): "v1" | "v2" | undefined {
    return VALUE_PATTERN.exec(value)?.[1] as "v1" | "v2" | undefined;
  }

  return { keyId: current.id, encrypt, decrypt, encryptJson, decryptJson, blindIndex, keyIdOf, versionOf };
}

function deriveKey(key: Buffer, label: string): DerivedKey {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    const got = Buffer.isBuffer(key) ? `${key.length} bytes` : typeof key;
    throw new CloserError("key_invalid", `The ${label} data key must be ${KEY_BYTES} bytes; got ${got}.`);
  }
  return {
    id: hkdf(key, "closer key id v1", 4).toString("hex"),
    encryption: hkdf(key, "closer field encryption v1", KEY_BYTES),
    index: hkdf(key, "closer blind index v1", KEY_BYTES),
  };
}

function hkdf(key: Buffer, info: string, length: number): Buffer {
  return Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), info, length));
}

/**
 * Random IVs drawn from the CSPRNG a few hundred at a time: one `randomBytes` call per field
 * encrypted showed in the pipeline's profile. Each IV is still 12 fresh random bytes, used once.
 */
class IvPool {
  #pool = Buffer.alloc(0);
  #at = 0;

  next(): Buffer {
    if (this.#at + IV_BYTES > this.#pool.length) {
      this.#pool = randomBytes(IV_BYTES * 256);
      this.#at = 0;
    }
    const iv = Buffer.from(this.#pool.subarray(this.#at, this.#at + IV_BYTES));
    this.#at += IV_BYTES;
    return iv;
  }
}

const ivs = new IvPool();

/**
 * The GCM additional data: the format version and key id as well as the caller's binding, so none can
 * be swapped. `v1`: `v1.<keyId>.<column>`. `v2`: `v2.<keyId>.<column>` NUL `<row>` (a column label never
 * holds NUL, so no two bindings give the same bytes).
 */
function additionalData(version: "v1" | "v2", keyId: string, aad: CipherBinding): Buffer {
  const { column, row } = typeof aad === "string" ? { column: aad, row: "" } : aad;
  if (column.includes("\u0000")) throw new Error(`a column label holds NUL: ${JSON.stringify(column)}`);
  const label = version === "v1" ? column : `${column}\u0000${row}`;
  return Buffer.from(`${version}.${keyId}.${label}`, "utf8");
}

function failure(reason: string, aad: CipherBinding, keyId?: string, cause?: unknown): CloserError {
  const { column, row } = typeof aad === "string" ? { column: aad, row: "" } : aad;
  const where = column === "" ? "A stored value" : `A stored value of ${column}${row === "" ? "" : ` in row ${row}`}`;
  return new CloserError("decryption_failed", `${where} cannot be decrypted: ${reason}.`, {
    cause,
    details: { keyId, aad: column, row },
  });
}
