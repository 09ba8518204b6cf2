/**
 * Logging: one pino root, one child per module bound with `module`. Phone numbers
 * are masked to their last four digits; message text never goes to info level.
 * @module
 */
import { createRequire } from "node:module";
import { type LevelWithSilent, type Logger, pino } from "pino";

export type { Logger } from "pino";

/** Options for the root logger. */
export interface LoggerOptions {
  /** pino level; default `info`. */
  level?: LevelWithSilent;
  /** Where to write; default standard output. */
  destination?: NodeJS.WritableStream;
}

/** Creates the root logger. */
export function createLogger({ level = "info", destination }: LoggerOptions = {}): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ["text", "*.text", "phone", "*.phone", "authorization", "*.authorization", "token", "secret"],
        censor: "[redacted]",
      },
    },
    destination ?? process.stdout,
  );
}

/** pino-roll's stream factory (the package ships no types). */
type PinoRoll = (options: {
  file: string;
  frequency: "daily";
  mkdir: boolean;
  dateFormat: string;
  limit: { count: number; removeOtherLogFiles: boolean };
}) => Promise<NodeJS.WritableStream>;

/**
 * The service's root logger: standard output, and with `file` (LOG_FILE) also that file, rotated
 * daily (`<file>.<yyyy-MM-dd>.<n>`, by pino-roll) and keeping `retainDays` days of files.
 */
export async function createServiceLogger({
  level = "info",
  file,
  retainDays = 180,
}: {
  level?: LevelWithSilent;
  file?: string | undefined;
  retainDays?: number;
}): Promise<Logger> {
  if (file === undefined) return createLogger({ level });
  const pinoRoll = createRequire(import.meta.url)("pino-roll") as PinoRoll;
  const rolled = await pinoRoll({
    file,
    frequency: "daily",
    mkdir: true,
    dateFormat: "yyyy-MM-dd",
    limit: { count: retainDays, removeOtherLogFiles: true },
  });
  const streams = pino.multistream([
    { stream: process.stdout, level: "trace" },
    { stream: rolled, level: "trace" },
  ]);
  return createLogger({ level, destination: streams as unknown as NodeJS.WritableStream });
}

/** A logger that drops everything (tests, library use). */
export function silentLogger(): Logger {
  return pino({ level: "silent" });
}

/** Masks a phone number or WhatsApp id to its last four digits: `+1555…4567` → `…4567`. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return "…";
  const digits = phone.replace(/\D/g, "");
  return `…${digits.slice(-4)}`;
}

/** A run of digits that may be a phone number: optional `+`, digits with spaces, dashes, dots or brackets. */
const PHONE_LIKE = /\+?\(?\d[\d\s().-]{6,}\d/g;
/** Fewest digits a phone number has (E.164 numbers in use have 9 to 15). */
const PHONE_MIN_DIGITS = 9;
/** An ISO date, which is not a phone number even though it is a long run of digits. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;

/**
 * Masks every phone-like run of digits in free text to its last four digits
 * (`call +1 555 123 4567` → `call …4567`); shorter numbers (prices, counts) and ISO dates stay.
 */
export function maskPhonesInText(text: string): string {
  return text.replace(PHONE_LIKE, (match) => {
    const digits = match.replace(/\D/g, "");
    return digits.length >= PHONE_MIN_DIGITS && !ISO_DATE.test(match) ? `…${digits.slice(-4)}` : match;
  });
}

/** Masks phone-like digits in every string of a JSON-like value (objects, arrays), leaving other values as they are. */
export function maskPhonesDeep(value: unknown): unknown {
  if (typeof value === "string") return maskPhonesInText(value);
  if (Array.isArray(value)) return value.map(maskPhonesDeep);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskPhonesDeep(v)]));
  }
  return value;
}
