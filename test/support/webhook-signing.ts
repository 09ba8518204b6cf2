/**
 * Test helpers that sign and post webhooks exactly as the gateways do, written
 * independently of src/ so a wrong verifier cannot agree with a wrong signer;
 * plus the contracts' example payloads and signature vectors, kept in
 * `test/contracts/` (see its README for each gateway's version and sources).
 * @module
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The gateway contract fixtures inside the repository, with a trailing slash. */
export const CONTRACTS_DIR = fileURLToPath(new URL("../contracts/", import.meta.url));

/** A contract folder under `test/contracts/`. */
export type ContractVendor = "gowa" | "waha" | "cloud";

/** One signature test vector of a gateway (`<vendor>/signature-vectors.json`). */
export interface SignatureVector {
  name: string;
  secret: string;
  /** The signed body, when given literally. */
  body?: string;
  /** The example whose bytes are signed, when the body is a file in `webhook-examples/`. */
  bodyExample?: string;
  /** `file-bytes` (the file as stored) or `go-json` (compact, keys sorted, as GOWA sends it). */
  bodyForm?: "file-bytes" | "go-json";
  /** The signed body's length, a check that the bytes are the documented ones. */
  bodyBytes?: number;
  algorithm?: string;
  /** The header value the gateway sends. */
  signature: string;
}

/** The signature vectors of `vendor`, in file order. */
export function loadSignatureVectors(vendor: ContractVendor): SignatureVector[] {
  const file = JSON.parse(readFileSync(`${CONTRACTS_DIR}${vendor}/signature-vectors.json`, "utf8")) as {
    vectors: SignatureVector[];
  };
  return file.vectors;
}

/** The exact bytes a vector signs. */
export function signedBody(vendor: ContractVendor, vector: SignatureVector): Buffer {
  if (vector.body !== undefined) return Buffer.from(vector.body, "utf8");
  if (vector.bodyExample === undefined) throw new Error(`vector '${vector.name}' names no body`);
  if (vector.bodyForm === "go-json") {
    return Buffer.from(goJsonMarshal(loadContractExample(vendor, vector.bodyExample)), "utf8");
  }
  return readContractExample(vendor, vector.bodyExample);
}

/** The exact bytes of `<vendor>/webhook-examples/<file>`. */
export function readContractExample(vendor: ContractVendor, file: string): Buffer {
  return readFileSync(`${CONTRACTS_DIR}${vendor}/webhook-examples/${file}`);
}

/** `<vendor>/webhook-examples/<file>` parsed, as a fresh mutable copy. */
export function loadContractExample<T = Record<string, unknown>>(vendor: ContractVendor, file: string): T {
  return JSON.parse(readContractExample(vendor, file).toString("utf8")) as T;
}

/**
 * JSON as Go's `encoding/json` writes a `map[string]any`: compact, keys sorted at
 * every level, `<`, `>`, `&`, U+2028 and U+2029 escaped. This is GOWA's wire body.
 */
export function goJsonMarshal(value: unknown): string {
  return JSON.stringify(sortKeys(value)).replace(/[<>&\u2028\u2029]/g, (char) => unicodeEscape(char));
}

/** JSON with every non-ASCII character escaped (`é` → `\u00e9`), as Meta sends it. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (char) => unicodeEscape(char));
}

/** GOWA's `X-Hub-Signature-256` value for `body` under `secret`. */
export function signGowa(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** WAHA's `X-Webhook-Hmac` value (hex HMAC-SHA512) for `body` under `key`. */
export function signWaha(body: string | Buffer, key: string): string {
  return createHmac("sha512", key).update(body).digest("hex");
}

/** The Cloud API's `X-Hub-Signature-256` value for `body` under the app secret. */
export function signCloud(body: string | Buffer, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(body).digest("hex")}`;
}

/** The headers WAHA adds to a webhook request (HMAC ones only when `key` is given). */
export function wahaWebhookHeaders(
  body: string | Buffer,
  { key, requestId, timestampMs }: { key?: string | undefined; requestId: string; timestampMs: number },
): Record<string, string> {
  const headers: Record<string, string> = {
    "user-agent": "WAHA/2026.7.1",
    "x-webhook-request-id": requestId,
    "x-webhook-timestamp": String(timestampMs),
  };
  if (key !== undefined) {
    headers["x-webhook-hmac"] = signWaha(body, key);
    headers["x-webhook-hmac-algorithm"] = "sha512";
  }
  return headers;
}

/** What the receiver answered. */
export interface WebhookDelivery {
  status: number;
  body: string;
}

/** POSTs `body` as `application/json` with `headers` to `url` (loopback only in tests). */
export async function postWebhook(
  url: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): Promise<WebhookDelivery> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : new Uint8Array(body),
  });
  return { status: response.status, body: await response.text() };
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) sorted[key] = sortKeys((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

function unicodeEscape(char: string): string {
  return `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`;
}
