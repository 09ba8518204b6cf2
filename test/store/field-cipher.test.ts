import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CloserError, isCloserError } from "../../src/errors.js";
import { createFieldCipher, rowBound } from "../../src/store/field-cipher.js";

const KEY_A = Buffer.alloc(32, 0xa1);
const KEY_B = Buffer.alloc(32, 0xb2);
/** The key the `V1_VALUES` were made with (the test data key, bytes 0x00…0x1f). */
const KEY_OLD = Buffer.from(Array.from({ length: 32 }, (_, i) => i));

/** Values written by the release before row binding (format v1: bound to the column only), under KEY_OLD. */
const V1_VALUES = {
  phone: "v1.035860ba.yQF57KA-he6VmbVs2sD5-7yHnaJohDZQFWIjD6LLKMaWtIeRP15Y",
  name: "v1.035860ba.eyzoow0KXNpqLEVRt_T9jAfusCgaWkw3hCaG_7lN7UZ7zRZL5SU2HMTc",
  profile: "v1.035860ba.3yE3xf9B2A8qzIns4trkDCqqgxYMDXsCSxT36KRGwdDKHv81PTOK6yteZ_w",
  text: "v1.035860ba.TRbtpXaZ3BbqGmejQOLSCB2nO7mp1dt5I8s5FjLThO2Oy08zgBydPfmRTvDqIeS9EdkIVIfSbwYRBAm5INU",
};

/** Runs `fn` and returns what it threw (fails the test when it did not throw). */
function thrown(fn: () => unknown): CloserError {
  try {
    fn();
  } catch (error) {
    if (error instanceof CloserError) return error;
    throw error;
  }
  throw new Error("expected a throw");
}

/** Splits a value into its header and the raw iv ‖ tag ‖ ciphertext bytes. */
function unpack(value: string): { header: string; bytes: Buffer } {
  const last = value.lastIndexOf(".");
  return { header: value.slice(0, last), bytes: Buffer.from(value.slice(last + 1), "base64url") };
}

function repack(header: string, bytes: Buffer): string {
  return `${header}.${bytes.toString("base64url")}`;
}

