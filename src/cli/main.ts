#!/usr/bin/env node
/**
 * The `closer` command: a thin shell that dispatches to sub-commands.
 * @module
 */
import type { Command, CommandIo } from "./command.js";
import { COMMANDS } from "./commands/index.js";

const USAGE = `closer — a WhatsApp sales agent that learns which way of talking sells

Usage: closer <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, c]) => `  ${name.padEnd(22)} ${c.summary}`)
  .join("\n")}

Run 'closer <command> --help' for the options of a command.
Configuration comes from the environment and ./.env (see README, "Configuration").`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [first, second, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    io.out(USAGE);
    return first === undefined ? 1 : 0;
  }
  const twoWord = second === undefined ? undefined : COMMANDS[`${first} ${second}`];
  const entry = twoWord ?? COMMANDS[first];
  if (entry === undefined) {
    io.err(`closer: unknown command '${first}'. Run 'closer --help' for the list.`);
    return 2;
  }
  const args = twoWord !== undefined ? rest : argv.slice(1);
  const run: Command = entry.run;
  try {
    return await run(args, io);
  } catch (error) {
    io.err(`closer ${first}: ${error instanceof Error ? error.message : String(error)}`);
    return 2;
  }
}

// `closer … | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const io: CommandIo = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
  env: process.env,
  cwd: process.cwd(),
  isTty: process.stdout.isTTY === true,
};

runCli(process.argv.slice(2), io).then(
  (code) => {
    // `serve` keeps the process alive itself; other commands end here.
    if (code !== -1) process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`closer: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 2;
  },
);
