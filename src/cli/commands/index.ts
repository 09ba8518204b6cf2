/**
 * The sub-commands of `closer`, by name.
 * @module
 */
import type { Command } from "../command.js";
import { alertsCommand } from "./alerts.js";
import { backupCommand, restoreCommand } from "./backup.js";
import { candidatesCommand } from "./candidates.js";
import { customersCommand } from "./customers.js";
import { experimentsCommand, experimentsEvaluateCommand, experimentsSrmAckCommand } from "./experiments.js";
import { llmCheckCommand } from "./llm-check.js";
import { mcpCommand } from "./mcp.js";
import { migrateCommand } from "./migrate.js";
import { outcomeCommand } from "./outcome.js";
import { playbooksLintCommand } from "./playbooks-lint.js";
import { playbooksReloadCommand } from "./playbooks-reload.js";
import { promoteCommand } from "./promote.js";
import { reflectCommand } from "./reflect.js";
import { reportCommand } from "./report.js";
import { retireCommand } from "./retire.js";
import { serveCommand } from "./serve.js";
import { simulateCommand } from "./simulate.js";

/** A sub-command and its one-line summary. */
export interface CommandEntry {
  summary: string;
  run: Command;
}

/** Every sub-command; two-word names (`playbooks lint`) are matched first. */
export const COMMANDS: Record<string, CommandEntry> = {
  serve: { summary: "start the service (playground, webhooks, admin API)", run: serveCommand },
  "playbooks lint": { summary: "check a playbook folder and report every problem", run: playbooksLintCommand },
  "playbooks reload": {
    summary: "make the running service pick up playbook changes now",
    run: playbooksReloadCommand,
  },
  simulate: { summary: "compare the bandit with A/B rotation on simulated customers", run: simulateCommand },
  experiments: { summary: "every stage's verdict, SRM check and arms ([--json])", run: experimentsCommand },
  "experiments evaluate": {
    summary: "estimate another policy's success rate from the logged decisions",
    run: experimentsEvaluateCommand,
  },
  "experiments srm-ack": {
    summary: "acknowledge a stage's SRM alarm so its weights move again",
    run: experimentsSrmAckCommand,
  },
  promote: { summary: "make an arm (variant@version) its stage's champion", run: promoteCommand },
  retire: { summary: "take an arm (variant@version) out of rotation", run: retireCommand },
  customers: { summary: "list, show, export, forget a customer, or resume after a handoff", run: customersCommand },
  migrate: { summary: "apply pending database migrations", run: migrateCommand },
  backup: { summary: "write an encrypted backup into DATA_DIR/backups/ now, or verify one", run: backupCommand },
  restore: { summary: "restore a snapshot backup into an empty DATA_DIR", run: restoreCommand },
  reflect: { summary: "let the LLM propose new variants now (the weekly reflection)", run: reflectCommand },
  candidates: { summary: "list, show, approve or reject the reflection's proposals", run: candidatesCommand },
  "llm check": { summary: "send one probe to the configured LLM and say what works", run: llmCheckCommand },
  mcp: { summary: "serve the MCP tools over stdio for an assistant", run: mcpCommand },
  alerts: { summary: "alerts that hold now and recent ones ([--active] [--json])", run: alertsCommand },
  outcome: { summary: "record that a customer won, lost or advanced", run: outcomeCommand },
  report: {
    summary: "the sales report: funnel, sales, experiments, customers, service, next steps",
    run: reportCommand,
  },
};
