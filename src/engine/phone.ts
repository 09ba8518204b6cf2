/**
 * Phone numbers as people type them, turned into the digits WhatsApp uses.
 * @module
 */

/** The shortest and longest E.164 number, in digits. */
const MIN_DIGITS = 6;
const MAX_DIGITS = 15;

/**
 * `+1 (555) 123-4567` → `15551234567`; `null` when it is not a plausible
 * international number (too short, too long, letters, a leading 0).
 */
export function normalisePhone(input: string): string | null {
  const trimmed = input.trim().replace(/@s\.whatsapp\.net$|@c\.us$/, "");
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, "");
  if (digits.length < MIN_DIGITS || digits.length > MAX_DIGITS || digits.startsWith("0")) return null;
  return digits;
}

/** A Cloud API business-scoped user id (`US.13491208655302741918`): the identity of a customer known without phone. */
const BUSINESS_SCOPED_USER_ID = /^[A-Z]{2}\.[A-Za-z0-9]+$/;

/** Digits only, more than a phone number has. */
const LONG_ID = /^\d{16,24}$/;

/**
 * A WhatsApp username as an operator types it: `@kai.cooks` or `kai.cooks`. Letters (any case),
 * digits, `.` and `_`, with at least one letter, so no phone number reads as a username.
 */
const USERNAME = /^@?(?=[^@]*\p{L})[\p{L}\p{N}._]{1,64}$/u;

/**
 * How an operator names a customer: a phone number (normalised as {@link normalisePhone}), a
 * `…@lid` identity, a Cloud API business-scoped user id (`US.1349…`), the last two as given, or a
 * WhatsApp username, returned as `@` and the name in lower case (`@Kai.Cooks` → `@kai.cooks`).
 * Null when it is none of these.
 */
export function normaliseCustomerIdentity(input: string): string | null {
  const trimmed = input.trim();
  if (trimmed.endsWith("@lid") || BUSINESS_SCOPED_USER_ID.test(trimmed)) return trimmed;
  // A WhatsApp long id (`@lid`) given without its suffix: longer than any phone number.
  if (LONG_ID.test(trimmed)) return `${trimmed}@lid`;
  const phone = normalisePhone(trimmed);
  if (phone !== null) return phone;
  const name = trimmed.normalize("NFKC");
  return USERNAME.test(name) ? `@${name.replace(/^@/, "").toLowerCase()}` : null;
}

/** True for what {@link normaliseCustomerIdentity} returns for a username (`@kai.cooks`). */
export function isUsernameIdentity(identity: string): boolean {
  return identity.startsWith("@");
}
