/**
 * Logging: one pino root, one child per module bound with `module`. Phone numbers
 * are masked to their last four digits; message text never goes to info level.
 * @module
 */
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
