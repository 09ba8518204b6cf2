import { describe, expect, it } from "vitest";
import {
  verifyCloudSignature,
  verifyGowaSignature,
  verifyWahaSignature,
} from "../../../src/engine/gateway/webhook-signature.js";
import {
  loadContractExample,
  loadSignatureVectors,
  readContractExample,
  type SignatureVector,
  signedBody,
} from "../../support/webhook-signing.js";

// The gateways' own test vectors, kept in test/contracts/<gateway>/signature-vectors.json.
const [GOWA] = loadSignatureVectors("gowa") as [SignatureVector];
const [WAHA] = loadSignatureVectors("waha") as [SignatureVector];
const [CLOUD_FILE, CLOUD_TEST] = loadSignatureVectors("cloud") as [SignatureVector, SignatureVector];
const GOWA_VECTOR = GOWA.signature;
const WAHA_BODY = signedBody("waha", WAHA).toString("utf8");
const WAHA_VECTOR = WAHA.signature;
const CLOUD_FILE_VECTOR = CLOUD_FILE.signature;
const CLOUD_TEST_VECTOR = CLOUD_TEST.signature;

function gowaVectorBody(): Buffer {
  return signedBody("gowa", GOWA);
}

function flipByte(buffer: Buffer, index: number): Buffer {
  const copy = Buffer.from(buffer);
  copy[index] = (copy[index] ?? 0) ^ 0x01;
  return copy;
}

describe("verifyGowaSignature", () => {
  it("should accept the contract's vector over the compact, key-sorted message-text.json (354 bytes)", () => {
    const body = gowaVectorBody();
    expect(body.length).toBe(354);
    expect(body.length).toBe(GOWA.bodyBytes);
    expect(verifyGowaSignature(body, GOWA_VECTOR, GOWA.secret)).toBe(true);
  });

  it("should accept upper-case hex", () => {
    const upper = `sha256=${GOWA_VECTOR.slice("sha256=".length).toUpperCase()}`;
    expect(verifyGowaSignature(gowaVectorBody(), upper, "secret")).toBe(true);
  });

  it("should reject a body with one flipped byte", () => {
    expect(verifyGowaSignature(flipByte(gowaVectorBody(), 100), GOWA_VECTOR, "secret")).toBe(false);
  });

  it("should reject the right body under a wrong secret", () => {
    expect(verifyGowaSignature(gowaVectorBody(), GOWA_VECTOR, "not-the-secret")).toBe(false);
  });

  it("should reject the pretty-printed file, because the signature covers the exact bytes sent", () => {
    expect(verifyGowaSignature(readContractExample("gowa", "message-text.json"), GOWA_VECTOR, "secret")).toBe(false);
  });

  it.each([
    ["a missing header", undefined],
    ["an empty header", ""],
    ["a header without the sha256= prefix", GOWA_VECTOR.slice("sha256=".length)],
    ["a truncated signature", GOWA_VECTOR.slice(0, -2)],
    ["a signature with a non-hex character", `${GOWA_VECTOR.slice(0, -1)}g`],
    ["a repeated header", [GOWA_VECTOR, GOWA_VECTOR]],
  ])("should return false, not throw, for %s", (_name, header) => {
    expect(verifyGowaSignature(gowaVectorBody(), header, "secret")).toBe(false);
  });
});

describe("verifyWahaSignature", () => {
  it("should accept the contract's vector", () => {
    expect(verifyWahaSignature(Buffer.from(WAHA_BODY), WAHA_VECTOR, WAHA.secret, WAHA.algorithm)).toBe(true);
  });

  it("should accept the vector when WAHA names no algorithm", () => {
    expect(verifyWahaSignature(Buffer.from(WAHA_BODY), WAHA_VECTOR, "my-secret-key")).toBe(true);
  });

  it("should reject an algorithm other than sha512", () => {
    expect(verifyWahaSignature(Buffer.from(WAHA_BODY), WAHA_VECTOR, "my-secret-key", "sha256")).toBe(false);
  });

  it("should reject a body with one flipped byte", () => {
    expect(verifyWahaSignature(flipByte(Buffer.from(WAHA_BODY), 3), WAHA_VECTOR, "my-secret-key", "sha512")).toBe(
      false,
    );
  });

  it("should reject a wrong key", () => {
    expect(verifyWahaSignature(Buffer.from(WAHA_BODY), WAHA_VECTOR, "other-key", "sha512")).toBe(false);
  });

  it.each([
    ["a missing header", undefined],
    ["a SHA-256 length signature", WAHA_VECTOR.slice(0, 64)],
    ["a hub-style prefixed signature", `sha512=${WAHA_VECTOR}`],
  ])("should return false for %s", (_name, header) => {
    expect(verifyWahaSignature(Buffer.from(WAHA_BODY), header, "my-secret-key", "sha512")).toBe(false);
  });
});

describe("verifyCloudSignature", () => {
  it("should accept the contract's vector over the exact bytes of inbound-text.json (985 bytes)", () => {
    const body = signedBody("cloud", CLOUD_FILE);
    expect(body.length).toBe(985);
    expect(body.length).toBe(CLOUD_FILE.bodyBytes);
    expect(verifyCloudSignature(body, CLOUD_FILE_VECTOR, CLOUD_FILE.secret)).toBe(true);
  });

  it("should accept HMAC-SHA256('secret', 'test')", () => {
    expect(verifyCloudSignature(signedBody("cloud", CLOUD_TEST), CLOUD_TEST_VECTOR, CLOUD_TEST.secret)).toBe(true);
  });

  it("should reject a body with one flipped byte", () => {
    const body = flipByte(readContractExample("cloud", "inbound-text.json"), 500);
    expect(verifyCloudSignature(body, CLOUD_FILE_VECTOR, "test-app-secret")).toBe(false);
  });

  it("should reject a wrong app secret", () => {
    const body = readContractExample("cloud", "inbound-text.json");
    expect(verifyCloudSignature(body, CLOUD_FILE_VECTOR, "another-app-secret")).toBe(false);
  });

  it("should reject a re-serialised body, which no longer has the signed bytes", () => {
    const reserialised = Buffer.from(JSON.stringify(loadContractExample("cloud", "inbound-text.json")));
    expect(verifyCloudSignature(reserialised, CLOUD_FILE_VECTOR, "test-app-secret")).toBe(false);
  });

  it("should return false for a missing header", () => {
    expect(verifyCloudSignature(Buffer.from("test"), undefined, "secret")).toBe(false);
  });
});
