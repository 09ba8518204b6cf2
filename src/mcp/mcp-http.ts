/**
 * `POST /mcp`: the MCP server over Streamable HTTP (stateless: one server and
 * transport per request, JSON answers), behind the admin token. `GET` and
 * `DELETE` answer 405: there are no sessions and no server-sent stream.
 * @module
 */
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { McpContext } from "./mcp-context.js";
import { createCloserMcpServer } from "./mcp-server.js";

/** Options of {@link registerMcpRoutes}. */
export interface McpRoutesOptions {
  /** The context of one request's tools. */
  context: McpContext;
  /** Throws (401) unless the request carries the admin token. */
  authorize(request: FastifyRequest): void;
}

/** Registers `/mcp`. */
export function registerMcpRoutes(app: FastifyInstance, { context, authorize }: McpRoutesOptions): void {
  app.post("/mcp", async function mcp(request, reply) {
    authorize(request);
    const server = createCloserMcpServer(context);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.raw.on("close", () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    reply.hijack();
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });
  const notAllowed = async (request: FastifyRequest, reply: FastifyReply) => {
    authorize(request);
    return reply
      .status(405)
      .header("allow", "POST")
      .send({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: use POST." }, id: null });
  };
  app.get("/mcp", notAllowed);
  app.delete("/mcp", notAllowed);
}
