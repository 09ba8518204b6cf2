/**
 * Fixtures of the CLI tests: a fake `CommandIo` that records what a command
 * prints, a temporary install (DATA_DIR, the shipped playbooks, a fixed data
 * key), and running a command by its name as `closer` dispatches it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { CommandIo } from "../../src/cli/command.js";
import { COMMANDS } from "../../src/cli/commands/index.js";
import { TEST_DATA_KEY } from "../support/test-database.js";

/** The shipped playbooks. */
export const PLAYBOOKS_DIR = resolve(import.meta.dirname, "../../playbooks");

/** What a command printed and returned. */
export interface CommandRun {
  code: number;
  out: string;
  err: string;
}

/** A temporary install: a fresh DATA_DIR next to the shipped playbooks. */
export interface TempInstall {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Runs `closer <name> …args` (name may be two words) and collects its output. */
  run(name: string, ...args: string[]): Promise<CommandRun>;
  remove(): void;
}

/** Makes a temporary install; `env` adds to or overrides its environment. */
export function tempInstall(env: NodeJS.ProcessEnv = {}): TempInstall {
  const dir = mkdtempSync(join(tmpdir(), "closer-cli-"));
  const fullEnv: NodeJS.ProcessEnv = {
    DATA_DIR: join(dir, "data"),
    PLAYBOOKS_DIR,
    CLOSER_DATA_KEY: TEST_DATA_KEY.toString("base64"),
    USER: "tester",
    LOG_LEVEL: "silent",
    ...env,
  };
  return {
    dir,
    env: fullEnv,
    run: (name, ...args) => runCommand(name, args, fullEnv, dir),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Runs a registered command with a recording io. */
export async function runCommand(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
): Promise<CommandRun> {
  const entry = COMMANDS[name];
  if (entry === undefined) throw new Error(`no command '${name}' is registered`);
  const out: string[] = [];
  const err: string[] = [];
  const io: CommandIo = { out: (t) => out.push(t), err: (t) => err.push(t), env, cwd, isTty: false };
  const code = await entry.run(args, io);
  return { code, out: out.join("\n"), err: err.join("\n") };
}
