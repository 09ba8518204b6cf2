/**
 * The fastify application: routes over the app context, one error handler.
 * A thin shell: every decision lives in the engine, experiments and store.
 * @module
 */
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Logger } from "../log.js";
import { registerMcpRoutes } from "../mcp/index.js";
import type { AppContext } from "./app-context.js";
import { requireAdmin } from "./auth.js";
import { errorHandler } from "./error-handler.js";
import { registerExposureGuards } from "./exposure.js";
import { registerDashboard } from "./pages/dashboard-plugin.js";
import { registerCustomerRoutes } from "./routes/customer-routes.js";
import { registerExperimentRoutes } from "./routes/experiment-routes.js";
import { registerHealthRoutes } from "./routes/health-routes.js";
import { registerPlaygroundRoutes } from "./routes/playground-routes.js";
import { registerReflectionRoutes } from "./routes/reflection-routes.js";
import { registerReportRoutes } from "./routes/report-routes.js";
import { registerWebhookRoutes } from "./routes/webhook-routes.js";

/** Largest accepted request body, bytes (WhatsApp text is at most 4096 characters; payloads carry metadata). */
export const BODY_LIMIT_BYTES = 1_048_576;

/** Builds the fastify app (not listening yet). */
export function buildApp(ctx: AppContext, logger: Logger): FastifyInstance {
  // Typed as the default instance: the routes do not care which pino logger it carries.
  const app: FastifyInstance = Fastify({
    loggerInstance: logger.child({ module: "http" }),
    // Request lines would print URLs such as /api/customers/+1555…; routes log what matters themselves.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: BODY_LIMIT_BYTES,
    return503OnClosing: true,
    // A client that sends its headers or body too slowly is cut (408), checked every second.
    requestTimeout: ctx.config.HTTP_REQUEST_TIMEOUT_MS,
    http: {
      requestTimeout: ctx.config.HTTP_REQUEST_TIMEOUT_MS,
      headersTimeout: Math.min(ctx.config.HTTP_HEADERS_TIMEOUT_MS, ctx.config.HTTP_REQUEST_TIMEOUT_MS),
      connectionsCheckingInterval: Math.min(1000, ctx.config.HTTP_HEADERS_TIMEOUT_MS),
    },
  }) as unknown as FastifyInstance;
  app.setErrorHandler(errorHandler);
  registerExposureGuards(app, ctx.config);
  app.addHook("onResponse", async function countRequest(request, reply) {
    // The route pattern, never the URL: /api/customers/+1555… must not become a label.
    const route = request.routeOptions.url ?? "unmatched";
    ctx.engine.metrics.recordRequest(route, reply.statusCode, reply.elapsedTime / 1000);
  });
  app.setNotFoundHandler(function notFound(request, reply) {
    return reply
      .status(404)
      .send({ error: { code: "not_found", message: `No route ${request.method} ${request.url}` } });
  });
  registerHealthRoutes(app, ctx);
  registerPlaygroundRoutes(app, ctx);
  registerCustomerRoutes(app, ctx);
  registerExperimentRoutes(app, ctx);
  registerReflectionRoutes(app, ctx);
  registerReportRoutes(app, ctx);
  registerDashboard(app, ctx);
  registerMcpRoutes(app, {
    context: { ...ctx, actor: "mcp:http", kickSender: () => ctx.engine.kickSender() },
    authorize: (request) => requireAdmin(request, ctx.adminToken),
  });
  void app.register(async function webhooks(scope) {
    registerWebhookRoutes(scope, ctx);
  });
  return app;
}
