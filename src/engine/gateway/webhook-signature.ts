/**
 * Webhook signature checks over the raw body bytes, in constant time:
 * GOWA and the Cloud API sign with `X-Hub-Signature-256: sha256=<hex>`
 * (HMAC-SHA256), WAHA with `X-Webhook-Hmac: <hex>` (HMAC-SHA512).
 * A missing, malformed or wrong-length signature is simply `false`.
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** The header GOWA and the Cloud API put their signature in (lower-case, as node:http gives it). */
export const HUB_SIGNATURE_HEADER = "x-hub-signature-256";
/** The header WAHA puts its signature in. */
export const WAHA_HMAC_HEADER = "x-webhook-hmac";
/** The header WAHA names its algorithm in (`sha512`). */
export const WAHA_HMAC_ALGORITHM_HEADER = "x-webhook-hmac-algorithm";

/** A header as node:http and fastify hand it over; a repeated header (array) never verifies. */
export type HeaderValue = string | string[] | undefined;

/**
 * True when `header` is `sha256=` + the hex HMAC-SHA256 of `rawBody` under `secret`
 * (GOWA: `WHATSAPP_WEBHOOK_SECRET`, default `secret`).
 */
export function verifyGowaSignature(rawBody: Buffer, header: HeaderValue, secret: string): boolean {
  return verifyHubSignature(rawBody, header, secret);
}

/**
 * True when `header` is the hex HMAC-SHA512 of `rawBody` under WAHA's `hmac.key`.
 * When WAHA names the algorithm (`X-Webhook-Hmac-Algorithm`), it must be `sha512`.
 */
export function verifyWahaSignature(
  rawBody: Buffer,
  header: HeaderValue,
  secret: string,
  algorithmHeader?: HeaderValue,
): boolean {
  if (algorithmHeader !== undefined && single(algorithmHeader)?.trim().toLowerCase() !== "sha512") return false;
  const value = single(header);
  if (value === undefined) return false;
  return hexEquals(value.trim(), hmacHex("sha512", secret, rawBody));
}

/** True when `header` is `sha256=` + the hex HMAC-SHA256 of `rawBody` under the Meta app secret. */
export function verifyCloudSignature(rawBody: Buffer, header: HeaderValue, appSecret: string): boolean {
  return verifyHubSignature(rawBody, header, appSecret);
}

/**
 * Compares two secrets (e.g. the Cloud API verify token) in constant time,
 * whatever their lengths, by comparing their SHA-256 digests.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function verifyHubSignature(rawBody: Buffer, header: HeaderValue, secret: string): boolean {
  const value = single(header);
  if (value === undefined) return false;
  const match = /^sha256=([0-9a-fA-F]+)$/.exec(value.trim());
  if (!match?.[1]) return false;
  return hexEquals(match[1], hmacHex("sha256", secret, rawBody));
}

function hmacHex(algorithm: "sha256" | "sha512", secret: string, rawBody: Buffer): string {
  return createHmac(algorithm, secret).update(rawBody).digest("hex");
}

function hexEquals(givenHex: string, expectedHex: string): boolean {
  if (!/^[0-9a-fA-F]*$/.test(givenHex)) return false;
  const given = Buffer.from(givenHex.toLowerCase(), "utf8");
  const expected = Buffer.from(expectedHex, "utf8");
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}

function single(header: HeaderValue): string | undefined {
  return typeof header === "string" ? header : undefined;
}