describe("createFieldCipher", () => {
  const cipher = createFieldCipher({ primary: KEY_A });

  it.each([
    { name: "ascii", text: "Hi! How much is the A model?" },
    { name: "empty string", text: "" },
    { name: "unicode", text: "Grüße, ¿cuánto cuesta? 価格はいくらですか" },
    { name: "emoji", text: "👍🏽 sounds good 🛒🔥 — 👨‍👩‍👧" },
    { name: "long text", text: "x".repeat(100_000) },
  ])("should round-trip $name", ({ text }) => {
    expect(cipher.decrypt(cipher.encrypt(text))).toBe(text);
    expect(cipher.decrypt(cipher.encrypt(text, "messages.text_enc"), "messages.text_enc")).toBe(text);
  });

  it("should write the compact v2.<keyId>.<data> format with the primary key's id", () => {
    const value = cipher.encrypt("hello");
    expect(cipher.keyId).toMatch(/^[0-9a-f]{8}$/);
    expect(value).toMatch(new RegExp(`^v2\\.${cipher.keyId}\\.[A-Za-z0-9_-]+$`));
    expect(cipher.versionOf(value)).toBe("v2");
    // 12-byte iv + 16-byte tag + 5 bytes of text
    expect(unpack(value).bytes.length).toBe(12 + 16 + 5);
    expect(cipher.keyIdOf(value)).toBe(cipher.keyId);
    expect(cipher.keyIdOf("plain text")).toBeUndefined();
  });

  it("should give two different values for the same text", () => {
    const a = cipher.encrypt("same text");
    const b = cipher.encrypt("same text");
    expect(a).not.toBe(b);
    expect(unpack(a).bytes.subarray(0, 12).equals(unpack(b).bytes.subarray(0, 12))).toBe(false);
  });

  it("should not contain the plaintext", () => {
    const value = cipher.encrypt("+15550100");
    expect(value).not.toContain("15550100");
    expect(unpack(value).bytes.includes("15550100")).toBe(false);
  });

  it("should refuse a value with any single byte of iv, tag or ciphertext changed", () => {
    const value = cipher.encrypt("Only 3 left in stock", "messages.text_enc");
    const { header, bytes } = unpack(value);
    for (let i = 0; i < bytes.length; i++) {
      const tampered = Buffer.from(bytes);
      tampered[i] = (tampered[i] as number) ^ 0x01;
      const error = thrown(() => cipher.decrypt(repack(header, tampered), "messages.text_enc"));
      expect(error.code, `byte ${i}`).toBe("decryption_failed");
      expect(error.message).toContain("failed authentication");
    }
  });

  it.each([
    { name: "truncated data", make: (v: string) => v.slice(0, v.indexOf(".", 3) + 10) },
    { name: "one byte removed", make: (v: string) => repack(unpack(v).header, unpack(v).bytes.subarray(1)) },
    { name: "not a value at all", make: () => "hello world" },
    { name: "an unknown version", make: (v: string) => v.replace(/^v2\./, "v3.") },
    { name: "a v2 value relabelled v1", make: (v: string) => v.replace(/^v2\./, "v1.") },
    { name: "a non-base64url character", make: (v: string) => `${v.slice(0, -1)}!` },
    { name: "the key id of another key", make: (v: string) => v.replace(/^v2\.[0-9a-f]{8}/, "v2.00000000") },
  ])("should refuse $name with decryption_failed", ({ make }) => {
    const value = make(cipher.encrypt("some text"));
    expect(
      isCloserError(
        thrown(() => cipher.decrypt(value)),
        "decryption_failed",
      ),
    ).toBe(true);
  });

  it("should refuse a value made with a different key", () => {
    const other = createFieldCipher({ primary: KEY_B });
    const error = thrown(() => other.decrypt(cipher.encrypt("secret")));
    expect(error.code).toBe("decryption_failed");
    expect(error.message).toContain(cipher.keyId);
    expect(error.message).toContain("neither the current key");
  });

  it("should refuse a value whose key id was swapped for the reader's own", () => {
    const other = createFieldCipher({ primary: KEY_B });
    const forged = cipher.encrypt("secret").replace(cipher.keyId, other.keyId);
    expect(thrown(() => other.decrypt(forged)).code).toBe("decryption_failed");
  });

  it("should decrypt a value made before a rotation when the old key is listed as previous", () => {
    const old = cipher.encrypt("from before the rotation", "customers.phone_enc");
    const rotated = createFieldCipher({ primary: KEY_B, previous: [KEY_A] });
    expect(rotated.keyId).not.toBe(cipher.keyId);
    expect(rotated.decrypt(old, "customers.phone_enc")).toBe("from before the rotation");
    const fresh = rotated.encrypt("after");
    expect(rotated.keyIdOf(fresh)).toBe(rotated.keyId);
    expect(thrown(() => cipher.decrypt(fresh)).code).toBe("decryption_failed");
  });

  it("should refuse a value moved to another column (AAD mismatch)", () => {
    const value = cipher.encrypt("+15550100", "customers.phone_enc");
    expect(thrown(() => cipher.decrypt(value, "customers.name_enc")).code).toBe("decryption_failed");
    expect(thrown(() => cipher.decrypt(value)).code).toBe("decryption_failed");
    expect(thrown(() => cipher.decrypt(cipher.encrypt("x"), "customers.phone_enc")).code).toBe("decryption_failed");
  });

  it("should name the column but never the plaintext in the error", () => {
    const value = cipher.encrypt("the secret text", "messages.text_enc");
    const error = thrown(() => cipher.decrypt(value, "profiles.profile_enc"));
    expect(error.message).toContain("profiles.profile_enc");
    expect(error.message).not.toContain("the secret text");
  });

  it("should refuse a value moved into another customer's row, naming the column and row, never the text", () => {
    const value = cipher.encrypt("+15550100", rowBound("customers.phone", "customer-a"));
    expect(cipher.decrypt(value, rowBound("customers.phone", "customer-a"))).toBe("+15550100");
    const error = thrown(() => cipher.decrypt(value, rowBound("customers.phone", "customer-b")));
    expect(error.code).toBe("decryption_failed");
    expect(error.message).toBe(
      "A stored value of customers.phone in row customer-b cannot be decrypted: it failed authentication " +
        "(altered, moved from another row or column, or wrong key).",
    );
    expect(error.message).not.toContain("15550100");
    // Neither the column alone nor a row whose text runs into the column's can stand in for the binding.
    expect(thrown(() => cipher.decrypt(value, "customers.phone")).code).toBe("decryption_failed");
    expect(thrown(() => cipher.decrypt(value, rowBound("customers.phone\u0000customer", "-a"))).code).toBe(
      "decryption_failed",
    );
    expect(thrown(() => cipher.decryptJson(value, rowBound("customers.name", "customer-a"))).code).toBe(
      "decryption_failed",
    );
  });

  it("should still read values of the old v1 format, checking their column only", () => {
    const old = createFieldCipher({ primary: KEY_OLD });
    expect(old.versionOf(V1_VALUES.phone)).toBe("v1");
    expect(old.decrypt(V1_VALUES.phone, rowBound("customers.phone", "any-customer"))).toBe("15550100777");
    expect(old.decrypt(V1_VALUES.name, "customers.name")).toBe("Ana Old-Format");
    expect(old.decryptJson(V1_VALUES.profile, rowBound("customers.profile", "c"))).toEqual({ trustLevel: 3 });
    expect(old.decrypt(V1_VALUES.text, rowBound("messages.text", "c"))).toBe("Do you still have the blue kettle?");
    const error = thrown(() => old.decrypt(V1_VALUES.phone, rowBound("customers.name", "c")));
    expect(error.message).toContain("moved from another column");
  });

  it("should read row-bound and v1 values after a rotation and bind what the new key writes", () => {
    const binding = rowBound("messages.text", "customer-a");
    const before = cipher.encrypt("from before the rotation", binding);
    const rotated = createFieldCipher({ primary: KEY_B, previous: [KEY_A, KEY_OLD] });
    expect(rotated.decrypt(before, binding)).toBe("from before the rotation");
    expect(thrown(() => rotated.decrypt(before, rowBound("messages.text", "customer-b"))).code).toBe(
      "decryption_failed",
    );
    expect(rotated.decrypt(V1_VALUES.text, binding)).toBe("Do you still have the blue kettle?");
    const after = rotated.encrypt("after", binding);
    expect(rotated.keyIdOf(after)).toBe(rotated.keyId);
    expect(rotated.versionOf(after)).toBe("v2");
    expect(thrown(() => rotated.decrypt(after, rowBound("messages.text", "customer-b"))).code).toBe(
      "decryption_failed",
    );
  });

  it("should round-trip JSON and refuse a value that is not JSON", () => {
    const profile = { interests: ["running shoes"], trust: 7, purchaseProbability: 0.4, language: "en" };
    expect(cipher.decryptJson(cipher.encryptJson(profile, "customers.profile_enc"), "customers.profile_enc")).toEqual(
      profile,
    );
    expect(thrown(() => cipher.decryptJson(cipher.encrypt("{not json"))).code).toBe("decryption_failed");
  });

  it("should compute a deterministic blind index that differs from a plain hash", () => {
    const index = cipher.blindIndex("15550100");
    expect(index).toBe(createFieldCipher({ primary: KEY_A }).blindIndex("15550100"));
    expect(index).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(index).not.toBe(cipher.blindIndex("15550101"));
    const sha = createHash("sha256").update("15550100").digest();
    expect(index).not.toBe(sha.subarray(0, 16).toString("base64url"));
    expect(index).not.toBe(sha.toString("base64url"));
    expect(index).not.toBe(createFieldCipher({ primary: KEY_B }).blindIndex("15550100"));
  });

  it("should index with the primary key only, so a rotation changes every index", () => {
    const rotated = createFieldCipher({ primary: KEY_B, previous: [KEY_A] });
    expect(rotated.blindIndex("15550100")).toBe(createFieldCipher({ primary: KEY_B }).blindIndex("15550100"));
    expect(rotated.blindIndex("15550100")).not.toBe(cipher.blindIndex("15550100"));
  });

  it.each([
    { name: "a 16-byte primary key", options: { primary: Buffer.alloc(16) } },
    { name: "a 33-byte primary key", options: { primary: Buffer.alloc(33) } },
    { name: "a short previous key", options: { primary: KEY_A, previous: [Buffer.alloc(31)] } },
  ])("should refuse $name with key_invalid", ({ options }) => {
    expect(thrown(() => createFieldCipher(options)).code).toBe("key_invalid");
  });
});
