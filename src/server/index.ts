/**
 * @module
 * The HTTP surface: the fastify app over the engine, experiments and store —
 * health and metrics, webhooks, the playground, the admin API and dashboard.
 */

export { buildApp } from "./app.js";
export type { AppContext, PartHealth } from "./app-context.js";
