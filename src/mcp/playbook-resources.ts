/**
 * MCP resources: the playbook files (funnel, catalog, variants, scenarios;
 * read-only) and the latest experiment report as JSON.
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { type McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { buildExperimentReport } from "../analytics/index.js";
import { CloserError } from "../errors.js";
import type { McpContext } from "./mcp-context.js";

/** The URI of the latest experiment report. */
export const EXPERIMENT_REPORT_URI = "closer://reports/experiments";

/** Registers the playbook files and the report. */
export function registerResources(server: McpServer, ctx: McpContext): void {
  const root = ctx.config.PLAYBOOKS_DIR;
  server.registerResource(
    "playbook",
    new ResourceTemplate("closer://playbooks/{+path}", {
      list: async () => ({
        resources: yamlFiles(root).map((path) => ({
          uri: `closer://playbooks/${path}`,
          name: path,
          mimeType: "application/yaml",
        })),
      }),
    }),
    {
      title: "Playbook files",
      description: "The funnel, catalog, variants and scenarios (read-only).",
      mimeType: "application/yaml",
    },
    async (uri, variables) => {
      const path = String(variables.path ?? "");
      // Only files the listing offers: no ../, no absolute paths, no other extensions.
      if (!yamlFiles(root).includes(path)) throw new CloserError("bad_request", `No playbook file '${path}'.`);
      return {
        contents: [{ uri: uri.href, mimeType: "application/yaml", text: readFileSync(join(root, path), "utf8") }],
      };
    },
  );
  server.registerResource(
    "experiment-report",
    EXPERIMENT_REPORT_URI,
    {
      title: "Latest experiment report",
      description: "Every stage's verdict, SRM check and arms, computed now (as closer experiments --json).",
      mimeType: "application/json",
    },
    async (uri) => {
      const report = await buildExperimentReport(ctx.db, ctx.playbooks, ctx.clock.now());
      return { contents: [{ uri: uri.href, mimeType: "application/json", text: JSON.stringify(report, null, 2) }] };
    },
  );
}

/** Every `.yaml` file under `root`, as a relative path with `/` separators, sorted. */
function yamlFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".yaml")) out.push(relative(root, path).split(sep).join("/"));
    }
  };
  walk(root);
  return out.sort();
}
