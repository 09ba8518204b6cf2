/**
 * The sub-commands of `closer`, by name.
 * @module
 */
import type { Command } from "../command.js";
import { playbooksLintCommand } from "./playbooks-lint.js";
import { serveCommand } from "./serve.js";

/** A sub-command and its one-line summary. */
export interface CommandEntry {
  summary: string;
  run: Command;
}

/** Every sub-command; two-word names (`playbooks lint`) are matched first. */
export const COMMANDS: Record<string, CommandEntry> = {
  serve: { summary: "start the service (playground, webhooks, admin API)", run: serveCommand },
  "playbooks lint": { summary: "check a playbook folder and report every problem", run: playbooksLintCommand },
};
