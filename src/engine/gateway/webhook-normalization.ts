/**
 * What the webhook normalisers return, and the small helpers they share to read
 * a raw body and to explain why it is not the gateway's format.
 * @module
 */
import type { z } from "zod";
import type { InboundEvent } from "./whatsapp-gateway.js";

/**
 * The result of normalising one webhook body. `ok: true` means the body is the
 * gateway's format (answer 200), even when every part of it was `ignored` (each
 * entry says why); `ok: false` means it is not (answer 400 with `reason`).
 */
export type WebhookNormalization =
  | { ok: true; events: InboundEvent[]; ignored: string[] }
  | { ok: false; reason: string };

/** Options every normaliser takes. */
export interface NormalizeOptions {
  /** Epoch ms to stamp on events whose payload carries no time. */
  now: number;
}

/** Parses a raw webhook body as JSON, or says why it is not JSON. */
export function parseJsonBody(rawBody: Buffer | string): { ok: true; value: unknown } | { ok: false; reason: string } {
  const text = typeof rawBody === "string" ? rawBody : rawBody.toString("utf8");
  if (text.trim() === "") return { ok: false, reason: "empty body" };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
}

/** The first few zod issues as `path: message; …`, prefixed with where they were found. */
export function describeIssues(error: z.ZodError, where: string): string {
  const issues = error.issues.slice(0, 3).map((issue) => {
    const path = [where, ...issue.path.map(String)].filter((part) => part !== "").join(".");
    return `${path || "body"}: ${issue.message}`;
  });
  return issues.join("; ");
}

/** Epoch ms of an RFC 3339 time (GOWA), or null when unreadable. */
export function rfc3339ToMs(value: string | undefined): number | null {
  if (value === undefined) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Epoch ms of a Unix time in seconds given as a number or a decimal string (WAHA, Cloud), or null. */
export function unixSecondsToMs(value: number | string | undefined): number | null {
  if (value === undefined) return null;
  const seconds = typeof value === "number" ? value : /^\d+$/.test(value) ? Number(value) : Number.NaN;
  return Number.isFinite(seconds) ? seconds * 1000 : null;
}

/** Categories of ignored webhook events, for `/metrics`, tried in order against the reason. */
const IGNORED_CATEGORIES: readonly [string, RegExp][] = [
  ["group", /\bgroup\b/i],
  ["status", /\bbroadcast\b|\bstatus update\b/i],
  ["newsletter", /\bnewsletter\b/i],
  ["call", /\bcall\b/i],
  ["presence", /\bpresence\b/i],
  ["session", /\bsession\b|\bstate\b|\bengine\b/i],
  ["receipt", /\back\b|\breceipt\b|^status /i],
];

/** The category of an ignored event's reason: group, status, newsletter, call, presence, session, receipt or other. */
export function ignoredCategory(reason: string): string {
  return IGNORED_CATEGORIES.find(([, pattern]) => pattern.test(reason))?.[0] ?? "other";
}
