/**
 * `closer mcp`: the MCP server over stdio, for an assistant that starts it as
 * a subprocess (Claude Desktop, an IDE agent). Standard output carries only the
 * protocol; problems go to standard error. It ends when the client closes
 * standard input or on SIGTERM/SIGINT.
 * @module
 */
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { createLlmClient } from "../../engine/index.js";
import { createCloserMcpServer } from "../../mcp/index.js";
import type { Command } from "../command.js";
import { candidateDeps } from "./candidates.js";
import { parseCommandArgs, runCommand, UsageError, wantsHelp, withCliContext } from "./cli-context.js";

const USAGE = "closer mcp";
const HELP = `${USAGE} — serve Closer's MCP tools over stdio

For an assistant that runs Closer as a subprocess. Tools: experiments_status,
promote_arm, retire_arm, customer_find, customer_show, record_outcome,
handoff_start, handoff_end, simulate, report_weekly, candidates_list,
candidate_review; resources: the playbook
files, the experiment report and the latest weekly report. Every call is written to the audit log (actor mcp:stdio).
The configuration (DATA_DIR, PLAYBOOKS_DIR, …) is the one 'closer serve' uses;
a running server can share the SQLite file. See the README ("MCP") for the
client configuration; the same tools are at POST /mcp of a running server.

Exit status: 0 when the client disconnects, 1 bad configuration, 2 unexpected.`;

/** The `mcp` command. */
export const mcpCommand: Command = async (argv, io) => {
  if (wantsHelp(argv)) {
    io.out(HELP);
    return 0;
  }
  return runCommand(io, "mcp", USAGE, async () => {
    const { positionals } = parseCommandArgs(argv, {});
    if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`);
    return withCliContext(io, async (ctx) => {
      const server = createCloserMcpServer({
        ...ctx,
        actor: "mcp:stdio",
        llm: createLlmClient(ctx.config),
        candidates: candidateDeps(ctx, io.err),
      });
      const closed = new Promise<void>((resolve) => {
        server.server.onclose = resolve;
      });
      const stop = () => void server.close();
      process.stdin.once("end", stop);
      process.once("SIGTERM", stop);
      process.once("SIGINT", stop);
      await server.connect(new StdioServerTransport());
      await closed;
      return 0;
    });
  });
};
