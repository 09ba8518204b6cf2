/**
 * The fastify application: routes over the app context, one error handler.
 * A thin shell: every decision lives in the engine, experiments and store.
 * @module
 */
import Fastify, { type FastifyInstance, LogController } from "fastify";
import type { Logger } from "../log.js";
import type { AppContext } from "./app-context.js";
import { errorHandler } from "./error-handler.js";
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
  }) as unknown as FastifyInstance;
  app.setErrorHandler(errorHandler);
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
  void app.register(async function webhooks(scope) {
    registerWebhookRoutes(scope, ctx);
  });
  return app;
}
