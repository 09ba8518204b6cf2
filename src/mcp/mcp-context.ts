/**
 * What the MCP tools work with, built by the shell that serves them: `closer
 * mcp` (stdio, its own store connection) or the HTTP server (`POST /mcp`).
 * @module
 */
import type { Kysely } from "kysely";
import type { Config } from "../config.js";
import type { Clock, LlmClient, PlaybookRuntime } from "../engine/index.js";
import type { CandidateDeps, ExperimentsService } from "../experiments/index.js";
import type { Database, FieldCipher } from "../store/index.js";

/** Everything an MCP tool needs. */
export interface McpContext {
  config: Config;
  db: Kysely<Database>;
  cipher: FieldCipher;
  playbooks: PlaybookRuntime;
  experiments: ExperimentsService;
  clock: Clock;
  /** Who the audit log names: `mcp:stdio` or `mcp:http`. */
  actor: string;
  /** Writes the weekly report's narrative when asked; unset means no narrative. */
  llm?: LlmClient | undefined;
  /** Asks a running sender to look at the outbox now (after a handoff ends); absent without one. */
  kickSender?: () => void;
  /** The review of the reflection's candidates (the same one `closer candidates` and `/api/candidates` use); absent means the candidate tools answer an error. */
  candidates?: CandidateDeps;
}
