/**
 * Talking to the running service from the command line: where it listens (the
 * `service.json` it writes in DATA_DIR, or `--url`), its admin token
 * (CLOSER_ADMIN_TOKEN or DATA_DIR/admin-token), and asking it to reload its
 * playbooks so a change shows without a restart.
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../../config.js";
import { SERVICE_FILE_NAME } from "../../main.js";
import { ADMIN_TOKEN_FILE_NAME } from "../../store/index.js";

/** How long to wait for the service's answer, ms. */
const RELOAD_TIMEOUT_MS = 30_000;

/** What asking the service to reload gave. */
export type ServiceReload =
  | { kind: "reloaded"; url: string; variants: number; added: string[] }
  | { kind: "refused"; url: string; problems: string }
  | { kind: "not_running"; detail: string };

/** The URL of the running service: `explicit`, else the one it wrote in DATA_DIR; null when none is running. */
export function serviceUrl(config: Config, explicit?: string): string | null {
  if (explicit !== undefined) return explicit.replace(/\/+$/, "");
  try {
    const parsed = JSON.parse(readFileSync(join(config.DATA_DIR, SERVICE_FILE_NAME), "utf8")) as { url?: unknown };
    return typeof parsed.url === "string" ? parsed.url : null;
  } catch {
    return null;
  }
}

/** Asks the running service to reload its playbooks (POST /api/playbooks/reload). Never throws. */
export async function reloadRunningService(config: Config, explicitUrl?: string): Promise<ServiceReload> {
  const url = serviceUrl(config, explicitUrl);
  if (url === null) return { kind: "not_running", detail: `no ${SERVICE_FILE_NAME} in ${config.DATA_DIR}` };
  const token = config.CLOSER_ADMIN_TOKEN ?? readToken(config);
  let response: Response;
  try {
    response = await fetch(`${url}/api/playbooks/reload`, {
      method: "POST",
      headers: { authorization: `Bearer ${token ?? ""}`, "content-type": "application/json" },
      body: "{}",
      signal: AbortSignal.timeout(RELOAD_TIMEOUT_MS),
    });
  } catch (error) {
    return { kind: "not_running", detail: `${url} did not answer (${(error as Error).message})` };
  }
  const body = (await response.json().catch(() => ({}))) as {
    variants?: number;
    added?: string[];
    error?: { code?: string; message?: string };
  };
  if (response.ok) return { kind: "reloaded", url, variants: body.variants ?? 0, added: body.added ?? [] };
  return { kind: "refused", url, problems: body.error?.message ?? `HTTP ${response.status}` };
}

/** One line saying what a reload of the running service did. */
export function describeServiceReload(result: ServiceReload): string {
  switch (result.kind) {
    case "reloaded":
      return `The running service (${result.url}) reloaded its playbooks: ${result.variants} variants${result.added.length > 0 ? `, new: ${result.added.join(", ")}` : ""}.`;
    case "refused":
      return `The running service (${result.url}) refused the playbooks and keeps the previous set:\n${result.problems}`;
    case "not_running":
      return `No running service to reload (${result.detail}); it loads the folder when it starts.`;
  }
}

function readToken(config: Config): string | undefined {
  try {
    return readFileSync(join(config.DATA_DIR, ADMIN_TOKEN_FILE_NAME), "utf8").trim();
  } catch {
    return undefined;
  }
}
