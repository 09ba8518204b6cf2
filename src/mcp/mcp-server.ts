/**
 * The Closer MCP server: its tools and resources over an `McpContext`, ready
 * to connect to a transport (stdio for `closer mcp`, Streamable HTTP for
 * `POST /mcp`).
 * @module
 */
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { registerCandidateTools } from "./candidate-tools.js";
import { registerCustomerTools } from "./customer-tools.js";
import { registerExperimentTools } from "./experiment-tools.js";
import type { McpContext } from "./mcp-context.js";
import { registerResources } from "./playbook-resources.js";
import { registerReportTool } from "./report-tool.js";
import { registerSimulateTool } from "./simulate-tool.js";

/** The server's name and version as MCP clients see them. */
export const MCP_SERVER_INFO = { name: "closer", version: "0.1.0" } as const;

/** Builds an MCP server with every tool and resource. */
export function createCloserMcpServer(ctx: McpContext): McpServer {
  const server = new McpServer(MCP_SERVER_INFO, {
    instructions:
      "Closer is a WhatsApp sales agent whose reply strategies compete in per-stage bandit experiments. " +
      "Read experiments_status before promoting or retiring an arm, and give a reason. Phone numbers are masked.",
  });
  registerExperimentTools(server, ctx);
  registerCustomerTools(server, ctx);
  registerCandidateTools(server, ctx);
  registerSimulateTool(server, ctx);
  registerReportTool(server, ctx);
  registerResources(server, ctx);
  return server;
}
