/**
 * Everything the HTTP routes use, built by the composition root (src/main.ts).
 * @module
 */
import type { Kysely } from "kysely";
import type { Config } from "../config.js";
import type { Clock, Engine, LlmClient, PlaybookRuntime } from "../engine/index.js";
import type { ExperimentsService } from "../experiments/index.js";
import type { Database, FieldCipher } from "../store/index.js";

/** The state of one part for `/healthz`. */
export interface PartHealth {
  ok: boolean;
  detail: string;
}

/** What the routes need. */
export interface AppContext {
  config: Config;
  db: Kysely<Database>;
  cipher: FieldCipher;
  engine: Engine;
  playbooks: PlaybookRuntime;
  experiments: ExperimentsService;
  clock: Clock;
  /** The configured LLM (the weekly report's narrative); undefined without one. */
  llm?: LlmClient | undefined;
  adminToken: string;
  /** Summary of the loaded playbooks for `/healthz`. */
  playbookSummary: { dir: string; stages: number; variants: number; products: number };
  /** The gateway's last known health (kept fresh by the health monitor). */
  gatewayHealth(): { connected: boolean; detail: string; since: number };
}
