/**
 * What every `closer` sub-command receives and returns.
 * @module
 */

/** Where a command writes and what it reads from its surroundings. */
export interface CommandIo {
  /** Standard output (results). */
  out(text: string): void;
  /** Standard error (problems, progress). */
  err(text: string): void;
  /** The environment the command runs in (for config). */
  env: NodeJS.ProcessEnv;
  /** The working directory. */
  cwd: string;
  /** True when standard output is a terminal (progress bars, colours). */
  isTty: boolean;
}

/** A sub-command: parses its own arguments, returns the exit code. Never throws for bad input. */
export type Command = (argv: string[], io: CommandIo) => Promise<number>;
