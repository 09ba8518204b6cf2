/**
 * @module
 * The MCP server: Closer's tools (experiments, customers, outcomes, handoffs,
 * simulation) and resources (playbook files, the experiment report) for an
 * assistant, over stdio (`closer mcp`) or Streamable HTTP (`POST /mcp`). A thin
 * shell: every decision lives in the engine, experiments, analytics and store.
 */
export type { McpContext } from "./mcp-context.js";
export type { McpRoutesOptions } from "./mcp-http.js";
export { registerMcpRoutes } from "./mcp-http.js";
export { createCloserMcpServer, MCP_SERVER_INFO } from "./mcp-server.js";
export { EXPERIMENT_REPORT_URI } from "./playbook-resources.js";
export { LATEST_WEEKLY_REPORT_URI } from "./report-tool.js";
