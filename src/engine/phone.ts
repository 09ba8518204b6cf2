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
