/**
 * The `simulate` MCP tool: a small, bounded run of a scenario from the
 * playbooks' `scenarios/` folder on the fast simulator, comparing policies on
 * the same simulated customers (what `closer simulate --json` prints).
 * @module
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { CloserError } from "../errors.js";
import { POLICY_NAMES, parseScenario, runSimulation, simulationJson, summarise } from "../sim/index.js";
import { formatProblem } from "../strategies/index.js";
import type { McpContext } from "./mcp-context.js";
import { audited } from "./tool-audit.js";

/** Most seeds one call runs. */
export const SIMULATE_SEEDS_MAX = 5;
/** Most customers per run one call simulates. */
export const SIMULATE_CUSTOMERS_MAX = 2_000;

/** Registers `simulate`. */
export function registerSimulateTool(server: McpServer, ctx: McpContext): void {
  server.registerTool(
    "simulate",
    {
      title: "Simulate",
      description:
        "Runs simulated customers of a scenario (a file in the playbooks' scenarios/ folder, default 'default') " +
        "through the policies and compares pseudo-regret, customers won and decision quality per policy. " +
        `Bounded: at most ${SIMULATE_SEEDS_MAX} seeds of ${SIMULATE_CUSTOMERS_MAX} customers. Touches no real data.`,
      inputSchema: z.strictObject({
        scenario: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, "a scenario name like default or drifting-market")
          .default("default"),
        policies: z.array(z.enum(POLICY_NAMES)).min(1).default(["thompson", "uniform"]),
        seeds: z.number().int().min(1).max(SIMULATE_SEEDS_MAX).default(2),
        customers: z.number().int().min(10).max(SIMULATE_CUSTOMERS_MAX).default(500),
      }),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async (args) =>
      audited(ctx, "simulate", args, async () => {
        const scenario = loadScenario(ctx, args.scenario);
        const options = { scenario, policies: args.policies, seeds: args.seeds, customers: args.customers };
        return { ...simulationJson(summarise(options, runSimulation(options))) };
      }),
  );
}

function loadScenario(ctx: McpContext, name: string) {
  const dir = join(ctx.config.PLAYBOOKS_DIR, "scenarios");
  const known = safeList(dir)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length));
  if (!known.includes(name)) {
    throw new CloserError("bad_request", `scenario: '${name}' is not one of ${known.join(", ") || "(none found)"}`);
  }
  const file = join(dir, `${name}.yaml`);
  const loaded = parseScenario(readFileSync(file, "utf8"), `scenarios/${name}.yaml`);
  if (!loaded.ok) throw new CloserError("bad_request", loaded.problems.map((p) => formatProblem(p)).join("\n"));
  return loaded.scenario;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
