/**
 * Everything the HTTP routes use, built by the composition root (src/main.ts).
 * @module
 */
import type { Kysely } from "kysely";
import type { Config } from "../config.js";
import type { Clock, Engine, LlmClient, PlaybookRuntime, ReloadResult } from "../engine/index.js";
import type { CandidateDeps, ExperimentsService, ReflectionDeps } from "../experiments/index.js";
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
  /** Summary of the playbooks in force for `/healthz`. */
  playbookSummary(): { dir: string; stages: number; variants: number; products: number };
  /** Reloads the playbooks folder (refused, old set kept, when it fails lint). */
  reloadPlaybooks(why: string): Promise<ReloadResult>;
  /** The weekly reflection's parts; undefined when no LLM is configured. */
  reflection: ReflectionDeps | undefined;
  /** The review of reflection candidates. */
  candidates: CandidateDeps;
  /** The gateway's last known health (kept fresh by the health monitor). */
  gatewayHealth(): { connected: boolean; detail: string; since: number };
}
