/**
 * @module
 * The HTTP surface: the fastify app over the engine, experiments and store —
 * health and metrics, webhooks, the playground, the admin API and dashboard.
 */

// shared with the `outcome` command, so the CLI and the API accept the same outcomes
export { profileAfterOutcomeHook } from "../engine/index.js";
export { buildApp } from "./app.js";
export type { AppContext, PartHealth } from "./app-context.js";
export { outcomeBodySchema } from "./routes/experiment-routes.js";
